#!/usr/bin/env node
// The `ordersource` command. Installed from npm it runs the built dist/; in a
// clone of the repository (no build) it runs the TypeScript sources through
// tsx, with the "source" export condition so workspace packages need no build.
import { existsSync } from 'node:fs';
import process from 'node:process';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const built = join(here, '../dist/run.js');

if (existsSync(built) && process.env.ORDERSOURCE_CLI_FROM_SOURCE !== '1') {
  await import(built);
} else {
  const result = spawnSync(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', join(here, '../src/run.ts'), ...process.argv.slice(2)],
    { stdio: 'inherit', cwd: process.cwd() },
  );
  process.exit(result.status ?? 1);
}
