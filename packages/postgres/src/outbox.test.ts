import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresEventStore, type PostgresEventStore } from './event-store.js';
import { createPgExecutor } from './executor/pg.js';
import { createPgliteExecutor } from './executor/pglite.js';
import type { SqlExecutor } from './executor/types.js';
import { deadLetters, processOutbox, retryDeadLetter, runOutboxWorker, type OutboxRecord } from './outbox.js';
import { newEvent, right, waitFor } from './test-support/fixtures.js';
import { probeServer, testSchema } from './test-support/server.js';

const server = await probeServer('PostgreSQL outbox leases');

// One in-memory PGlite for the file (starting one takes seconds on a busy machine); each suite has its own schema.
let pglite: Promise<SqlExecutor> | undefined;
const sharedPglite = () => (pglite ??= createPgliteExecutor());
afterAll(async () => {
  await (await pglite)?.close();
});

describe('outbox on PGlite', () => {
  let executor: SqlExecutor;
  let store: PostgresEventStore;
  const pending = async () =>
    Number(
      (
        await executor.query(
          'select count(*)::int as n from outbox.outbox where processed_at is null and dead_at is null',
        )
      )[0]?.['n'],
    );

  beforeAll(async () => {
    executor = await sharedPglite();
    store = await createPostgresEventStore(executor, { schema: 'outbox', pollIntervalMs: 20 });
  });
  afterAll(async () => {
    await store.close();
  });

  it('writes messages only together with the events that caused them', async () => {
    const placed = newEvent('OrderPlaced', { orderId: 'o-1' });
    right(
      await store.appendWithOutbox('order-o-1', [placed], 'no-stream', [
        { key: `mail:${placed.eventId}`, topic: 'email', payload: { to: "o'brien@example.com", subject: 'Thanks' } },
      ]),
    );
    // A failed append (stale expected version) writes no message.
    const failed = await store.appendWithOutbox('order-o-1', [newEvent('OrderConfirmed')], 'no-stream', [
      { key: 'mail:never', topic: 'email', payload: {} },
    ]);
    expect(E.isLeft(failed)).toBe(true);
    // A replayed batch does not write its messages again.
    right(
      await store.appendWithOutbox('order-o-1', [placed], 'no-stream', [
        { key: `mail:${placed.eventId}`, topic: 'email', payload: { to: 'again' } },
      ]),
    );
    const delivered: OutboxRecord[] = [];
    const round = await processOutbox(store, { deliver: async (message) => void delivered.push(message) });
    expect(round).toEqual({ delivered: 1, retried: 0, dead: 0, lost: 0 });
    expect(delivered).toMatchObject([
      {
        key: `mail:${placed.eventId}`,
        topic: 'email',
        payload: { to: "o'brien@example.com", subject: 'Thanks' },
        streamId: 'order-o-1',
        attempt: 1,
      },
    ]);
    expect(await processOutbox(store, { deliver: async () => undefined })).toEqual({
      delivered: 0,
      retried: 0,
      dead: 0,
      lost: 0,
    });
  });

  it('retries with backoff and dead-letters after the limit; a dead letter can be retried', async () => {
    right(
      await store.appendWithOutbox('order-o-2', [newEvent('OrderPlaced')], 'no-stream', [
        { key: 'sms:o-2', topic: 'sms', payload: { to: '+49' } },
      ]),
    );
    const failing = {
      deliver: async () => Promise.reject(new Error('gateway down')),
      maxAttempts: 3,
      backoffMs: () => 0,
    };
    expect(await processOutbox(store, failing)).toEqual({ delivered: 0, retried: 1, dead: 0, lost: 0 });
    expect(await processOutbox(store, failing)).toEqual({ delivered: 0, retried: 1, dead: 0, lost: 0 });
    expect(await processOutbox(store, failing)).toEqual({ delivered: 0, retried: 0, dead: 1, lost: 0 });
    expect(await processOutbox(store, failing)).toEqual({ delivered: 0, retried: 0, dead: 0, lost: 0 });
    const dead = await deadLetters(store);
    expect(dead).toMatchObject([{ key: 'sms:o-2', attempt: 3, lastError: 'gateway down' }]);

    // A real backoff keeps the message back.
    expect(await retryDeadLetter(store, dead[0]!.id)).toBe(true);
    const slow = { ...failing, backoffMs: () => 60_000 };
    expect(await processOutbox(store, slow)).toEqual({ delivered: 0, retried: 1, dead: 0, lost: 0 });
    expect(await processOutbox(store, slow)).toEqual({ delivered: 0, retried: 0, dead: 0, lost: 0 });
    expect(await pending()).toBe(1);
  });

  it('a worker delivers messages appended while it runs', async () => {
    const seen: string[] = [];
    const worker = runOutboxWorker(store, { deliver: async (m) => void seen.push(m.key), pollIntervalMs: 20 });
    right(
      await store.appendWithOutbox('order-o-3', [newEvent('OrderPlaced')], 'no-stream', [
        { key: 'webhook:o-3', topic: 'webhook', payload: { url: 'https://example.com/hook' } },
      ]),
    );
    await waitFor('the webhook message', () => seen.includes('webhook:o-3'), 10_000);
    await worker.close();
    await expect(worker.done).resolves.toBeUndefined();
  });
});

