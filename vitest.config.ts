import { defineConfig } from 'vitest/config';

// One test run over every package. Workspace packages resolve to their
// TypeScript sources through the "source" export condition: no build needed.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'examples/*/src/**/*.test.ts', 'docs/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Suites that share one PostgreSQL server set their own schema names, so files may run in parallel.
    pool: 'forks',
  },
});
