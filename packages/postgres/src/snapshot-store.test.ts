import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCommandHandler,
  type EventStore,
  type ReadOptions,
  type SnapshotPolicy,
  type SnapshotProblem,
} from '@ordersource/core';
import { createPostgresCheckpointStore } from './checkpoint-store.js';
import { isStoreError } from './errors.js';
import { createPostgresEventStore, type PostgresEventStore } from './event-store.js';
import { createPgliteExecutor } from './executor/pglite.js';
import type { SqlExecutor } from './executor/types.js';
import { createPostgresSnapshotStore } from './snapshot-store.js';
import {
  collect,
  counterDecider,
  decodeCounter,
  increment,
  newEvent,
  type CounterState,
} from './test-support/fixtures.js';

const CounterStateCodec: t.Type<CounterState, unknown, unknown> = t.readonly(
  t.strict({ total: t.number, count: t.number }),
);

/** A store that records the `from` of every stream read. */
const spying = (events: EventStore): { store: EventStore; froms: (number | undefined)[] } => {
  const froms: (number | undefined)[] = [];
  return {
    froms,
    store: {
      ...events,
      read: (streamId: string, options?: ReadOptions) => {
        froms.push(options?.from);
        return events.read(streamId, options);
      },
    },
  };
};

describe('snapshot and checkpoint stores on PGlite', () => {
  const schema = 'snapshots';
  let executor: SqlExecutor;
  let store: PostgresEventStore;

  beforeAll(async () => {
    executor = await createPgliteExecutor();
    store = await createPostgresEventStore(executor, { schema });
  });
  afterAll(async () => {
    await store.close();
    await executor.close();
  });

  /** Append `count` increments; their event ids. */
  const fill = async (streamId: string, count: number): Promise<string[]> => {
    const batch = Array.from({ length: count }, () => newEvent('Incremented', { by: 1 }));
    await store.append(streamId, batch, 'no-stream');
    return batch.map((event) => event.eventId);
  };

  const snapshots = (schemaVersion: number) =>
    createPostgresSnapshotStore<CounterState>(executor, {
      schema,
      schemaVersion,
      codec: { decode: (stored) => CounterStateCodec.decode(stored) },
    });

  const handlerOn = (events: EventStore, policy: SnapshotPolicy<CounterState>) =>
    createCommandHandler({ store: events, decider: counterDecider, decodeEnvelope: decodeCounter, snapshots: policy });

  it('a long stream is loaded from its snapshot plus the events after it', async () => {
    const policy = { store: snapshots(1), every: 10, schemaVersion: 1 };
    const handler = handlerOn(store, policy);
    for (let i = 1; i <= 25; i++) expect(E.isRight(await handler.handle('counter-long', increment(i)))).toBe(true);
    const stored = await collect(store.read('counter-long'));
    const snapshot = await policy.store.load('counter-long');
    expect(snapshot).toEqual({
      state: { total: 210, count: 20 },
      version: 19,
      schemaVersion: 1,
      commandIds: stored.slice(0, 20).map((envelope) => envelope.causationId),
      eventId: stored[19]!.eventId,
    });
    // A fresh handler starts from the snapshot: it reads from the snapshot's last event on.
    const { store: spied, froms } = spying(store);
    const fresh = handlerOn(spied, policy);
    expect(await fresh.load('counter-long')).toEqual(E.right({ state: { total: 325, count: 25 }, version: 24 }));
    expect(froms).toEqual([19]);
  });

  it('an older snapshot never replaces a newer one; another schema version invalidates it', async () => {
    const ids = await fill('counter-x', 10);
    const v1 = snapshots(1);
    await v1.save('counter-x', { state: { total: 5, count: 2 }, version: 9, schemaVersion: 1, eventId: ids[9]! });
    await v1.save('counter-x', { state: { total: 1, count: 1 }, version: 4, schemaVersion: 1, eventId: ids[4]! });
    expect((await v1.load('counter-x'))?.version).toBe(9);
    expect(await snapshots(2).load('counter-x')).toBeUndefined();
    expect(await v1.load('counter-x')).toBeUndefined();
  });

  it('a stored snapshot that does not match its stream is replaced by the next save, even an older one', async () => {
    const ids = await fill('counter-y', 5);
    const v1 = snapshots(1);
    await v1.save('counter-y', { state: { total: 1, count: 1 }, version: 99, schemaVersion: 1, eventId: 'nope' });
    await v1.save('counter-y', { state: { total: 5, count: 5 }, version: 4, schemaVersion: 1, eventId: ids[4]! });
    expect(await v1.load('counter-y')).toMatchObject({ version: 4, eventId: ids[4]! });
  });

  it('a snapshot whose state does not decode is an error naming the stream and field', async () => {
    await executor.query(
      `insert into snapshots.snapshots (stream_id, version, schema_version, state)
       values ($1, 3, 1, '{"state":{"total":"lots"},"commandIds":[],"eventId":"e"}')`,
      ['counter-bad'],
    );
    const error = await snapshots(1)
      .load('counter-bad')
      .catch((thrown: unknown) => thrown);
    expect(isStoreError(error) && error.kind).toBe('decode');
    expect(error).toMatchObject({ streamId: 'counter-bad', streamVersion: 3, field: 'state.state' });
  });

  it('a row that is not a snapshot document is an error naming the field', async () => {
    for (const [i, [document, field]] of [
      ['{"total":3,"count":1}', 'state'],
      ['"text"', 'state'],
      ['{"state":{"total":3,"count":1},"commandIds":"c1"}', 'state.commandIds'],
      ['{"state":{"total":3,"count":1},"commandIds":[1]}', 'state.commandIds'],
      ['{"state":{"total":3,"count":1},"eventId":7}', 'state.eventId'],
    ].entries()) {
      await executor.query(
        `insert into snapshots.snapshots (stream_id, version, schema_version, state) values ($1, 0, 1, $2::jsonb)`,
        [`counter-doc-${i}`, document],
      );
      const error = await snapshots(1)
        .load(`counter-doc-${i}`)
        .catch((thrown: unknown) => thrown);
      expect(isStoreError(error) && error.kind, document).toBe('decode');
      expect(error, document).toMatchObject({ field });
    }
  });

  it('a state JSON cannot hold as it is is refused, not coerced', async () => {
    const maps = createPostgresSnapshotStore<{ seen: Map<string, number> }>(executor, {
      schema,
      schemaVersion: 1,
      codec: { decode: () => E.left('unused') },
    });
    await expect(maps.save('m', { state: { seen: new Map() }, version: 0, schemaVersion: 1 })).rejects.toThrow(
      /state.seen is a Map/,
    );
  });

  describe('issue 8: a corrupt or outdated row never yields a wrong state, the handler folds the events', () => {
    const truth = { total: 55, count: 10 };
    /** A stream of 10 increments (1..10) with a sound snapshot at version 9 taken by the handler. */
    const sound = async (streamId: string) => {
      const handler = handlerOn(store, { store: snapshots(1), every: 5, schemaVersion: 1 });
      for (let i = 1; i <= 10; i++) expect(E.isRight(await handler.handle(streamId, increment(i)))).toBe(true);
      expect(await snapshots(1).load(streamId)).toMatchObject({ version: 9, state: truth });
    };
    const loadReporting = async (streamId: string) => {
      const problems: SnapshotProblem[] = [];
      const handler = handlerOn(store, {
        store: snapshots(1),
        every: 5,
        schemaVersion: 1,
        onProblem: (problem) => problems.push(problem),
      });
      return { loaded: await handler.load(streamId), problems, handler };
    };

    it('a snapshot taken under an older state schema version is ignored (and deleted), the state rebuilt', async () => {
      await sound('counter-old');
      await executor.query(
        `update snapshots.snapshots set schema_version = 0, state = '{"sum":0}' where stream_id = 'counter-old'`,
      );
      const { loaded } = await loadReporting('counter-old');
      expect(loaded).toEqual(E.right({ state: truth, version: 9 }));
      expect(await executor.query(`select 1 from snapshots.snapshots where stream_id = 'counter-old'`)).toEqual([]);
    });

    const corruptions: readonly (readonly [string, string, SnapshotProblem['reason']])[] = [
      ['a document of the wrong shape', `update snapshots.snapshots set state = '[1, 2]'`, 'load-failed'],
      [
        'a state its codec refuses',
        `update snapshots.snapshots set state = jsonb_set(state, '{state,total}', '"lots"')`,
        'load-failed',
      ],
      ['a negative version', `update snapshots.snapshots set version = -3`, 'load-failed'],
      ['a version beyond the stream', `update snapshots.snapshots set version = 4000`, 'beyond-stream'],
      ['a version its event is not at', `update snapshots.snapshots set version = 4`, 'other-event'],
      ['no eventId', `update snapshots.snapshots set state = state - 'eventId'`, 'incomplete'],
      [
        'the state of another stream',
        `update snapshots.snapshots set state = (select state from snapshots.snapshots where stream_id = 'counter-other')`,
        'other-event',
      ],
    ];

    it.each(corruptions)('%s: ignored, reported, state folded from the events', async (name, sql, reason) => {
      const streamId = `counter-corrupt-${name.replace(/\W+/g, '-')}`;
      await sound(streamId);
      if (reason === 'other-event' && sql.includes('counter-other')) {
        // Another stream of the same length, whose snapshot is copied over this one's.
        const other = handlerOn(store, { store: snapshots(1), every: 5, schemaVersion: 1 });
        await executor.query(`delete from snapshots.snapshots where stream_id = 'counter-other'`);
        for (let i = 1; i <= 10; i++) await other.handle('counter-other', increment(100));
      }
      await executor.query(`${sql} where stream_id = $1`, [streamId]);
      const { loaded, problems, handler } = await loadReporting(streamId);
      expect(loaded).toEqual(E.right({ state: truth, version: 9 }));
      expect(problems).toMatchObject([{ streamId, action: 'ignored', reason }]);
      if (reason === 'load-failed') expect(isStoreError(problems[0]!.cause)).toBe(true);
      // Idempotency holds as well: the first command of the stream is still recognised.
      const [first] = await collect(store.read(streamId, { limit: 1 }));
      const again = await handler.handle(streamId, {
        ...increment(1),
        metadata: { ...increment(1).metadata, commandId: first!.causationId! },
      });
      expect(E.isRight(again) && again.right.duplicate).toBe(true);
    });
  });

  it('checkpoints are durable per name and can be reset', async () => {
    const checkpoints = createPostgresCheckpointStore(executor, { schema });
    expect(await checkpoints.load('mailer')).toBeUndefined();
    await checkpoints.save('mailer', '12:34');
    await checkpoints.save('mailer', '12:35');
    await checkpoints.save(`o'brien; --`, '1:1');
    expect(await checkpoints.load('mailer')).toBe('12:35');
    expect(await checkpoints.load(`o'brien; --`)).toBe('1:1');
    await checkpoints.reset('mailer');
    expect(await checkpoints.load('mailer')).toBeUndefined();
  });
});
