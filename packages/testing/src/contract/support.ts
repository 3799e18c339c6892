import * as E from 'fp-ts/lib/Either.js';
import { expect } from 'vitest';
import type {
  Actor,
  AppendError,
  AppendResult,
  Checkpoint,
  Envelope,
  EventStore,
  NewEvent,
  ReadAllOptions,
} from '@ordersource/core';
import { newId, sleep } from '@ordersource/core';

/** Helpers every feature file of the EventStore contract shares. */

export type Setup = Readonly<{ store: EventStore; prefix: string }>;

export const ACTOR: Actor = { kind: 'admin', id: 'admin-1', name: 'Ann' };

/** A NewEvent with sensible metadata; anything can be overridden. */
export const newEvent = (type: string, data: unknown = {}, overrides: Partial<NewEvent> = {}): NewEvent => ({
  event: { type, data },
  eventId: newId(),
  occurredAt: '2026-11-24T10:00:00.000Z',
  actor: ACTOR,
  ...overrides,
});

export const events = (count: number, type = 'Happened'): NewEvent[] =>
  Array.from({ length: count }, (_, i) => newEvent(type, { i }));

export const collect = async <A>(iterable: AsyncIterable<A>): Promise<A[]> => {
  const out: A[] = [];
  for await (const item of iterable) out.push(item);
  return out;
};

export const describeLeft = (result: E.Either<AppendError, AppendResult>): string =>
  E.isLeft(result) ? `${result.left.kind}: ${result.left.message}` : `appended ${JSON.stringify(result.right)}`;

export const right = (result: E.Either<AppendError, AppendResult>): AppendResult => {
  if (E.isLeft(result)) throw new Error(`expected the append to succeed, got ${describeLeft(result)}`);
  return result.right;
};

export const left = (result: E.Either<AppendError, AppendResult>): AppendError => {
  if (E.isRight(result)) throw new Error(`expected the append to fail, got ${describeLeft(result)}`);
  return result.left;
};

/** Poll until `ready()` holds; fails with `what` after `timeoutMs`. */
export const waitFor = async (what: string, ready: () => boolean, timeoutMs = 15_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
};

export const ids = (envelopes: readonly Envelope[]): string[] => envelopes.map((envelope) => envelope.eventId);

export const mine = (store: EventStore, prefix: string, after?: Checkpoint, options: ReadAllOptions = {}) =>
  collect(store.readAll(after, { streamPrefix: prefix, ...options }));

/** Every stream's events appear exactly once, with versions 0..n-1 in order. */
export const expectWellOrdered = (
  envelopes: readonly Envelope[],
  expectedPerStream: ReadonlyMap<string, readonly string[]>,
) => {
  const seen = new Set<string>();
  const byStream = new Map<string, Envelope[]>();
  for (const envelope of envelopes) {
    expect(seen.has(envelope.eventId), `event ${envelope.eventId} delivered twice`).toBe(false);
    seen.add(envelope.eventId);
    const list = byStream.get(envelope.streamId) ?? [];
    list.push(envelope);
    byStream.set(envelope.streamId, list);
  }
  expect([...byStream.keys()].sort()).toEqual([...expectedPerStream.keys()].sort());
  for (const [streamId, expectedIds] of expectedPerStream) {
    const list = byStream.get(streamId) ?? [];
    expect(
      list.map((envelope) => envelope.streamVersion),
      `versions of ${streamId}`,
    ).toEqual(list.map((_, i) => i));
    expect(new Set(ids(list)), `events of ${streamId}`).toEqual(new Set(expectedIds));
  }
};

/** What every feature file of the contract gets: a fresh store per test, and what the store can do. */
export type FeatureContext = Readonly<{
  /** Wraps a test body: a fresh store and a unique stream prefix; the store is closed afterwards. */
  withStore: (body: (setup: Setup) => Promise<void>) => () => Promise<void>;
  /** The store has real parallel connections (not PGlite/in-memory). */
  parallel: boolean;
  /** Runs per fast-check law. */
  fuzzRuns: number;
}>;