/**
 * Issue 8.7: leases are renewed while a batch is out, and every state change
 * is fenced by the lease it was claimed under. The same laws on PGlite and on
 * a real server.
 */
type Harness = Readonly<{
  store: PostgresEventStore;
  executor: SqlExecutor;
  schema: string;
  close: () => Promise<void>;
}>;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A promise and the function that resolves it: the test decides when a delivery ends. */
const signal = <T>() => {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => (resolve = settle));
  return { promise, resolve };
};

const leaseLaws = (driver: string, open: () => Promise<Harness>) => {
  let h: Harness;
  const table = () => `"${h.schema}".outbox`;
  const enqueue = async (stream: string, count: number) =>
    right(
      await h.store.appendWithOutbox(
        stream,
        [newEvent('OrderPlaced')],
        'no-stream',
        Array.from({ length: count }, (_, n) => ({ key: `${stream}:${n}`, topic: 'email', payload: { n } })),
      ),
    );
  const rowOf = async (id: string) =>
    (
      await h.executor.query(
        `select processed_at is not null as processed, dead_at is not null as dead, last_error from ${table()} where id = $1`,
        [id],
      )
    )[0];
  const pendingOf = async (stream: string) =>
    Number(
      (
        await h.executor.query(
          `select count(*)::int as n from ${table()} where stream_id = $1 and processed_at is null and dead_at is null`,
          [stream],
        )
      )[0]?.['n'],
    );

  beforeAll(async () => {
    h = await open();
  });
  afterAll(() => h?.close());

  it('1 s leases, 3-6 s deliveries, 4 workers: every message is delivered exactly once', async () => {
    const messages = 8;
    await enqueue('order-slow', messages);
    const deliveries = new Map<string, number>();
    const workers = Array.from({ length: 4 }, () =>
      runOutboxWorker(h.store, {
        batchSize: 2,
        leaseMs: 1_000,
        pollIntervalMs: 50,
        deliver: async (message) => {
          deliveries.set(message.key, (deliveries.get(message.key) ?? 0) + 1);
          // The second message of each batch waits 3 s behind the first: its lease is renewed too.
          await sleep((message.payload as { n: number }).n % 2 === 0 ? 3_000 : 6_000);
        },
      }),
    );
    try {
      const deadline = Date.now() + 45_000;
      while ((await pendingOf('order-slow')) > 0) {
        if (Date.now() > deadline) throw new Error('the slow messages were not all delivered within 45 s');
        await sleep(100);
      }
    } finally {
      await Promise.all(workers.map((worker) => worker.close()));
    }
    const total = [...deliveries.values()].reduce((sum, n) => sum + n, 0);
    console.info(
      `[outbox lease] ${driver}: ${messages} messages, 4 workers, 1 s lease, 3-6 s deliveries: ` +
        `${total} deliveries, ${total - deliveries.size} duplicates`,
    );
    expect(deliveries.size).toBe(messages);
    expect(total).toBe(messages);
  }, 60_000);

  it('a worker whose lease passed on cannot mark dead, or processed, a row another worker holds', async () => {
    await enqueue('order-fence', 2);
    for (const outcomeOfA of ['fails', 'succeeds'] as const) {
      // A claims a message (a 60 s lease: no renewal during this test) and is then paused past its lease.
      const claimedByA = signal<OutboxRecord>();
      const endA = signal<void>();
      const a = processOutbox(h.store, {
        batchSize: 1,
        maxAttempts: 1,
        deliver: async (message) => {
          claimedByA.resolve(message);
          await endA.promise;
          if (outcomeOfA === 'fails') throw new Error('smtp timeout');
        },
      });
      const record = await claimedByA.promise;
      await h.executor.query(`update ${table()} set available_at = now() - interval '1 second' where id = $1`, [
        record.id,
      ]);
      // B claims it and is still delivering.
      const claimedByB = signal<OutboxRecord>();
      const endB = signal<void>();
      const b = processOutbox(h.store, {
        batchSize: 1,
        deliver: async (message) => {
          claimedByB.resolve(message);
          await endB.promise;
        },
      });
      expect((await claimedByB.promise).id).toBe(record.id);
      // A wakes up: its last attempt failed (it would dead-letter the row) or succeeded late.
      endA.resolve();
      expect(await a).toEqual({ delivered: 0, retried: 0, dead: 0, lost: 1 });
      expect(await rowOf(record.id)).toMatchObject({ processed: false, dead: false, last_error: null });
      endB.resolve();
      expect(await b).toEqual({ delivered: 1, retried: 0, dead: 0, lost: 0 });
      expect(await rowOf(record.id)).toMatchObject({ processed: true, dead: false });
    }
    expect((await deadLetters(h.store)).filter((letter) => letter.streamId === 'order-fence')).toEqual([]);
  });

  it('a renewal that finds the lease gone aborts the delivery; the round reports it lost', async () => {
    await enqueue('order-abort', 1);
    const claimed = signal<OutboxRecord>();
    const round = processOutbox(h.store, {
      leaseMs: 400,
      deliver: (message, { signal: lease }) =>
        new Promise((_, reject) => {
          claimed.resolve(message);
          lease.addEventListener('abort', () => reject(lease.reason as Error));
        }),
    });
    const record = await claimed.promise;
    // What another worker's claim does to the row once the lease has run out.
    await h.executor.query(`update ${table()} set lease_id = lease_id + 1 where id = $1`, [record.id]);
    expect(await round).toEqual({ delivered: 0, retried: 0, dead: 0, lost: 1 });
    expect(await rowOf(record.id)).toMatchObject({ processed: false, dead: false, last_error: null });
    // The other worker delivers it.
    await h.executor.query(`update ${table()} set processed_at = now() where id = $1`, [record.id]);
  });

  it('a database error in the worker loop is reported and retried: the worker keeps delivering', async () => {
    let failing = false;
    const flaky: SqlExecutor = {
      ...h.executor,
      query: async (sql, params) => {
        if (failing) throw new Error('injected: connection reset by peer');
        return h.executor.query(sql, params);
      },
    };
    const store = await createPostgresEventStore(flaky, { schema: h.schema, migrate: false, pollIntervalMs: 20 });
    failing = true;
    const errors: unknown[] = [];
    const delivered: string[] = [];
    const worker = runOutboxWorker(store, {
      deliver: async (message) => void delivered.push(message.key),
      pollIntervalMs: 20,
      onError: (error) => errors.push(error),
    });
    let ended = false;
    void worker.done.then(
      () => (ended = true),
      () => (ended = true),
    );
    try {
      await waitFor('three reported database errors', () => errors.length >= 3, 10_000);
      expect(ended).toBe(false);
      expect(String(errors[0])).toMatch(/injected: connection reset/);
      failing = false;
      await enqueue('order-flaky', 1);
      await waitFor('the message appended after the outage', () => delivered.includes('order-flaky:0'), 15_000);
      expect(ended).toBe(false);
    } finally {
      failing = false;
      await worker.close();
      await store.close();
    }
    expect(ended).toBe(true);
  });
};

