// The database commands run as processes against a PGlite data directory a
// shop wrote (and against PostgreSQL when ORDERSOURCE_PG_URL is set): exit
// codes, stdout/stderr, --json, and the progress bar under a pseudo-terminal.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Envelope } from '@ordersource/core';
import { orderExamples, orderStreamId } from '@ordersource/domain';
import {
  createPgExecutor,
  createPgliteExecutor,
  createPostgresCheckpointStore,
  createPostgresEventStore,
  createPostgresParkedStore,
  createPostgresTimerStore,
} from '@ordersource/postgres';
import { createShop, createVirtualClock } from '@ordersource/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from './exit-codes.js';
import { runCli, runCliInTerminal, runInProcess, serverUrl } from './test-support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ordersource-cli-'));
const data = join(dir, 'shop');
let parkedConsumer = '';

let migrated: Awaited<ReturnType<typeof runCli>>;

beforeAll(async () => {
  // `ordersource migrate` creates the data directory and its tables (a process, as a user runs it) ...
  migrated = await runCli(['migrate', '--db', data, '--json']);
  // ... then a shop writes a little history into it and lets go of it (PGlite: one process at a time).
  const executor = await createPgliteExecutor({ dataDir: data });
  const store = await createPostgresEventStore(executor, { migrate: false });
  const parked = createPostgresParkedStore(executor);
  const shop = createShop({
    store,
    clock: createVirtualClock('2026-11-01T09:00:00Z'),
    checkpoints: createPostgresCheckpointStore(executor),
    parked,
    timers: createPostgresTimerStore(executor),
  });
  const { command, sampleCheckout, actors } = orderExamples;
  const place = command('PlaceOrder', sampleCheckout({ orderId: 'o-1' }), '2026-11-01T10:00:00Z', actors.customer);
  expect((await shop.execute(orderStreamId('o-1'), place))._tag).toBe('Right');
  const cancel = command('CancelOrder', { reason: 'customer changed her mind' }, '2026-11-02T10:00:00Z');
  expect((await shop.execute(orderStreamId('o-1'), cancel))._tag).toBe('Right');
  await shop.runUntilIdle();
  const events: Envelope[] = [];
  for await (const envelope of store.read(orderStreamId('o-1'))) events.push(envelope);
  parkedConsumer = (await shop.health()).consumers[0]!.name;
  await parked.park(parkedConsumer, events[0]!, 3, 'boom (a test park)', '2026-11-02T11:00:00Z');
  await shop.stop();
  await store.close();
  await executor.close();
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const db = ['--db', data];

describe('ordersource database commands on PGlite', () => {
  it('migrate: a new data directory gets the tables, a second run has nothing to do', async () => {
    expect(migrated.stderr).toBe('');
    expect(migrated.code).toBe(EXIT.ok);
    const result = JSON.parse(migrated.stdout) as { from: number; to: number; applied: number[] };
    expect(result.from).toBe(0);
    expect(result.applied.length).toBeGreaterThan(0);
    const again = await runInProcess(['migrate', ...db]);
    expect(again.stdout).toMatch(/is up to date/);
    expect(again.code).toBe(EXIT.ok);
  });

  it('inspect: the history as a table and as JSON lines; a missing stream is exit 4 on stderr', async () => {
    const table = await runCli(['inspect', 'order-o-1', ...db]);
    expect(table.code).toBe(EXIT.ok);
    expect(table.stdout).toMatch(/^\s+0 {2}2026-11-01T10:00:00Z\s+OrderPlaced\s+customer:c-1$/m);
    expect(table.stdout).toMatch(/OrderCancelled/);
    const json = await runInProcess(['inspect', 'order-o-1', '--json', ...db]);
    const events = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { version: number; type: string });
    expect(events[0]).toMatchObject({ version: 0, type: 'OrderPlaced' });
    const missing = await runInProcess(['inspect', 'order-nope', ...db]);
    expect(missing.code).toBe(EXIT.notFound);
    expect(missing.stderr).toBe('ordersource: no stream "order-nope" in this store\n');
    expect(missing.stdout).toBe('');
  });

  it('state --at: time travel by version and by instant', async () => {
    const now = JSON.parse((await runInProcess(['state', 'order-o-1', '--json', ...db])).stdout) as {
      state: { status: string };
    };
    expect(now.state.status).toBe('cancelled');
    const before = JSON.parse(
      (await runInProcess(['state', 'order-o-1', '--at', '2026-11-01T12:00:00Z', '--json', ...db])).stdout,
    ) as {
      version: number;
      state: { status: string };
    };
    expect(before.state.status).toBe('pending');
    const v0 = JSON.parse((await runInProcess(['state', 'order-o-1', '--at', '0', '--json', ...db])).stdout) as {
      version: number;
    };
    expect(v0.version).toBe(0);
    const bad = await runInProcess(['state', 'order-o-1', '--at', 'yesterday', ...db]);
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.stderr).toMatch(/^ordersource: --at: must be a stream version/);
    expect(bad.stderr).not.toMatch(/\n\s+at /); // no stack trace for a user error
  });

  it('doctor finds the parked event (exit 13); reactors retry hands it back; doctor is clean again', async () => {
    const sick = await runCli(['doctor', '--json', ...db]);
    const findings = sick.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { check: string; ok: boolean; code: number });
    expect(findings.map((f) => f.check)).toEqual(['database', 'schema', 'lag', 'outbox', 'parked', 'timers']);
    expect(findings.find((f) => f.check === 'parked')).toMatchObject({ ok: false, code: EXIT.parked });
    expect(sick.code).toBe(EXIT.parked);

    const status = await runInProcess(['reactors', 'status', '--json', ...db]);
    const rows = status.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { reactor: string; parked: number; lag: number });
    expect(rows.find((r) => r.reactor === parkedConsumer)?.parked).toBe(1);

    const retry = await runInProcess(['reactors', 'retry', ...db]);
    expect(retry.code).toBe(EXIT.ok);
    expect(retry.stdout).toBe('handed back 1 parked event(s)\n');
    expect(retry.stderr).toMatch(/^retry: 1\/1/m); // piped: plain progress lines on stderr

    const well = await runInProcess(['doctor', ...db]);
    expect(well.stdout).toMatch(/ok\s+parked\s+no parked events/);
    expect(well.code).toBe(EXIT.ok);
  }, 60_000);

  it('projections rebuild: plain progress lines when piped, a bar with rate and ETA on a terminal', async () => {
    const piped = await runInProcess(['projections', 'rebuild', 'orders', ...db]);
    expect(piped.code).toBe(EXIT.ok);
    expect(piped.stdout).toMatch(/^orders: rebuilt from \d+ events \(0 undecodable\)/);
    expect(piped.stderr).toMatch(/^orders: \d+\/\d+ \(\d+\/s/m);
    expect(piped.stderr).not.toContain('\u001b['); // no escape codes in a log

    const tty = await runCliInTerminal(['projections', 'rebuild', 'orders', ...db]);
    expect(tty.code).toBe(0);
    expect(tty.stdout).toMatch(/orders \[#+-*\] 100% \| \d+\/\d+ \| \d+\/s \| ETA /);
    const unknown = await runInProcess(['projections', 'rebuild', 'nope', ...db]);
    expect(unknown.code).toBe(EXIT.notFound);
    expect(unknown.stderr).toMatch(/no projection "nope" \(known: orders, /);
  }, 60_000);

  it('no database, or one that does not answer: a one-line error and its exit code', async () => {
    const none = await runCli(['inspect', 'order-o-1']);
    expect(none.code).toBe(EXIT.usage);
    expect(none.stderr).toMatch(/^ordersource: no database: pass --db/);
    const down = await runCli(['doctor', '--db', 'postgres://nobody:secret@127.0.0.1:1/none']);
    expect(down.code).toBe(EXIT.unreachable);
    expect(down.stderr).toMatch(/^ordersource: cannot reach postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/none/);
    expect(down.stderr).not.toContain('secret');
  });
});

describe('ordersource database commands on a PostgreSQL server', () => {
  const url = serverUrl('cli database commands');
  const schema = `os_cli_${process.pid}`;
  afterAll(async () => {
    if (url === undefined) return;
    const executor = createPgExecutor({ connectionString: url });
    await executor.query(`drop schema if exists "${schema}" cascade`);
    await executor.close();
  });
  it.skipIf(url === undefined)(
    'migrate, then doctor on the server: exit 0',
    async () => {
      const migrated = await runCli(['migrate', '--db', url!, '--schema', schema]);
      expect(migrated.stderr).toBe('');
      expect(migrated.code).toBe(EXIT.ok);
      const doctor = await runCli(['doctor', '--db', url!, '--schema', schema, '--json']);
      expect(doctor.code).toBe(EXIT.ok);
      expect(doctor.stdout.trim().split('\n')).toHaveLength(6);
    },
    60_000,
  );
});
