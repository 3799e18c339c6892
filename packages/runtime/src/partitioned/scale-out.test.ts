import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { derivedId, newId, partitionOf, sleep } from '@ordersource/core';
import {
  createPgExecutor,
  createPostgresEventStore,
  migrate,
  type PostgresEventStore,
  type SqlExecutor,
} from '@ordersource/postgres';
// Test support of the postgres package, reached by path (it is not part of its public API).
import { probeServer, testSchema } from '../../../postgres/src/test-support/server.js';
import { tallyTables } from './test-support/tally.js';

/**
 * Issue 11, scale-out, on the real server: worker PROCESSES share a
 * projection and a reactor over K partitions while events flow; one is
 * SIGKILLed, two join, one stops gracefully. Afterwards: every event applied
 * by the projection exactly once (0 lost, 0 twice), every event's command
 * emitted under one id only (re-sent at most, never under another id), the
 * killed worker's partitions owned by others within one lease period, the
 * joiners given partitions (rebalance), and the final shares even.
 */
const server = await probeServer('partitioned workers (multi-process)');
const root = fileURLToPath(new URL('../../../..', import.meta.url));
const script = fileURLToPath(new URL('./test-support/worker-process.ts', import.meta.url));
const K = 12;
const LEASE_MS = 2_000;
const BALANCE_MS = LEASE_MS / 4;
const STREAMS = 40;

type Worker = Readonly<{
  owner: string;
  child: ChildProcessWithoutNullStreams;
  lines: string[];
  exited: Promise<void>;
}>;

