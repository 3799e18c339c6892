import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rehydrate, type Decider, type Envelope } from '@ordersource/core';
import { createPostgresEventStore, type PostgresEventStore } from './event-store.js';
import { createPgExecutor } from './executor/pg.js';
import type { SqlExecutor } from './executor/types.js';
import { migrate } from './schema.js';
import { collect } from './test-support/fixtures.js';
import { probeServer, testSchema } from './test-support/server.js';

/**
 * Crash safety: child processes append batches of 1-40 events and are killed
 * with SIGKILL at random moments. Afterwards no stream may hold part of a
 * batch, and every stream must fold.
 */
const server = await probeServer('PostgreSQL crash safety');
const schema = testSchema();
const writer = fileURLToPath(new URL('./test-support/crash-writer.ts', import.meta.url));
const root = fileURLToPath(new URL('../../../', import.meta.url));

type Chunk = { batch: string; index: number; size: number };
type Folded = { batches: number; open: { batch: string; size: number; next: number } | undefined; seen: string[] };

/** A fold that throws on the first event that would mean a torn or interleaved batch. */
const chunks: Decider<never, Chunk, Folded> = {
  initialState: { batches: 0, open: undefined, seen: [] },
  decide: () => {
    throw new Error('read-only decider');
  },
  evolve: (draft, chunk) => {
    if (draft.open === undefined) {
      if (chunk.index !== 0) throw new Error(`batch ${chunk.batch} starts at index ${chunk.index}`);
      if (draft.seen.includes(chunk.batch)) throw new Error(`batch ${chunk.batch} stored twice`);
      draft.seen.push(chunk.batch);
      draft.open = { batch: chunk.batch, size: chunk.size, next: 0 };
    }
    const open = draft.open;
    if (chunk.batch !== open.batch || chunk.index !== open.next || chunk.size !== open.size)
      throw new Error(`batch ${open.batch} torn at index ${open.next}: found ${JSON.stringify(chunk)}`);
    open.next++;
    if (open.next === open.size) {
      draft.open = undefined;
      draft.batches++;
    }
  },
};

const killAfterStart = async (delayMs: number): Promise<void> => {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', writer], {
    cwd: root,
    env: { ...process.env, ORDERSOURCE_PG_URL: server.url, CRASH_SCHEMA: schema },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const started = await Promise.race([
    new Promise<boolean>((resolve) => child.stdout.once('data', () => resolve(true))),
    exited.then(() => false),
  ]);
  if (!started) throw new Error(`crash writer exited before appending: ${stderr}`);
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  child.kill('SIGKILL');
  await exited;
};

describe.skipIf(server.skip)('crash safety on PostgreSQL', () => {
  let executor: SqlExecutor;
  let store: PostgresEventStore;

  beforeAll(async () => {
    executor = createPgExecutor({ connectionString: server.url!, max: 4 });
    await migrate(executor, schema);
    store = await createPostgresEventStore(executor, { schema, migrate: false });
  });
  afterAll(async () => {
    await store?.close();
    await executor?.query(`drop schema if exists "${schema}" cascade`);
    await executor?.close();
  });

  it('52 writers killed with SIGKILL mid-append leave only whole batches', async () => {
    const kills = 52;
    const lanes = 2;
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        for (let i = 0; i < kills / lanes; i++) await killAfterStart(Math.floor(Math.random() * 150));
      }),
    );
    // Backends of killed clients may still be finishing their last statement.
    for (let i = 0; i < 200; i++) {
      const [row] = await executor.query(
        `select count(*)::int as n from pg_stat_activity where application_name = 'ordersource-crash-writer'`,
      );
      if (row?.['n'] === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    let events = 0;
    let batches = 0;
    for (let s = 0; s < 12; s++) {
      const stream: Envelope[] = await collect(store.read(`crash-${s}`));
      expect(stream.map((e) => e.streamVersion)).toEqual(stream.map((_, i) => i));
      const folded = rehydrate(
        chunks,
        stream.map((e) => e.event.data as Chunk),
      );
      expect(folded.open, `crash-${s} ends inside a batch`).toBeUndefined();
      events += stream.length;
      batches += folded.batches;
    }
    const all = await collect(store.readAll(undefined, { streamPrefix: 'crash-' }));
    expect(all).toHaveLength(events);
    expect(batches).toBeGreaterThan(kills);
    console.info(`crash test: ${kills} kills, ${batches} whole batches, ${events} events`);
    // 52 child processes each start tsx: on a loaded 2-core machine that alone can pass a minute.
  }, 180_000);
});
