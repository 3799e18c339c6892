import type { Envelope } from './envelope.js';

/**
 * A poison event: one a reactor (or projection) kept failing on after its
 * retries. It is parked for that consumer alone, so the consumer moves on to
 * later events and other consumers are not held up; an operator sees it
 * (`list`) and retries it once the cause is fixed (`retry`).
 */
export type ParkedEvent = Readonly<{
  consumer: string;
  eventId: string;
  streamId: string;
  globalPosition: string;
  attempts: number;
  error: string;
  parkedAt: string;
}>;

export interface ParkedStore {
  park(consumer: string, envelope: Envelope, attempts: number, error: string, at: string): Promise<void>;
  list(consumer?: string): Promise<readonly ParkedEvent[]>;
  /** Remove the parking entry so the runtime re-delivers it; false when nothing was parked. */
  retry(consumer: string, eventId: string): Promise<boolean>;
}
