// The TypeDoc reference (typedoc.json -> docs/api/entries/*.ts) must cover every
// public export of every published package: a new sub-path or package without
// an entry would silently be missing from the reference.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const ENTRIES = join(ROOT, 'docs/api/entries');

type Manifest = { name: string; private?: boolean; exports?: Record<string, { source?: string }> };

/** "packages/<dir>/<source>" of every export whose source exists, of every published package. */
const publicSources = (): string[] =>
  readdirSync(join(ROOT, 'packages'))
    .filter((dir) => existsSync(join(ROOT, 'packages', dir, 'package.json')))
    .flatMap((dir) => {
      const manifest = JSON.parse(readFileSync(join(ROOT, 'packages', dir, 'package.json'), 'utf8')) as Manifest;
      if (manifest.private === true) return [];
      return Object.values(manifest.exports ?? {})
        .map((entry) => entry.source)
        .filter((source): source is string => source !== undefined)
        .map((source) => `packages/${dir}/${source.replace(/^\.\//, '')}`)
        .filter((path) => existsSync(join(ROOT, path)));
    })
    .sort();

/** What each entry file re-exports, as "packages/<dir>/<source>.ts". */
const entrySources = (): string[] =>
  readdirSync(ENTRIES)
    .filter((f) => f.endsWith('.ts'))
    .flatMap((f) =>
      [
        ...readFileSync(join(ENTRIES, f), 'utf8').matchAll(/export \* from '\.\.\/\.\.\/\.\.\/(packages\/[^']+)\.js'/g),
      ].map((m) => `${m[1]}.ts`),
    )
    .sort();

describe('API reference entries', () => {
  it('re-export every public export of every published package, and nothing else', () => {
    expect(publicSources().length).toBeGreaterThan(10);
    expect(entrySources()).toEqual(publicSources());
  });

  it('name each module after its import path', () => {
    for (const f of readdirSync(ENTRIES).filter((name) => name.endsWith('.ts')))
      expect(readFileSync(join(ENTRIES, f), 'utf8')).toMatch(/@module @ordersource\/[a-z-]+(\/[a-z-]+)?\n/);
  });
});
