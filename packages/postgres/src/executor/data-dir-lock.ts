import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { storeError } from '../errors.js';

/**
 * PGlite opens a data directory that another instance already has open, and
 * two writers then corrupt it (acknowledged data is lost). A lock file beside
 * the directory makes the second opener fail with `data-dir-locked`.
 *
 * Why this shape (issue 8.1): the lock file must never be visible without its
 * owner in it, or a racer reads it empty and takes it for stale. So the owner
 * is written to a private temp file first and `link()`ed to the lock path:
 * `link` fails with EEXIST atomically, and the file appears whole. A lock is
 * stale only when its owner is provably dead: same host, and no process with
 * that pid and that start time (a reused pid has another start time). Taking
 * over a stale lock is itself a lock: the taker must win a second `link()`
 * onto a name derived from that very file, so two racers can never both
 * remove it; a racer that lost re-reads the lock and finds the winner.
 */
export type DataDirLock = Readonly<{ release: () => Promise<void> }>;

/** Who holds a lock file: enough to tell, on this host, whether it still runs. */
type Owner = Readonly<{ pid: number; host?: string; started?: string; token?: string }>;

/** A lock file as read once through one handle: its identity, its text and the owner in it, if any. */
type Seen = Readonly<{ ino: number; mtimeMs: number; text: string; owner: Owner | undefined }>;

type Verdict =
  Readonly<{ kind: 'held'; why: string }> | Readonly<{ kind: 'stale' }> | Readonly<{ kind: 'wait'; why: string }>;

type Claim = Readonly<{ kind: 'acquired' }> | Readonly<{ kind: 'held'; why: string }>;

/** A file with no owner in it (left by an older version or a crash) counts as stale after this long. */
const UNREADABLE_GRACE_MS = 2_000;
/** How long an opener keeps retrying while a takeover or an unreadable file resolves. */
const DEADLINE_MS = 10_000;

const errnoOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | undefined)?.code;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Field 22 of /proc/<pid>/stat: start time in clock ticks since boot. Absent off Linux. */
const startTimeOf = async (pid: number | 'self'): Promise<string | undefined> => {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
};

const pidExists = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return errnoOf(error) === 'EPERM';
  }
};

const parseOwner = (text: string): Owner | undefined => {
  const trimmed = text.trim();
  // A bare pid: the format of earlier versions.
  if (/^[1-9][0-9]{0,9}$/.test(trimmed)) return { pid: Number(trimmed) };
  try {
    const value: unknown = JSON.parse(trimmed);
    if (typeof value !== 'object' || value === null) return undefined;
    const { pid, host, started, token } = value as Record<string, unknown>;
    if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) return undefined;
    if (typeof host !== 'string' || typeof token !== 'string') return undefined;
    if (started !== undefined && typeof started !== 'string') return undefined;
    return started === undefined ? { pid, host, token } : { pid, host, started, token };
  } catch {
    return undefined;
  }
};

const inspect = async (path: string): Promise<Seen | undefined> => {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const stats = await handle.stat();
    const text = await handle.readFile('utf8');
    return { ino: stats.ino, mtimeMs: stats.mtimeMs, text, owner: parseOwner(text) };
  } finally {
    await handle.close();
  }
};

const describe = (owner: Owner, self: Owner): string =>
  `process ${owner.pid}` +
  (owner.host !== undefined && owner.host !== self.host
    ? ` on host ${owner.host}`
    : owner.pid === self.pid && owner.started === self.started
      ? ' (this one)'
      : '');

const judge = async (seen: Seen, self: Owner): Promise<Verdict> => {
  const { owner } = seen;
  if (owner === undefined)
    return Date.now() - seen.mtimeMs > UNREADABLE_GRACE_MS
      ? { kind: 'stale' }
      : { kind: 'wait', why: 'it holds no owner yet (another process may be writing it)' };
  // Another host's processes cannot be seen from here: never provably dead.
  if (owner.host !== undefined && owner.host !== self.host)
    return { kind: 'held', why: `in use by ${describe(owner, self)}` };
  if (!pidExists(owner.pid)) return { kind: 'stale' };
  if (owner.started !== undefined) {
    const started = await startTimeOf(owner.pid);
    // The pid now belongs to a process that started later: the owner is gone.
    if (started !== undefined && started !== owner.started) return { kind: 'stale' };
  }
  return { kind: 'held', why: `in use by ${describe(owner, self)}` };
};

const sameFile = (a: Seen, b: Seen): boolean => a.ino === b.ino && a.mtimeMs === b.mtimeMs && a.text === b.text;

/** Remove `path` only if it is still ours: after a release, the next holder's file must survive. */
const removeIfOurs = async (path: string, token: string): Promise<void> => {
  const seen = await inspect(path);
  if (seen?.owner?.token === token) await unlink(path).catch(() => undefined);
};

/**
 * Hold `path` for `self`, or say who holds it. `level` 0 is the lock itself,
 * level n + 1 the takeover of a stale file at level n.
 */
const claim = async (
  path: string,
  self: Owner & { token: string },
  level: number,
  deadline: number,
): Promise<Claim> => {
  const temp = `${path}.${self.token}.${level}.tmp`;
  const file = await open(temp, 'wx', 0o644);
  try {
    await file.writeFile(JSON.stringify(self));
    await file.sync();
  } finally {
    await file.close();
  }
  try {
    for (;;) {
      try {
        await link(temp, path);
        return { kind: 'acquired' };
      } catch (error) {
        if (errnoOf(error) !== 'EEXIST') throw error;
      }
      const seen = await inspect(path);
      if (seen === undefined) continue; // released in between: try again
      const verdict = await judge(seen, self);
      if (verdict.kind === 'held') return verdict;
      if (Date.now() > deadline)
        return {
          kind: 'held',
          why: verdict.kind === 'wait' ? verdict.why : 'a takeover of a stale lock did not finish',
        };
      if (verdict.kind === 'wait') {
        await sleep(20);
        continue;
      }
      // Stale. Only the winner of this takeover name may remove the file it names.
      const takeover = `${path}.takeover-${seen.ino}`;
      const won = await claim(takeover, self, level + 1, deadline);
      if (won.kind === 'held') {
        // Someone alive is taking it over: wait for its lock to appear.
        await sleep(20);
        continue;
      }
      try {
        const again = await inspect(path);
        if (again !== undefined && sameFile(again, seen)) await unlink(path);
      } finally {
        await removeIfOurs(takeover, self.token);
      }
    }
  } finally {
    await unlink(temp).catch(() => undefined);
  }
};

export const lockDataDir = async (dataDir: string): Promise<DataDirLock> => {
  const path = `${resolve(dataDir)}.lock`;
  await mkdir(dirname(path), { recursive: true });
  const started = await startTimeOf('self');
  const self = {
    pid: process.pid,
    host: hostname(),
    ...(started === undefined ? {} : { started }),
    token: randomBytes(12).toString('hex'),
  };
  const result = await claim(path, self, 0, Date.now() + DEADLINE_MS);
  if (result.kind === 'held')
    throw storeError(
      'data-dir-locked',
      `the PGlite data directory ${resolve(dataDir)} is ${result.why.startsWith('in use') ? '' : 'locked: '}${result.why}: ` +
        `one process at a time may open it (lock file ${path}; delete it only if no process still has the directory open)`,
    );
  return { release: () => removeIfOurs(path, self.token) };
};
