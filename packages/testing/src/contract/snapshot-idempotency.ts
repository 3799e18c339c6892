import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { describe, expect, it } from 'vitest';
import {
  createCommandHandler,
  createEnvelopeDecoder,
  domainError,
  eventCodec,
  newId,
  type Command,
  type Decider,
  type Event,
  type EventStore,
  type SnapshotStore,
} from '@ordersource/core';

/**
 * Issue 18: idempotency by commandId with snapshots that list only a window
 * of recent commands. Whatever the window, the snapshot interval, and however
 * handlers are restarted, evicted and reloaded from a snapshot, a command that
 * appended events before, delivered again (with or without a stale
 * `expectedVersion`), is a duplicate with the events it produced the first
 * time, and nothing is appended. Commands older than the window are the case
 * this is about: the handler must find them in the event store.
 *
 * The decider's events carry the stream's count when decided, so a command
 * decided again on a later state would produce other events: a wrong answer
 * shows even if nothing were appended.
 */
export type SnapshotIdempotencyStores = Readonly<{
  events: EventStore;
  snapshots: SnapshotStore<TallyState>;
  close?: () => Promise<void>;
}>;

export type TallyState = Readonly<{ count: number }>;
type Tally = Command<'Tally', { events: number; refuse: boolean }>;
type Tallied = Event<'Tallied', { at: number; part: number }>;

// A command appends 0 to 3 events (0: an empty decision), or is refused: batches of every size cross every boundary.
const tallyDecider: Decider<Tally, Tallied, TallyState> = {
  initialState: { count: 0 },
  decide: (command, state) =>
    command.data.refuse
      ? E.left(domainError('refused', 'this command is refused'))
      : E.right(
          Array.from({ length: command.data.events }, (_, part) => ({
            type: 'Tallied' as const,
            data: { at: state.count, part },
          })),
        ),
  evolve: (draft, _event) => {
    (draft as { count: number }).count++;
  },
};

const decodeEnvelope = createEnvelopeDecoder(
  eventCodec('Tallied', t.strict({ at: t.number, part: t.number })) as unknown as t.Type<Tallied, unknown, unknown>,
);

type Op =
  | Readonly<{ kind: 'new'; events: number; refuse: boolean }>
  | Readonly<{ kind: 'again'; pick: number; stale: boolean }>
  | Readonly<{ kind: 'evict' }>
  | Readonly<{ kind: 'restart'; window: number }>
  | Readonly<{ kind: 'load' }>;

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('new' as const),
      events: fc.constantFrom(0, 1, 1, 1, 2, 3),
      refuse: fc.constantFrom(false, false, false, false, true),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('again' as const), pick: fc.nat(), stale: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('evict' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const), window: fc.nat(8) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('load' as const) }) },
);

export type SnapshotIdempotencyOptions = Readonly<{ numRuns?: number; maxOps?: number }>;

export const snapshotIdempotencyLaw = (
  name: string,
  factory: () => Promise<SnapshotIdempotencyStores>,
  options: SnapshotIdempotencyOptions = {},
): void => {
  describe(`snapshot idempotency: ${name}`, () => {
    it('law: a command handled at any time before is a duplicate with its first events, whatever the window', async () => {
      const stores = await factory();
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.integer({ min: 1, max: 5 }),
            fc.nat(8),
            fc.array(opArb, { minLength: 1, maxLength: options.maxOps ?? 40, size: 'max' }),
            async (every, window, ops) => {
              const streamId = `tally-${newId()}`;
              const handlerWith = (commandWindow: number) =>
                createCommandHandler({
                  store: stores.events,
                  decider: tallyDecider,
                  decodeEnvelope,
                  random: () => 0,
                  snapshots: { store: stores.snapshots, every, schemaVersion: 1, commandWindow },
                });
              let handler = handlerWith(window);
              const first = new Map<string, readonly Tallied[]>();
              const appended: Tally[] = [];
              let made = 0;
              for (const op of ops) {
                if (op.kind === 'evict') handler.evict();
                else if (op.kind === 'restart') handler = handlerWith(op.window);
                else if (op.kind === 'load') expect(E.isRight(await handler.load(streamId))).toBe(true);
                else if (op.kind === 'new') {
                  const command: Tally = {
                    type: 'Tally',
                    data: { events: op.events, refuse: op.refuse },
                    metadata: { commandId: `${streamId}-c${made++}`, actor: { kind: 'system', id: 'law' }, at: AT },
                  };
                  const result = await handler.handle(streamId, command);
                  if (E.isLeft(result)) {
                    expect(result.left.code, result.left.message).toBe('refused');
                    continue;
                  }
                  expect(result.right.duplicate).toBe(false);
                  if (result.right.events.length === 0) continue;
                  first.set(command.metadata.commandId, result.right.events);
                  appended.push(command);
                } else if (appended.length > 0) {
                  const command = appended[op.pick % appended.length]!;
                  const before = await stores.events.streamVersion(streamId);
                  // A stale expected version: the caller read the stream before the command was first handled.
                  const result = await handler.handle(
                    streamId,
                    command,
                    op.stale ? { expectedVersion: -1 } : undefined,
                  );
                  const id = command.metadata.commandId;
                  if (E.isLeft(result))
                    throw new Error(`re-delivery of ${id}: ${result.left.code}: ${result.left.message}`);
                  expect(result.right.duplicate, `re-delivery of ${id}`).toBe(true);
                  expect(result.right.events, `re-delivery of ${id}`).toEqual(first.get(id));
                  expect(await stores.events.streamVersion(streamId), `re-delivery of ${id}`).toBe(before);
                }
              }
              // Each command's events are stored once, as one batch, and are the events it answered with.
              const stored = new Map<string, Tallied[]>();
              for await (const envelope of stores.events.read(streamId)) {
                const list = stored.get(envelope.causationId ?? '') ?? [];
                list.push(envelope.event as Tallied);
                stored.set(envelope.causationId ?? '', list);
              }
              expect([...stored.keys()].sort()).toEqual([...first.keys()].sort());
              for (const [id, events] of stored) expect(events, id).toEqual(first.get(id));
            },
          ),
          { numRuns: options.numRuns ?? 100 },
        );
      } finally {
        await stores.close?.();
      }
    });
  });
};

const AT = '2026-12-03T12:00:00Z';
