import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { FULL, QUICK, runKernelBenchmarks } from './kernel.js';

/**
 * `pnpm bench [--only kernel|postgres|lifecycle|scale-out] [--quick]`: the kernel suites,
 * the PostgreSQL suites, then the scale-out suite (1, 2 and 4 partitioned
 * worker processes; it needs ORDERSOURCE_PG_URL and says so without it).
 * `lifecycle` runs only the PostgreSQL suites' order lifecycle (f).
 */

const { values } = parseArgs({
  // pnpm forwards a literal "--" in front of extra arguments.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: { only: { type: 'string' }, quick: { type: 'boolean', default: false } },
});
const only = values.only;
const suites = ['kernel', 'postgres', 'lifecycle', 'scale-out'];
if (only !== undefined && !suites.includes(only)) {
  console.error(`--only takes "kernel", "postgres", "lifecycle" or "scale-out", not "${only}"`);
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

if (only === undefined || only === 'kernel') {
  console.log(`load average before the kernel suites: ${load()}`);
  const { failed } = await runKernelBenchmarks(values.quick ? QUICK : FULL);
  console.log(`\nload average after: ${load()}`);
  console.log(failed === 0 ? 'kernel: every target met' : `kernel: ${failed} target(s) missed`);
}

if (only === undefined || only === 'postgres') {
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

if (only === 'lifecycle') {
  const { runLifecycleBenchmark } = await import('./postgres.js');
  await runLifecycleBenchmark();
}

if (only === undefined || only === 'scale-out') {
  console.log(`\nload average before the scale-out suite: ${load()}`);
  const { runScaleOutBenchmarks } = await import('./scale-out.js');
  await runScaleOutBenchmarks(values.quick ? { events: 2_000, rounds: 1 } : {});
}
