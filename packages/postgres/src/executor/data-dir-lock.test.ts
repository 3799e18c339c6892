import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isStoreError } from '../errors.js';
import { createPostgresEventStore } from '../event-store.js';
import { collect } from '../test-support/fixtures.js';
import { lockDataDir } from './data-dir-lock.js';
import { createPgliteExecutor } from './pglite.js';

/**
 * Issue 8.1: processes opening one PGlite data directory in the same
 * millisecond must end with exactly one holder, on a fresh directory and over
 * every kind of stale lock, and the one writer's acknowledged data survives.
 * The racers are real processes (test-support/lock-racer.ts).
 */
const racerScript = fileURLToPath(new URL('../test-support/lock-racer.ts', import.meta.url));
const root = fileURLToPath(new URL('../../../../', import.meta.url));

type Answer = Readonly<{ held?: boolean; kind?: string; message?: string; error?: string; acked?: number }>;
type Racer = Readonly<{ child: ChildProcessWithoutNullStreams; send: (command: object) => Promise<Answer> }>;

const startRacer = async (): Promise<Racer> => {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', racerScript], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
  const waiting: { resolve: (answer: Answer) => void; reject: (error: Error) => void }[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => waiting.shift()?.resolve(JSON.parse(line) as Answer));
  child.once('exit', (code) => {
    for (const waiter of waiting.splice(0)) waiter.reject(new Error(`lock racer exited (${code}): ${stderr}`));
  });
  const next = () => new Promise<Answer>((resolve, reject) => waiting.push({ resolve, reject }));
  await next(); // { ready: true }
  return {
    child,
    send: (command) => {
      const answer = next();
      child.stdin.write(`${JSON.stringify(command)}\n`);
      return answer;
    },
  };
};

/** A pid that no process has: one that just exited. */
const deadPid = async (): Promise<number> => {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
};

const TRIALS = 20;
const RACERS = 4;