describe.skipIf(server.skip)(
  'partitioned workers on PostgreSQL (processes killed and started while events flow)',
  () => {
    const schema = testSchema();
    let executor: SqlExecutor;
    let store: PostgresEventStore;
    const workers: Worker[] = [];

    beforeAll(async () => {
      executor = createPgExecutor({ connectionString: server.url!, max: 6 });
      await migrate(executor, schema);
      for (const statement of tallyTables(schema)) await executor.query(statement);
      store = await createPostgresEventStore(executor, { schema, pollIntervalMs: 50 });
    });
    afterAll(async () => {
      for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
      await store?.close();
      await executor?.query(`drop schema if exists "${schema}" cascade`);
      await executor?.close();
    });

    const startWorker = (name: string): Worker => {
      const owner = `${name}-${newId().slice(-6)}`;
      const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', script], {
        cwd: root,
        env: {
          ...process.env,
          ORDERSOURCE_PG_URL: server.url,
          WORKER_SCHEMA: schema,
          WORKER_OWNER: owner,
          WORKER_PARTITIONS: String(K),
          WORKER_LEASE_MS: String(LEASE_MS),
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const lines: string[] = [];
      let buffer = '';
      child.stdout.on('data', (data: Buffer) => {
        buffer += data.toString();
        const parts = buffer.split('\n');
        buffer = parts.pop() ?? '';
        lines.push(...parts.filter((line) => line.startsWith('{')));
      });
      child.stderr.on('data', (data: Buffer) => process.stderr.write(`[${owner}] ${data.toString()}`));
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const worker = { owner, child, lines, exited };
      workers.push(worker);
      return worker;
    };

    const owners = async (): Promise<Map<number, string>> => {
      const rows = await executor.query(
        `select partition, owner from "${schema}".partition_leases where owner is not null and expires_at > now()`,
      );
      return new Map(rows.map((row) => [Number(row['partition']), String(row['owner'])]));
    };
    const held = async (owner: string): Promise<number[]> =>
      [...(await owners())].filter(([, o]) => o === owner).map(([p]) => p);

    const waitUntil = async (what: string, ready: () => Promise<boolean> | boolean, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (!(await ready())) {
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await sleep(50);
      }
    };

    it('0 events lost or applied twice, 0 commands under two ids; failover within one lease period; rebalance on join', async () => {
      // The writer: one event per append, round-robin over the streams, until told to stop.
      let appended = 0;
      let writing = true;
      const writer = (async () => {
        while (writing) {
          const stream = `tick-${appended % STREAMS}`;
          await store.append(
            stream,
            [
              {
                event: { type: 'Ticked', data: { n: appended } },
                eventId: newId(),
                occurredAt: new Date().toISOString(),
                actor: { kind: 'system', id: 'writer' },
              },
            ],
            'any',
          );
          appended += 1;
          if (appended % 20 === 0) await sleep(5);
        }
      })();

      const a = startWorker('a');
      const b = startWorker('b');
      await waitUntil(
        'a and b to share the partitions',
        async () => (await held(a.owner)).length > 0 && (await held(b.owner)).length > 0,
        60_000,
      );

      // Joining: timed from the moment the process is up (its first balance is done), not from spawn.
      const joined = async (worker: Worker): Promise<number> => {
        await waitUntil(
          `${worker.owner} to start`,
          () => worker.lines.some((line) => line.includes('"started"')),
          60_000,
        );
        const upAt = Date.now();
        await waitUntil(`${worker.owner} to get partitions`, async () => (await held(worker.owner)).length > 0, 60_000);
        return Date.now() - upAt;
      };
      const c = startWorker('c');
      const joinC = await joined(c);
      const joinedC = await owners();

      // Crash: b stops renewing. Its partitions must move once its leases end (within one lease period).
      await sleep(1_000);
      const ofB = await held(b.owner);
      b.child.kill('SIGKILL');
      const killedAt = Date.now();
      await b.exited;
      await waitUntil(
        "b's partitions to move to live workers",
        async () => {
          const now = await owners();
          return ofB.every((p) => now.has(p) && now.get(p) !== b.owner);
        },
        LEASE_MS * 10,
      );
      const failoverMs = Date.now() - killedAt;

      const d = startWorker('d');
      const joinD = await joined(d);

      // Paused (SIGSTOP: a debugger, a swapped-out VM): c cannot renew; its partitions move; woken, it
      // must not write for them (its commits check the lease token, so they are refused).
      await sleep(1_000);
      const ofC = await held(c.owner);
      c.child.kill('SIGSTOP');
      const pausedAt = Date.now();
      await waitUntil(
        "c's partitions to move while it is paused",
        async () => {
          const now = await owners();
          return ofC.every((p) => now.has(p) && now.get(p) !== c.owner) || Date.now() - pausedAt > LEASE_MS * 3;
        },
        LEASE_MS * 10,
      );
      const afterPause = await owners();
      const movedWhilePaused = ofC.filter((p) => afterPause.has(p) && afterPause.get(p) !== c.owner).length;
      const pauseMs = Date.now() - pausedAt;
      c.child.kill('SIGCONT');

      // Graceful stop: a drains and releases; the others take its partitions on their next balance.
      await sleep(1_000);
      const ofA = await held(a.owner);
      a.child.kill('SIGTERM');
      const stoppedAt = Date.now();
      await a.exited;
      await waitUntil(
        "a's partitions to move after its graceful stop",
        async () => {
          const now = await owners();
          return ofA.every((p) => now.has(p) && now.get(p) !== a.owner);
        },
        LEASE_MS * 10,
      );
      const handoverMs = Date.now() - stoppedAt;

      await sleep(1_000);
      writing = false;
      await writer;
      const total = appended;
      await waitUntil(
        'the projection to apply every event',
        async () =>
          Number((await executor.query(`select count(*)::int as n from "${schema}".tally`))[0]?.['n']) >= total,
        60_000,
      );
      await waitUntil(
        'the reactor to react to every event',
        async () =>
          Number(
            (await executor.query(`select count(distinct cause_event_id)::int as n from "${schema}".dispatched`))[0]?.[
              'n'
            ],
          ) >= total,
        60_000,
      );

      const [tally] = await executor.query(
        `select count(*)::int as events, count(*) filter (where applied > 1)::int as twice,
              count(distinct owner)::int as appliers from "${schema}".tally`,
      );
      const [commands] = await executor.query(
        `select count(*)::int as emitted, count(distinct cause_event_id)::int as causes,
              count(distinct command_id)::int as ids,
              (select count(*)::int from (select cause_event_id from "${schema}".dispatched
                 group by cause_event_id having count(distinct command_id) > 1) x) as two_ids
         from "${schema}".dispatched`,
      );
      const wrongIds = await executor.query(
        `select d.command_id, d.cause_event_id from "${schema}".dispatched d limit 2000`,
      );
      const finalOwners = await owners();
      const shares = [c, d].map((w) => [...finalOwners.values()].filter((o) => o === w.owner).length);
      const ownershipLines = workers.flatMap((w) =>
        w.lines.map((line) => JSON.parse(line) as { type: string; gained?: number[] }),
      );

      console.info(
        `[scale-out] K=${K}, lease ${LEASE_MS} ms, balance every ${BALANCE_MS} ms: ${total} events over ${STREAMS} streams; ` +
          `projection applied ${String(tally?.['events'])} (twice: ${String(tally?.['twice'])}) by ${String(tally?.['appliers'])} workers; ` +
          `reactor emitted ${String(commands?.['emitted'])} commands for ${String(commands?.['causes'])} events under ${String(commands?.['ids'])} ids ` +
          `(causes with two ids: ${String(commands?.['two_ids'])}); c joined with ${[...joinedC.values()].filter((o) => o === c.owner).length} partitions; ` +
          `SIGKILLed b's ${ofB.length} partitions moved in ${failoverMs} ms; a's ${ofA.length} moved ${handoverMs} ms after SIGTERM; ` +
          `c and d held partitions ${joinC} and ${joinD} ms after they were up; final shares c/d ${shares.join('/')}; ${ownershipLines.filter((l) => l.type === 'ownership').length} ownership changes`,
      );
      expect(tally?.['events']).toBe(total);
      expect(tally?.['twice'], 'no event applied twice').toBe(0);
      expect(commands?.['causes'], 'every event reacted to').toBe(total);
      expect(commands?.['two_ids'], 'no command emitted under two ids').toBe(0);
      expect(commands?.['ids']).toBe(total);
      for (const row of wrongIds)
        expect(row['command_id']).toBe(derivedId('reactor', 'ack', String(row['cause_event_id']), 0));
      // b's leases were renewed at most one balance before the kill: they end within one lease period of it.
      expect(failoverMs, 'failover within one lease period (plus one balance round and a loaded machine)').toBeLessThan(
        LEASE_MS + 2 * BALANCE_MS + 2_000,
      );
      expect(Math.max(joinC, joinD), 'a joiner gets partitions within a few balance rounds').toBeLessThan(
        4 * BALANCE_MS + 2_000,
      );
      expect(handoverMs, 'a graceful stop hands over without waiting for the lease').toBeLessThan(LEASE_MS);
      expect(shares.reduce((x, y) => x + y, 0)).toBe(K);
      expect(Math.abs((shares[0] ?? 0) - (shares[1] ?? 0))).toBeLessThanOrEqual(1);
      // The projection's rows name the partition they belong to: the hash every process computes alike.
      const [mismatch] = await executor.query(`select stream_id, partition from "${schema}".tally limit 1`);
      if (mismatch !== undefined) expect(mismatch['partition']).toBe(partitionOf(String(mismatch['stream_id']), K));
      for (const worker of [c, d]) worker.child.kill('SIGTERM');
      await Promise.all([c.exited, d.exited]);
      const stopped = [c, d].map(
        (worker) =>
          worker.lines
            .map((line) => JSON.parse(line) as { type: string; status?: { fencedOff: number } })
            .find((l) => l.type === 'stopped')?.status?.fencedOff,
      );
      console.info(
        `[scale-out] SIGSTOPped c for ${pauseMs} ms: ${movedWhilePaused} of its ${ofC.length} partitions moved meanwhile; ` +
          `commits refused by the fence after it woke (c, d): ${stopped.join(', ')}`,
      );
      expect(movedWhilePaused, 'a paused worker loses its partitions').toBeGreaterThan(0);
    }, 120_000);
  },
);
