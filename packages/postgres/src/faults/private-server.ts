import { execFile, spawn, type ChildProcess } from 'node:child_process';
import {
  accessSync,
  constants,
  chownSync,
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

/**
 * A PostgreSQL server of our own for fault tests: initdb into a temporary
 * directory, a free port on 127.0.0.1, trust authentication, fsync and
 * synchronous commit on. `crash()` is a real power cut for the server's
 * processes: every one of them (the postmaster and each backend, which are
 * their own process groups) is stopped with SIGSTOP, then SIGKILLed, so none
 * can write another byte or react to the others dying. `start()` again runs
 * crash recovery on the same data directory. The shared server on 5432 is
 * never touched.
 *
 * PostgreSQL refuses to run as root: as root, initdb and postgres run as the
 * `postgres` OS user.
 */
export type PrivateServer = Readonly<{
  url: string;
  port: number;
  dataDir: string;
  /** Start (or restart after a crash); resolves once the server answers queries. */
  start: () => Promise<void>;
  /** SIGSTOP then SIGKILL the postmaster and all its children; resolves once every one is gone. */
  crash: () => Promise<void>;
  /** Crash it and delete the data directory. */
  destroy: () => Promise<void>;
  /** The last lines of the server log (for failure messages). */
  logTail: () => string;
}>;

export type PrivateServerProbe = Readonly<{ skip: false; binDir: string } | { skip: true; reason: string }>;

const run = promisify(execFile);

const binDirectory = (): string => process.env['ORDERSOURCE_PG_BIN'] ?? '/usr/lib/postgresql/15/bin';

type Account = Readonly<{ uid: number; gid: number }> | undefined;

/** As root, the `postgres` OS user; otherwise undefined (run as ourselves). */
const serverAccount = (): Account | string => {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined)
    return 'running as root and there is no `postgres` OS user to run the server as';
  return { uid: Number(uid), gid: Number(gid) };
};

/**
 * Can this machine run a private server? Missing binaries or no way to leave
 * root skip the suite with the reason, unless ORDERSOURCE_REQUIRE_PG=1 (CI).
 */
export const probePrivateServer = (suite: string): PrivateServerProbe => {
  const binDir = binDirectory();
  let reason: string | undefined;
  for (const tool of ['initdb', 'postgres']) {
    try {
      accessSync(join(binDir, tool), constants.X_OK);
    } catch {
      reason ??= `${join(binDir, tool)} is missing (install Debian's postgresql-15 or set ORDERSOURCE_PG_BIN)`;
    }
  }
  const account = serverAccount();
  if (typeof account === 'string') reason ??= account;
  if (reason === undefined) return { skip: false, binDir };
  if (process.env['ORDERSOURCE_REQUIRE_PG'] === '1')
    throw new Error(`${suite}: ORDERSOURCE_REQUIRE_PG=1 but ${reason}`);
  console.warn(`[${suite}] skipped: ${reason}`);
  return { skip: true, reason };
};

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no free port')),
      );
    });
  });

/** Every live descendant of `root` (and root), from /proc. */
const processTree = (root: number): number[] => {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (state === 'Z') continue;
    const list = children.get(Number(ppid)) ?? [];
    list.push(Number(entry));
    children.set(Number(ppid), list);
  }
  const tree: number[] = [];
  const visit = (pid: number) => {
    tree.push(pid);
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(root);
  return tree;
};

const alive = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
};

const signal = (pid: number, name: NodeJS.Signals): void => {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export type PrivateServerOptions = Readonly<{
  /** Extra `-c name=value` settings. */
  settings?: Readonly<Record<string, string>>;
}>;

export const createPrivateServer = async (
  probe: PrivateServerProbe,
  options: PrivateServerOptions = {},
): Promise<PrivateServer> => {
  if (probe.skip) throw new Error(`no private server: ${probe.reason}`);
  const account = serverAccount();
  const owner = typeof account === 'object' ? account : undefined;
  const root = mkdtempSync(join(tmpdir(), 'ordersource-pg-'));
  if (owner !== undefined) chownSync(root, owner.uid, owner.gid);
  const dataDir = join(root, 'data');
  const logFile = join(root, 'server.log');
  const asServer = owner === undefined ? {} : { uid: owner.uid, gid: owner.gid };
  // -N: no fsync of the fresh catalog files; the server itself runs with fsync on.
  await run(
    join(probe.binDir, 'initdb'),
    ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-N', '-E', 'UTF8', '--locale=C'],
    { ...asServer, cwd: root, env: { ...process.env, LC_ALL: 'C' } },
  );
  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: root,
    fsync: 'on',
    synchronous_commit: 'on',
    full_page_writes: 'on',
    max_connections: '60',
    shared_buffers: '32MB',
    ...options.settings,
  };
  let postmaster: ChildProcess | undefined;

  const logTail = (): string => {
    try {
      return readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n');
    } catch {
      return '(no server log)';
    }
  };

  const start = async (): Promise<void> => {
    if (postmaster !== undefined && postmaster.exitCode === null && postmaster.signalCode === null)
      throw new Error('the private server is running');
    const log = openSync(logFile, 'a');
    if (owner !== undefined) chownSync(logFile, owner.uid, owner.gid);
    const args = ['-D', dataDir, '-p', String(port)];
    for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`);
    const child = spawn(join(probe.binDir, 'postgres'), args, {
      ...asServer,
      cwd: root,
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...process.env, LC_ALL: 'C' },
    });
    closeSync(log);
    child.unref();
    postmaster = child;
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`the private server exited during start:\n${logTail()}`);
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query('select 1');
        return;
      } catch (error) {
        if (Date.now() > deadline)
          throw new Error(`the private server did not answer in 60 s: ${String(error)}\n${logTail()}`, {
            cause: error,
          });
      } finally {
        await client.end().catch(() => undefined);
      }
      await sleep(50);
    }
  };

  const crash = async (): Promise<void> => {
    const child = postmaster;
    if (child?.pid === undefined) return;
    const pid = child.pid;
    // Freeze first, so no process can react to another's death (the postmaster would start
    // its own orderly crash handling), then kill. Children forked meanwhile are caught by
    // the second pass.
    const members = new Set<number>();
    for (let pass = 0; pass < 3; pass++) {
      const tree = processTree(pid).filter(alive);
      if (tree.length === 0) break;
      for (const member of tree) signal(member, 'SIGSTOP');
      // Listed again while all are frozen: a child forked meanwhile is in this list.
      const frozen = processTree(pid);
      for (const member of frozen) signal(member, 'SIGSTOP');
      for (const member of [...tree, ...frozen]) members.add(member);
      for (const member of members) signal(member, 'SIGKILL');
    }
    const deadline = Date.now() + 30_000;
    while ([...members].some(alive) || (child.exitCode === null && child.signalCode === null)) {
      if (Date.now() > deadline)
        throw new Error(`server processes ${[...members].filter(alive).join(', ')} survived SIGKILL`);
      await sleep(10);
    }
  };

  const destroy = async (): Promise<void> => {
    await crash();
    rmSync(root, { recursive: true, force: true });
  };

  // A test process that dies anyway must not leave a server behind.
  process.once('exit', () => {
    if (postmaster?.pid !== undefined) for (const member of processTree(postmaster.pid)) signal(member, 'SIGKILL');
  });

  await start();
  return { url, port, dataDir, start, crash, destroy, logTail };
};
