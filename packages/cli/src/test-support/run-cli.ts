import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** The real binary, as a user runs it from a clone: node packages/cli/bin/ordersource.js. */
export const BIN = join(import.meta.dirname, '../../bin/ordersource.js');

export type Ran = Readonly<{ code: number | null; stdout: string; stderr: string }>;

/** Runs `ordersource <args>` as a process, stdin piped (empty unless given), stdout and stderr captured. */
export const runCli = (
  args: readonly string[],
  options: Readonly<{ stdin?: string; env?: NodeJS.ProcessEnv }> = {},
): Promise<Ran> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ORDERSOURCE_DB: '', ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });

/** Runs it under a pseudo-terminal (util-linux `script`), so stdout and stderr are a TTY. */
export const runCliInTerminal = (args: readonly string[]): Promise<Ran> => {
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', quoted, '/dev/null'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ORDERSOURCE_DB: '', COLUMNS: '120', TERM: 'xterm' },
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr: '' }));
    child.stdin.end();
  });
};

/** A PostgreSQL URL to test against, or why not (skipped unless ORDERSOURCE_REQUIRE_PG=1). */
export const serverUrl = (suite: string): string | undefined => {
  const url = process.env['ORDERSOURCE_PG_URL'];
  if (url !== undefined && url !== '') return url;
  if (process.env['ORDERSOURCE_REQUIRE_PG'] === '1')
    throw new Error(`${suite}: ORDERSOURCE_REQUIRE_PG=1 but ORDERSOURCE_PG_URL is not set`);
  console.warn(
    `[${suite}] PostgreSQL part skipped: ORDERSOURCE_PG_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/test)`,
  );
  return undefined;
};

/** Runs `main(args)` in this process, capturing what it writes (fast: no process, no tsx start-up). */
export const runInProcess = async (args: readonly string[]): Promise<Ran> => {
  const { main } = await import('../main.js');
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = (chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  };
  process.stderr.write = (chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  };
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
};
