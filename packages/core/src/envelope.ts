import type { Actor } from './actor.js';
import type { Event } from './message.js';

/**
 * An event as the store keeps it. `globalPosition` is the store-wide position
 * of the event and doubles as the checkpoint "after this event": it is opaque
 * (the in-memory store uses a counter, PostgreSQL a transaction id and a
 * sequence), so compare checkpoints only through the store that made them.
 */
export type Checkpoint = string;

export type EventMetadata = Readonly<{
  /** uuid v7; appends are idempotent by eventId. */
  eventId: string;
  /** ISO-8601, from the command that caused the event. */
  occurredAt: string;
  actor: Actor;
  /** The command (or event) that caused this event. The command handler sets the commandId. */
  causationId?: string;
  correlationId?: string;
  /** Version of the event's data schema; upcasters lift older versions on read. Default 1. */
  schemaVersion?: number;
}>;

/** What a writer hands to `append`. */
export type NewEvent<E extends Event = Event> = EventMetadata & Readonly<{ event: E }>;

export type Envelope<E extends Event = Event> = Readonly<{
  event: E;
  eventId: string;
  streamId: string;
  /** 0-based position in the stream. */
  streamVersion: number;
  globalPosition: Checkpoint;
  occurredAt: string;
  /** When the store committed it. */
  recordedAt: string;
  causationId?: string;
  correlationId?: string;
  actor: Actor;
  schemaVersion: number;
}>;
