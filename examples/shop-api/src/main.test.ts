import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The README's one command (`pnpm --filter @ordersource/example-shop-api start`,
 * i.e. `tsx --conditions=source src/main.ts`) on a fresh PGlite data folder:
 * it seeds the empty store, answers on its port, and a second start finds
 * the first one's orders instead of seeding again.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'shop-main-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** A port nobody listens on now (the kernel picks it). */
const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });

const start = async (port: number): Promise<{ output: string; stop: () => Promise<void> }> => {
  // tsx itself (not through npx), so that SIGTERM reaches the shop and it closes its store.
  const child = spawn(join(root, '../../node_modules/.bin/tsx'), ['--conditions=source', 'src/main.ts'], {
    cwd: root,
    // PGlite, the default: no database URL reaches the child even when the test run has one.
    env: {
      ...process.env,
      ORDERSOURCE_PG_URL: '',
      SHOP_DATABASE_URL: '',
      SHOP_DATA: dataDir,
      PORT: String(port),
      SHOP_ADMIN_PASSWORD: 'main-test-pw',
      SHOP_NOTIFY: 'outbox',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 90_000;
  while (!output.includes('ordersource example shop on')) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    output,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
};

describe('pnpm start on a fresh clone', () => {
  it(
    'starts on PGlite, seeds an empty store once, serves the portal and the API document',
    { timeout: 240_000 },
    async () => {
      const port = await freePort();
      const first = await start(port);
      try {
        expect(first.output).toContain('PGlite in');
        expect(first.output).toContain('seeded an empty store');
        expect(first.output).toContain('SO-1003 is delivered');
        expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
        const login = await fetch(`http://127.0.0.1:${port}/portal/login`);
        expect(await login.text()).toContain('<form method="post" action="/portal/login"');
        const doc = (await (await fetch(`http://127.0.0.1:${port}/openapi.json`)).json()) as { openapi: string };
        expect(doc.openapi).toBe('3.1.0');
      } finally {
        await first.stop();
      }
      const second = await start(port);
      await second.stop();
      expect(second.output).not.toContain('seeded an empty store');
    },
  );
});
