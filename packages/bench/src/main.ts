import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
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

if (only !== 'postgres') {
  const { failed } = await runKernelBenchmarks(values.quick ? QUICK : FULL);
  console.log(failed === 0 ? '\nkernel: every target met' : `\nkernel: ${failed} target(s) missed`);
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
