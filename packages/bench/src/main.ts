import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { FULL, QUICK, runKernelBenchmarks } from './kernel.js';

/**
 * `pnpm bench [--only kernel|postgres] [--quick]`: the kernel suites, then
 * the PostgreSQL suites when `src/postgres.ts` is present.
 */

const { values } = parseArgs({
  // pnpm forwards a literal "--" in front of extra arguments.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: { only: { type: 'string' }, quick: { type: 'boolean', default: false } },
});
const only = values.only;
if (only !== undefined && only !== 'kernel' && only !== 'postgres') {
  console.error(`--only takes "kernel" or "postgres", not "${only}"`);
  process.exit(2);
}

const machine = cpus();
console.log(
  `node ${process.version}, ${machine.length} cores (${machine[0]?.model.trim() ?? 'unknown cpu'}), ` +
    `${values.quick ? 'quick' : 'full'} settings. Compare ratios: absolute figures move with the machine's load.`,
);

// Other processes on the machine slow every case; the load average says how busy it was.
const load = (): string =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(' ');

if (only !== 'postgres') {
  console.log(`load average before the kernel suites: ${load()}`);
  const { failed } = await runKernelBenchmarks(values.quick ? QUICK : FULL);
  console.log(`\nload average after: ${load()}`);
  console.log(failed === 0 ? 'kernel: every target met' : `kernel: ${failed} target(s) missed`);
}

if (only !== 'kernel') {
  // Another module owns the PostgreSQL suites; run them when they are there.
  const postgres = new URL('./postgres.ts', import.meta.url);
  if (existsSync(postgres)) {
    const specifier = './postgres.js';
    const module = (await import(specifier)) as { runPostgresBenchmarks: () => Promise<void> };
    await module.runPostgresBenchmarks();
  } else {
    console.log('\nPostgreSQL: no suites yet (src/postgres.ts is absent), skipped.');
  }
}