describe('outbox leases on PGlite (issue 8.7)', () => {
  leaseLaws('PGlite', async () => {
    const executor = await sharedPglite();
    const store = await createPostgresEventStore(executor, { schema: 'leases', pollIntervalMs: 20 });
    return { store, executor, schema: 'leases', close: () => store.close() };
  });
});

describe.skipIf(server.skip)('outbox leases on PostgreSQL (issue 8.7)', () => {
  leaseLaws('PostgreSQL', async () => {
    const schema = testSchema();
    const executor = createPgExecutor({ connectionString: server.url!, max: 8 });
    const store = await createPostgresEventStore(executor, { schema, pollIntervalMs: 20 });
    return {
      store,
      executor,
      schema,
      close: async () => {
        await store.close();
        await executor.query(`drop schema if exists "${schema}" cascade`);
        await executor.close();
      },
    };
  });
});

describe.skipIf(server.skip)('an outbox worker process paused past its lease (issue 8.7)', () => {
  const schema = testSchema();
  const workerScript = fileURLToPath(new URL('./test-support/outbox-worker-process.ts', import.meta.url));
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  let executor: SqlExecutor;
  let store: PostgresEventStore;

  beforeAll(async () => {
    executor = createPgExecutor({ connectionString: server.url!, max: 4 });
    store = await createPostgresEventStore(executor, { schema, pollIntervalMs: 20 });
  });
  afterAll(async () => {
    await store?.close();
    await executor?.query(`drop schema if exists "${schema}" cascade`);
    await executor?.close();
  });

  it('SIGSTOPped while delivering: another worker delivers it; woken, the first cannot dead-letter it', async () => {
    right(
      await store.appendWithOutbox('order-paused', [newEvent('OrderPlaced')], 'no-stream', [
        { key: 'mail:paused', topic: 'email', payload: {} },
      ]),
    );
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', workerScript], {
      cwd: root,
      env: { ...process.env, ORDERSOURCE_PG_URL: server.url, OUTBOX_SCHEMA: schema },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const delivered: string[] = [];
    try {
      await waitFor('the worker process to start delivering', () => stdout.includes('delivering '), 60_000);
      // Paused (a debugger, a swapped-out VM): it cannot renew, and its 1 s lease runs out.
      child.kill('SIGSTOP');
      const deadline = Date.now() + 15_000;
      while (delivered.length === 0) {
        if (Date.now() > deadline) throw new Error('no other worker could claim the paused worker’s message');
        await processOutbox(store, { leaseMs: 1_000, deliver: async (message) => void delivered.push(message.key) });
        await sleep(100);
      }
      child.kill('SIGCONT');
      child.stdin.end('go\n');
      expect(await exited, stderr).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    const round = JSON.parse(stdout.trim().split('\n').pop()!) as unknown;
    const [row] = await executor.query(
      `select processed_at is not null as processed, dead_at is not null as dead from "${schema}".outbox`,
    );
    console.info(
      `[outbox lease] worker process SIGSTOPped past its 1 s lease: delivered by it and by another worker ` +
        `(the at-least-once duplicate); the row: ${JSON.stringify(row)}; the paused worker's round: ${JSON.stringify(round)}`,
    );
    expect(delivered).toEqual(['mail:paused']);
    expect(round).toEqual({ delivered: 0, retried: 0, dead: 0, lost: 1 });
    expect(row).toEqual({ processed: true, dead: false });
  }, 90_000);
});
