import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import * as t from 'io-ts';
import { describe, expect, it } from 'vitest';
import {
  createCommandHandler,
  createEnvelopeDecoder,
  isInvalidArgument,
  type Command,
  type Decider,
  type Envelope,
  type EventStore,
  type FoldRow,
} from '@ordersource/core';
import { ACTOR, collect, newEvent, right, type FeatureContext } from './support.js';

/**
 * `readForFold`, for the stores that have it (the port method is optional):
 * the same events as `read`, cut down to a fold row, and a command handler
 * that folds with it ends where one that folds with `read` ends: the same
 * state, version and record of the commands it handled.
 */

/** What `read` says a fold row must hold. */
const foldRowOf = ({ event, streamId, streamVersion, schemaVersion, causationId }: Envelope): FoldRow =>
  causationId === undefined
    ? { event, streamId, streamVersion, schemaVersion }
    : { event, streamId, streamVersion, schemaVersion, causationId };

/** The batches of `readForFold` (none where the store has no such method). */
const foldBatches = (store: EventStore, streamId: string, from: number): Promise<(readonly FoldRow[])[]> =>
  collect(store.readForFold?.(streamId, from) ?? (async function* () {})());

/** The same store without `readForFold`: a command handler then folds with `read`. */
const withoutFoldRead = (store: EventStore): EventStore => {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- the method is dropped, never called
  const { readForFold: _dropped, ...rest } = store;
  return rest;
};

/** A decider that keeps every event it folds, in order: any difference in what was folded shows. */
type Noted = Readonly<{ type: 'Noted'; data: Readonly<{ value: unknown }> }>;
type Note = Command<'Note', Readonly<{ value: unknown }>>;
const notes: Decider<Note, Noted, { seen: unknown[] }> = {
  initialState: { seen: [] },
  decide: (command) => E.right([{ type: 'Noted', data: { value: command.data.value } }]),
  evolve: (draft, event) => {
    draft.seen.push(event.data.value);
  },
};
const NotedCodec: t.Type<Noted, Noted, unknown> = t.strict({
  type: t.literal('Noted'),
  data: t.strict({ value: t.unknown }),
});

const note = (commandId: string, value: unknown): Note => ({
  type: 'Note',
  data: { value },
  metadata: { commandId, actor: ACTOR, at: '2026-11-24T10:00:00.000Z' },
});

/** JSON values the store keeps as they are (no -0: JSON has none). */
const jsonValue = fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.parse(JSON.stringify(value)) as unknown);

/** A stored event: a causation or none, schema version 1 (the handler's decoder reads only those). */
const storedArb = fc.record({
  value: jsonValue,
  cause: fc.option(fc.constantFrom('c-1', 'c-2', 'c-3', 'c-4'), { nil: undefined }),
  schemaVersion: fc.constantFrom(1, 2),
});

export const readForFoldFeature = ({ withStore, parallel }: FeatureContext): void => {
  describe('readForFold (stores that have it)', () => {
    it(
      'for any stream and any from: the events of read(streamId, { from }), as fold rows, in batches',
      withStore(async ({ store, prefix }) => {
        if (store.readForFold === undefined) return;
        let run = 0;
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.array(storedArb, { minLength: 1, maxLength: 4 }), { maxLength: 5 }),
            fc.nat(25),
            async (batches, from) => {
              const streamId = `${prefix}s${run++}`;
              let version = -1;
              for (const batch of batches) {
                const written = batch.map(({ value, cause, schemaVersion }, i) =>
                  newEvent(
                    i % 2 === 0 ? 'Noted' : 'Other',
                    { value },
                    cause === undefined ? { schemaVersion } : { schemaVersion, causationId: cause },
                  ),
                );
                version = right(
                  await store.append(streamId, written, version < 0 ? 'no-stream' : version),
                ).nextExpectedVersion;
              }
              const expected = (await collect(store.read(streamId, { from }))).map(foldRowOf);
              const batched = await foldBatches(store, streamId, from);
              expect(batched.flat()).toEqual(expected);
              expect(batched.every((batch) => batch.length > 0)).toBe(true);
            },
          ),
          { numRuns: parallel ? 15 : 25 },
        );
      }),
    );

    it(
      'a handler folds a cache miss to the same state, version and commandIds as one that folds read',
      withStore(async ({ store, prefix }) => {
        if (store.readForFold === undefined) return;
        const withoutFold = withoutFoldRead(store);
        const decodeEnvelope = createEnvelopeDecoder(NotedCodec);
        let run = 0;
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.record({ value: jsonValue, id: fc.constantFrom('a', 'b', 'c', 'd', 'e') }), {
              minLength: 1,
              maxLength: 12,
            }),
            fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
            async (commands, again) => {
              const streamId = `${prefix}h${run++}`;
              const writer = createCommandHandler({ store, decider: notes, decodeEnvelope });
              for (const { value, id } of commands)
                expect(E.isRight(await writer.handle(streamId, note(id, value)))).toBe(true);
              const folded = createCommandHandler({ store, decider: notes, decodeEnvelope });
              const read = createCommandHandler({ store: withoutFold, decider: notes, decodeEnvelope });
              const [viaFold, viaRead] = [await folded.load(streamId), await read.load(streamId)];
              expect(viaFold).toEqual(viaRead);
              expect(E.isRight(viaFold)).toBe(true);
              // The record of commands: a re-delivery is a duplicate for both, or a new command for both.
              const handled = await folded.handle(streamId, note(again, 'again'));
              const handledByRead = await read.handle(streamId, note(again, 'again'));
              const duplicate = (result: typeof handled) => E.isRight(result) && result.right.duplicate;
              expect(duplicate(handled)).toBe(commands.some((command) => command.id === again));
              // The first handler appended when the command was new: the second then meets it as a duplicate.
              expect(duplicate(handledByRead)).toBe(true);
            },
          ),
          { numRuns: parallel ? 10 : 20 },
        );
      }),
    );

    it(
      'refuses a bad streamId or from as read refuses them, naming the argument',
      withStore(async ({ store }) => {
        if (store.readForFold === undefined) return;
        const refusal = async (streamId: unknown, from: unknown) => {
          const error: unknown = await foldBatches(store, streamId as string, from as number).catch(
            (thrown: unknown) => thrown,
          );
          expect(isInvalidArgument(error), String(error)).toBe(true);
          return error;
        };
        expect(await refusal('', 0)).toMatchObject({ method: 'readForFold', path: 'streamId', rule: 'blank' });
        expect(await refusal('s', -1)).toMatchObject({ method: 'readForFold', path: 'from', rule: 'range' });
        expect(await refusal('s', 1.5)).toMatchObject({ method: 'readForFold', path: 'from', rule: 'range' });
        expect(await refusal('s', '0')).toMatchObject({ method: 'readForFold', path: 'from', rule: 'type' });
        expect(await foldBatches(store, 'never-written', 0)).toEqual([]);
      }),
    );
  });
};
