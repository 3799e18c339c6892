import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { afterAll, describe, expect, it } from 'vitest';
import { createCommandHandler, createEnvelopeDecoder, type Command, type Decider } from '@ordersource/core';
import { isStoreError } from './errors.js';
import { createPostgresEventStore, type PostgresEventStore } from './event-store.js';
import { createPgExecutor } from './executor/pg.js';
import { createPgliteExecutor } from './executor/pglite.js';
import type { SqlExecutor } from './executor/types.js';
import { decodeFoldArrays } from './row.js';
import { collect, newEvent, right } from './test-support/fixtures.js';
import { probeServer, testSchema } from './test-support/server.js';

/**
 * A stored row that does not decode reads as badly through `readForFold` as
 * through `read`: the handler's load reports the same error, naming the
 * stream, the version and the field (issue 18: the fold read must not trade
 * the full error report for speed).
 */

type Added = Readonly<{ type: 'Added'; data: Readonly<{ qty: number }> }>;
const AddedCodec: t.Type<Added, Added, unknown> = t.strict({
  type: t.literal('Added'),
  data: t.strict({ qty: t.number }),
});
const counter: Decider<Command, Added, { total: number }> = {
  initialState: { total: 0 },
  decide: () => E.right([]),
  evolve: (draft, event) => {
    draft.total += event.data.qty;
  },
};

const server = await probeServer('readForFold on PostgreSQL');
const executors: SqlExecutor[] = [];
afterAll(async () => {
  for (const executor of executors) await executor.close();
});

const targets: readonly (readonly [string, () => Promise<SqlExecutor>])[] = [
  ['PGlite', () => createPgliteExecutor()],
  ...(server.url === undefined
    ? []
    : [['PostgreSQL server', async () => createPgExecutor({ connectionString: server.url, max: 2 })] as const]),
];

describe.each(targets)('readForFold, rows that do not decode (%s)', (_name, open) => {
  const setup = async (): Promise<{ store: PostgresEventStore; executor: SqlExecutor; schema: string }> => {
    const executor = await open();
    executors.push(executor);
    const schema = testSchema();
    const store = await createPostgresEventStore(executor, { schema });
    // The same store without the method: its handler folds with read.
    right(
      await store.append(
        'cart-1',
        [1, 2, 3].map((qty) => newEvent('Added', { qty })),
        'no-stream',
      ),
    );
    return { store, executor, schema };
  };
  const loads = (store: PostgresEventStore) => {
    const { readForFold: _dropped, ...withRead } = store;
    const decodeEnvelope = createEnvelopeDecoder(AddedCodec);
    return {
      viaFold: () => createCommandHandler({ store, decider: counter, decodeEnvelope }).load('cart-1'),
      viaRead: () => createCommandHandler({ store: withRead, decider: counter, decodeEnvelope }).load('cart-1'),
    };
  };

  it('data the codec refuses: the same Left as through read, naming stream, version and field', async () => {
    const { store, executor, schema } = await setup();
    const { viaFold, viaRead } = loads(store);
    expect(await viaFold()).toEqual(E.right({ state: { total: 6 }, version: 2 }));
    await executor.query(
      `update "${schema}".events set data = '{"qty":"2"}' where stream_id = 'cart-1' and stream_version = 1`,
    );
    const folded = await viaFold();
    expect(folded).toEqual(await viaRead());
    expect(E.isLeft(folded) && folded.left).toMatchObject({
      code: 'invalid-event',
      issues: [expect.objectContaining({ path: 'data.qty' })],
    });
    expect(E.isLeft(folded) && folded.left.message).toMatch(/stream "cart-1" version 1 \(Added\)/);
  });

  it('a field the store checks: the read fails with a decode error naming stream, version and field', async () => {
    const { store, executor, schema } = await setup();
    // A table written by something else, without the store's checks.
    await executor.query(`alter table "${schema}".events drop constraint if exists events_event_type_check`);
    await executor.query(
      `update "${schema}".events set event_type = '' where stream_id = 'cart-1' and stream_version = 1`,
    );
    const error: unknown = await collect(store.readForFold('cart-1', 0)).catch((thrown: unknown) => thrown);
    expect(isStoreError(error) && error.kind).toBe('decode');
    expect(error).toMatchObject({ streamId: 'cart-1', streamVersion: 1, field: 'event_type' });
    expect((error as Error).message).toMatch(/stream "cart-1" version 1: field "event_type"/);
    const { viaFold, viaRead } = loads(store);
    const [viaFoldError, viaReadError] = await Promise.all([
      viaFold().catch((thrown: unknown) => thrown),
      viaRead().catch((thrown: unknown) => thrown),
    ]);
    expect(viaFoldError).toMatchObject({ kind: 'decode', streamId: 'cart-1', streamVersion: 1, field: 'event_type' });
    expect(viaReadError).toMatchObject({ kind: 'decode', streamId: 'cart-1', streamVersion: 1, field: 'event_type' });
  });
});

describe('decodeFoldArrays', () => {
  const good = [0, 'Added', { qty: 1 }, 'c-1', 1];
  it('names the field that is wrong, the stream and the version', () => {
    expect(decodeFoldArrays('s', [good])).toEqual([
      {
        event: { type: 'Added', data: { qty: 1 } },
        streamId: 's',
        streamVersion: 0,
        schemaVersion: 1,
        causationId: 'c-1',
      },
    ]);
    const cases: readonly (readonly [number, unknown, string])[] = [
      [0, -1, 'stream_version'],
      [0, '0', 'stream_version'],
      [1, '', 'event_type'],
      [1, null, 'event_type'],
      [3, 7, 'causation_id'],
      [4, 0, 'schema_version'],
      [4, 1.5, 'schema_version'],
    ];
    for (const [index, value, field] of cases) {
      const row = good.map((cell, i) => (i === index ? value : cell));
      expect(() => decodeFoldArrays('s', [good, row]), field).toThrow(`field "${field}"`);
    }
    expect(() => decodeFoldArrays('s', [good.slice(1)])).toThrow(/expected 5 fields/);
  });
});
