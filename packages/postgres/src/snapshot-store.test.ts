import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCommandHandler } from '@ordersource/core';
import { createPostgresCheckpointStore } from './checkpoint-store.js';
import { isStoreError } from './errors.js';
import { createPostgresEventStore, type PostgresEventStore } from './event-store.js';
import { createPgliteExecutor } from './executor/pglite.js';
import type { SqlExecutor } from './executor/types.js';
import { createPostgresSnapshotStore } from './snapshot-store.js';
import { counterDecider, decodeCounter, increment, type CounterState } from './test-support/fixtures.js';

const CounterStateCodec: t.Type<CounterState, unknown, unknown> = t.readonly(
  t.strict({ total: t.number, count: t.number }),
);

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

  const snapshots = (schemaVersion: number) =>
    createPostgresSnapshotStore<CounterState>(executor, {
      schema,
      schemaVersion,
      codec: { decode: (stored) => CounterStateCodec.decode(stored) },
    });

  it('a long stream is loaded from its snapshot plus the events after it', async () => {
    const policy = { store: snapshots(1), every: 10, schemaVersion: 1 };
    const handler = createCommandHandler({
      store,
      decider: counterDecider,
      decodeEnvelope: decodeCounter,
      snapshots: policy,
    });
    for (let i = 1; i <= 25; i++) expect(E.isRight(await handler.handle('counter-long', increment(i)))).toBe(true);
    expect(await policy.store.load('counter-long')).toEqual({
      state: { total: 210, count: 20 },
      version: 19,
      schemaVersion: 1,
    });
    // A fresh handler starts from the snapshot and folds the 5 newer events.
    const fresh = createCommandHandler({
      store,
      decider: counterDecider,
      decodeEnvelope: decodeCounter,
      snapshots: policy,
    });
    expect(await fresh.load('counter-long')).toEqual(E.right({ state: { total: 325, count: 25 }, version: 24 }));
  });

  it('an older snapshot never replaces a newer one; another schema version invalidates it', async () => {
    const v1 = snapshots(1);
    await v1.save('counter-x', { state: { total: 5, count: 2 }, version: 9, schemaVersion: 1 });
    await v1.save('counter-x', { state: { total: 1, count: 1 }, version: 4, schemaVersion: 1 });
    expect((await v1.load('counter-x'))?.version).toBe(9);
    expect(await snapshots(2).load('counter-x')).toBeUndefined();
    expect(await v1.load('counter-x')).toBeUndefined();
  });

  it('a snapshot whose state does not decode is an error naming the stream and field', async () => {
    await executor.query(
      `insert into snapshots.snapshots (stream_id, version, schema_version, state) values ($1, 3, 1, '{"total":"lots"}')`,
      ['counter-bad'],
    );
    const error = await snapshots(1)
      .load('counter-bad')
      .catch((thrown: unknown) => thrown);
    expect(isStoreError(error) && error.kind).toBe('decode');
    expect(error).toMatchObject({ streamId: 'counter-bad', streamVersion: 3, field: 'state' });
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
