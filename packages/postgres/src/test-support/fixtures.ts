import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import {
  createEnvelopeDecoder,
  eventCodec,
  newId,
  type Actor,
  type AppendError,
  type AppendResult,
  type Command,
  type Decider,
  type Envelope,
  type NewEvent,
} from '@ordersource/core';

export const ACTOR: Actor = { kind: 'admin', id: 'admin-1' };

export const newEvent = (type: string, data: unknown = {}, overrides: Partial<NewEvent> = {}): NewEvent => ({
  event: { type, data },
  eventId: newId(),
  occurredAt: '2026-11-24T10:00:00.000Z',
  actor: ACTOR,
  ...overrides,
});

export const collect = async <A>(iterable: AsyncIterable<A>): Promise<A[]> => {
  const out: A[] = [];
  for await (const item of iterable) out.push(item);
  return out;
};

export const right = (result: E.Either<AppendError, AppendResult>): AppendResult => {
  if (E.isLeft(result))
    throw new Error(`expected the append to succeed, got ${result.left.kind}: ${result.left.message}`);
  return result.right;
};

/** Poll until `ready()` holds; fails with `what` after `timeoutMs`. */
export const waitFor = async (what: string, ready: () => boolean, timeoutMs = 30_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

/** A counter stream: the smallest decider whose lost updates are visible in its state. */
export type CounterCommand = Command<'Increment', { by: number }>;
export type CounterEvent = Readonly<{ type: 'Incremented'; data: { by: number } }>;
export type CounterState = Readonly<{ total: number; count: number }>;

export const counterDecider: Decider<CounterCommand, CounterEvent, CounterState> = {
  initialState: { total: 0, count: 0 },
  decide: (command) => E.right([{ type: 'Incremented', data: { by: command.data.by } }]),
  evolve: (draft, event) => {
    draft.total += event.data.by;
    draft.count += 1;
  },
};

export const decodeCounter = createEnvelopeDecoder<CounterEvent>(eventCodec('Incremented', t.strict({ by: t.number })));

export const increment = (by: number): CounterCommand => ({
  type: 'Increment',
  data: { by },
  metadata: { commandId: newId(), actor: ACTOR, at: '2026-11-24T10:00:00.000Z' },
});

export const eventIds = (envelopes: readonly Envelope[]): string[] => envelopes.map((envelope) => envelope.eventId);
