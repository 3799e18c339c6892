import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The browser of the end-to-end tests: Debian's chromium driven by
 * playwright-core (no browser download). Without it the suites are skipped
 * with a message naming the package, unless ORDERSOURCE_REQUIRE_BROWSER=1
 * (CI), where a missing browser fails the run.
 */
export const CHROMIUM = process.env['ORDERSOURCE_CHROMIUM'] ?? '/usr/bin/chromium';

export type BrowserProbe = Readonly<{ skip: false; executablePath: string } | { skip: true; reason: string }>;

export const probeBrowser = (suite: string): BrowserProbe => {
  if (existsSync(CHROMIUM)) return { skip: false, executablePath: CHROMIUM };
  const reason = `chromium not found at ${CHROMIUM} (apt-get install -y chromium, or set ORDERSOURCE_CHROMIUM)`;
  if (process.env['ORDERSOURCE_REQUIRE_BROWSER'] === '1')
    throw new Error(`${suite}: ORDERSOURCE_REQUIRE_BROWSER=1 but ${reason}`);
  console.warn(`[${suite}] skipped: ${reason}`);
  return { skip: true, reason };
};

/** Screenshots land in examples/shop-api/test-artifacts/ (gitignored), one file per scenario step. */
export const artifactsDir = (): string => {
  const dir = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  return dir;
};
