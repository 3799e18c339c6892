import * as E from 'fp-ts/lib/Either.js';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresEventStore, type PostgresEventStore } from './event-store.js';
import { createPgExecutor } from './executor/pg.js';
import { createPgliteExecutor } from './executor/pglite.js';
import type { SqlExecutor } from './executor/types.js';
import { collect, newEvent, right } from './test-support/fixtures.js';
import { probeServer, testSchema } from './test-support/server.js';

/**
 * Issue 18, group commit: concurrent single-event appends share one
 * statement and one transaction, and each still gets the result it would
 * get alone (its version, a wrong-expected-version naming the actual one,
 * a replay, an idempotency conflict). The contract suite also runs with
 * group commit on the server (pg-contract.test.ts).
 */

/** Counts the append statements an executor is sent. */
const counting = (executor: SqlExecutor) => {
  const seen = { grouped: 0, single: 0 };
  const wrapped: SqlExecutor = {
    ...executor,
    query: (sql, params) => {
      if (sql.includes('with req as')) seen.grouped++;
      else if (sql.includes('with cur as')) seen.single++;
      return executor.query(sql, params);
    },
  };
  return { wrapped, seen };
};

const suite = (name: string, connect: () => Promise<SqlExecutor>, schema: string) => {
  describe(name, () => {
    let base: SqlExecutor | undefined;
    const open = async (): Promise<{ store: PostgresEventStore; seen: { grouped: number; single: number } }> => {
      base ??= await connect();
      const { wrapped, seen } = counting(base);
      return { store: await createPostgresEventStore(wrapped, { schema, groupCommit: true, notify: false }), seen };
    };
    afterAll(async () => {
      if (base === undefined) return;
      await base.query(`drop schema if exists "${schema}" cascade`);
      await base.close();
    });

    it('appends to many streams at once in fewer statements than appends, each at its own version', async () => {
      const { store, seen } = await open();
      const prefix = `many-${Math.random().toString(36).slice(2)}-`;
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.append(`${prefix}${i}`, [newEvent('Happened', { i })], 'no-stream')),
      );
      expect(results.map((r) => right(r).firstVersion)).toEqual(Array.from({ length: 20 }, () => 0));
      // The first goes alone; the 19 that queued behind it share one statement.
      expect(seen.grouped).toBeGreaterThanOrEqual(1);
      expect(seen.grouped + seen.single).toBeLessThan(20);
      const positions = new Set(results.map((r) => right(r).lastPosition));
      expect(positions.size).toBe(20);
      for (let i = 0; i < 20; i++) {
        const read = await collect(store.read(`${prefix}${i}`));
        expect(read.map((e) => [e.streamVersion, (e.event.data as { i: number }).i])).toEqual([[0, i]]);
      }
      // Next appends to the same streams see the grouped versions.
      const next = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.append(`${prefix}${i}`, [newEvent('Again')], 0)),
      );
      expect(next.map((r) => right(r).firstVersion)).toEqual(Array.from({ length: 20 }, () => 1));
      await store.close();
    });

    it('concurrent appends to one stream with the same expected version: one wins, the others are told the actual version', async () => {
      const { store } = await open();
      const stream = `race-${Math.random().toString(36).slice(2)}`;
      right(await store.append(stream, [newEvent('First')], 'no-stream'));
      const results = await Promise.all(Array.from({ length: 8 }, () => store.append(stream, [newEvent('Next')], 0)));
      const won = results.filter(E.isRight);
      const lost = results.filter(E.isLeft);
      expect(won.map((r) => r.right.firstVersion)).toEqual([1]);
      expect(lost).toHaveLength(7);
      for (const r of lost) expect(r.left).toMatchObject({ kind: 'wrong-expected-version', expected: 0, actual: 1 });
      expect((await collect(store.read(stream))).map((e) => e.event.type)).toEqual(['First', 'Next']);
      await store.close();
    });

    it('one group of mixed outcomes: each append gets its own right or left', async () => {
      const { store, seen } = await open();
      const p = `mixed-${Math.random().toString(36).slice(2)}-`;
      const stored = newEvent('Stored');
      right(await store.append(`${p}replayed`, [stored], 'no-stream'));
      right(await store.append(`${p}exact`, [newEvent('A')], 'no-stream'));
      right(await store.append(`${p}stale`, [newEvent('A')], 'no-stream'));
      right(await store.append(`${p}stale`, [newEvent('B')], 0));
      const before = seen.grouped;
      // The first append goes alone and holds the line, so the next ones queue into one group.
      const [, exact, stale, fresh, replay, exists] = await Promise.all([
        store.append(`${p}first`, [newEvent('Lead')], 'any'),
        store.append(`${p}exact`, [newEvent('A2')], 0),
        store.append(`${p}stale`, [newEvent('C')], 0),
        store.append(`${p}fresh`, [newEvent('X')], 'no-stream'),
        // The same batch again with a stale expectation: a replay, with the stored versions.
        store.append(`${p}replayed`, [stored], 'no-stream'),
        store.append(`${p}missing`, [newEvent('Y')], 'exists'),
      ]);
      expect(seen.grouped).toBe(before + 1);
      expect(right(exact).firstVersion).toBe(1);
      expect(E.isLeft(stale) && stale.left).toMatchObject({ kind: 'wrong-expected-version', expected: 0, actual: 1 });
      expect(right(fresh).firstVersion).toBe(0);
      expect(right(replay)).toMatchObject({ firstVersion: 0, nextExpectedVersion: 0 });
      expect(E.isLeft(exists) && exists.left).toMatchObject({ kind: 'wrong-expected-version', actual: -1 });
      // Nothing was written for the refused ones, and the others exactly once.
      expect((await collect(store.read(`${p}stale`))).map((e) => e.event.type)).toEqual(['A', 'B']);
      expect((await collect(store.read(`${p}exact`))).map((e) => e.event.type)).toEqual(['A', 'A2']);
      expect(await collect(store.read(`${p}missing`))).toEqual([]);
      expect((await collect(store.read(`${p}replayed`))).map((e) => e.eventId)).toEqual([stored.eventId]);
      await store.close();
    });

    it('a stored eventId in a group (a unique violation aborts the statement): each append is run alone', async () => {
      const { store } = await open();
      const p = `conflict-${Math.random().toString(36).slice(2)}-`;
      const stored = newEvent('Stored');
      right(await store.append(`${p}stored`, [stored], 'no-stream'));
      const [, ok, conflict, other] = await Promise.all([
        store.append(`${p}first`, [newEvent('Lead')], 'any'),
        store.append(`${p}ok`, [newEvent('A')], 'no-stream'),
        store.append(`${p}conflict`, [{ ...newEvent('Other'), eventId: stored.eventId }], 'no-stream'),
        store.append(`${p}other`, [newEvent('B')], 'no-stream'),
      ]);
      expect(right(ok).firstVersion).toBe(0);
      expect(right(other).firstVersion).toBe(0);
      expect(E.isLeft(conflict) && conflict.left).toMatchObject({
        kind: 'idempotency-conflict',
        eventIds: [stored.eventId],
      });
      expect(await collect(store.read(`${p}conflict`))).toEqual([]);
      expect((await collect(store.read(`${p}ok`))).map((e) => e.event.type)).toEqual(['A']);
      await store.close();
    });

    it('several events or bad arguments take the ordinary path', async () => {
      const { store, seen } = await open();
      const before = seen.grouped;
      const stream = `batch-${Math.random().toString(36).slice(2)}`;
      const results = await Promise.all([
        store.append(stream, [newEvent('A'), newEvent('B')], 'no-stream'),
        store.append('', [newEvent('A')], 'any'),
      ]);
      expect(right(results[0])).toMatchObject({ firstVersion: 0, nextExpectedVersion: 1 });
      expect(E.isLeft(results[1]) && results[1].left.kind).toBe('invalid-append');
      expect(seen.grouped).toBe(before);
      await store.close();
    });
  });
};

suite('group commit on PGlite', () => createPgliteExecutor(), 'group_commit');

const server = await probeServer('group commit on PostgreSQL');
if (!server.skip) {
  const url = server.url;
  suite(
    'group commit on the PostgreSQL server',
    () => Promise.resolve(createPgExecutor({ connectionString: url, max: 8 })),
    testSchema(),
  );
}
