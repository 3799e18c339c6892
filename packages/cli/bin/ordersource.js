#!/usr/bin/env node
// The `ordersource` command. In a clone of the repository (src/ is there) it
// runs the TypeScript sources through tsx with the "source" export condition,
// so nothing needs building and a stale dist/ is never run; installed from npm
// (the package ships bin/ and dist/, not src/) it runs the built dist/.
import { existsSync } from 'node:fs';
import process from 'node:process';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, '../src/run.ts');

if (!existsSync(source) || process.env.ORDERSOURCE_CLI_FROM_DIST === '1') {
  await import(join(here, '../dist/run.js'));
} else {
  const result = spawnSync(
    process.execPath,
    ['--conditions=source', '--import', import.meta.resolve('tsx'), source, ...process.argv.slice(2)],
    { stdio: 'inherit', cwd: process.cwd() },
  );
  process.exit(result.status ?? 1);
}