describe('PGlite data-directory lock across processes (issue 8.1)', () => {
  let racers: Racer[] = [];
  let base: string;
  let dead: number;

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'ordersource-lock-'));
    dead = await deadPid();
    racers = await Promise.all(Array.from({ length: RACERS }, startRacer));
  });
  afterAll(async () => {
    for (const racer of racers) racer.child.stdin.end();
    await Promise.all(racers.map((racer) => new Promise((resolve) => racer.child.once('exit', resolve))));
    await rm(base, { recursive: true, force: true });
  });

  /** Every racer takes the lock in the same millisecond; returns the holders per trial. */
  const race = async (scenario: string, prepare: (lockFile: string, trial: number) => Promise<void>) => {
    const holders: number[] = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      const dir = join(base, `${scenario}-${trial}`);
      await prepare(`${dir}.lock`, trial);
      const at = Date.now() + 60;
      const answers = await Promise.all(racers.map((racer) => racer.send({ op: 'lock', dir, at })));
      const winners = answers.flatMap((answer, i) => (answer.held === true ? [i] : []));
      holders.push(winners.length);
      for (const answer of answers)
        if (answer.held !== true) {
          expect(answer.kind, answer.error).toBe('data-dir-locked');
          expect(answer.message).toMatch(/in use by process \d+/);
        }
      if (winners.length === 1) {
        const text = await readFile(`${dir}.lock`, 'utf8');
        const pid = /^\d+$/.test(text) ? Number(text) : (JSON.parse(text) as { pid: number }).pid;
        expect(pid).toBe(racers[winners[0]!]!.child.pid);
      }
      await Promise.all(winners.map((i) => racers[i]!.send({ op: 'release' })));
    }
    console.info(
      `[data-dir lock] ${scenario}: ${TRIALS} trials x ${RACERS} processes, holders per trial: ${holders.join(' ')}`,
    );
    return holders;
  };
  const exactlyOne = Array.from({ length: TRIALS }, () => 1);

  it('on a fresh directory: exactly one holder in every trial', async () => {
    expect(await race('fresh', async () => undefined)).toEqual(exactlyOne);
  });

  it('over a stale lock of a dead process (old bare-pid format and current format): exactly one holder', async () => {
    const stale = (lockFile: string, trial: number) =>
      writeFile(
        lockFile,
        trial % 2 === 0 ? String(dead) : JSON.stringify({ pid: dead, host: hostname(), started: '1', token: 'gone' }),
      );
    expect(await race('stale', stale)).toEqual(exactlyOne);
  });

  it('over a reused pid (a live process with another start time): exactly one holder', async () => {
    const reused = (lockFile: string) =>
      writeFile(lockFile, JSON.stringify({ pid: process.pid, host: hostname(), started: 'earlier', token: 'old' }));
    expect(await race('reused', reused)).toEqual(exactlyOne);
  });

  it('over an empty or half-written lock file left long ago: exactly one holder', async () => {
    const partial = async (lockFile: string, trial: number) => {
      await writeFile(lockFile, trial % 2 === 0 ? '' : '{"pid":4');
      const past = new Date(Date.now() - 60_000);
      await utimes(lockFile, past, past);
    };
    expect(await race('partial', partial)).toEqual(exactlyOne);
  });

  it('two PGlite writers racing over a stale lock: one writes, and every acknowledged append survives a reopen', async () => {
    const dir = join(base, 'data');
    const acknowledged = new Map<string, number>();
    for (let trial = 0; trial < 2; trial++) {
      await writeFile(`${dir}.lock`, String(dead));
      const at = Date.now() + 300;
      const answers = await Promise.all(
        racers
          .slice(0, 3)
          .map((racer, i) => racer.send({ op: 'write', dir, at, writeMs: 1_500, stream: `w-${trial}-${i}` })),
      );
      const writers = answers.flatMap((answer, i) => (answer.held === true ? [i] : []));
      expect(writers, JSON.stringify(answers)).toHaveLength(1);
      for (const i of writers) acknowledged.set(`w-${trial}-${i}`, answers[i]!.acked!);
    }
    const executor = await createPgliteExecutor({ dataDir: dir });
    try {
      const store = await createPostgresEventStore(executor, { schema: 'racers' });
      for (const [stream, acked] of acknowledged) {
        expect(acked).toBeGreaterThan(0);
        expect((await collect(store.read(stream))).length, stream).toBe(acked);
      }
      await store.close();
      console.info(`[data-dir lock] PGlite writers: ${JSON.stringify(Object.fromEntries(acknowledged))} all read back`);
    } finally {
      await executor.close();
    }
    // The first trial creates the cluster (initdb): tens of seconds on a busy machine.
  }, 180_000);
});

describe('PGlite data-directory lock in one process', () => {
  let base: string;
  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'ordersource-lock-'));
  });
  afterAll(() => rm(base, { recursive: true, force: true }));

  const kindOf = (promise: Promise<unknown>) =>
    promise.then(
      () => 'acquired',
      (error: unknown) => (isStoreError(error) ? error.kind : String(error)),
    );

  it('a live owner keeps it; a release frees it; a second release leaves the next holder alone', async () => {
    const dir = join(base, 'live');
    const first = await lockDataDir(dir);
    await expect(lockDataDir(dir)).rejects.toThrow(/in use by process \d+ \(this one\)/);
    await first.release();
    const second = await lockDataDir(dir);
    await first.release();
    expect(await kindOf(lockDataDir(dir))).toBe('data-dir-locked');
    await second.release();
    expect(await kindOf(lockDataDir(dir))).toBe('acquired');
  });

  it('a lock of another host is never taken as stale', async () => {
    const dir = join(base, 'remote');
    const remote = JSON.stringify({ pid: 1, host: `not-${hostname()}`, token: 'remote' });
    await writeFile(`${dir}.lock`, remote);
    await expect(lockDataDir(dir)).rejects.toThrow(new RegExp(`in use by process 1 on host not-${hostname()}`));
    expect(await readFile(`${dir}.lock`, 'utf8')).toBe(remote);
  });

  it('an empty lock file may be one being written: it is taken over only after a grace period', async () => {
    const dir = join(base, 'young');
    await writeFile(`${dir}.lock`, '');
    const written = (await stat(`${dir}.lock`)).mtimeMs;
    const lock = await lockDataDir(dir);
    expect(Date.now() - written).toBeGreaterThanOrEqual(2_000);
    await lock.release();
  });
});
