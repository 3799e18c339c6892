// Every ```ts block of README.md and docs/**/*.md is type-checked and run
// (issue 15: "a renamed export breaks the build, not the reader"). The
// convention for markers is in docs/snippets/README.md.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { docFiles, generate, locate, OUT, ROOT, typeCheck, type Generated } from './compile.js';
import { extractSnippets, groupModules, moduleMode, snippetKey, type ExtractProblem, type Snippet } from './extract.js';
import { knownBroken } from './known-broken.js';

const docs = docFiles();
const all: Snippet[] = [];
const problems: ExtractProblem[] = [];
for (const doc of docs) {
  const found = extractSnippets(doc, readFileSync(join(ROOT, doc), 'utf8'));
  all.push(...found.snippets);
  problems.push(...found.problems);
}
const modules = groupModules(all);
const generated = generate(modules);
const errors = typeCheck(generated);

const keyOf = (g: Generated): string => snippetKey(g.module.parts[0]!);
const title = (g: Generated): string => {
  const first = g.module.parts[0]!;
  const last = g.module.parts[g.module.parts.length - 1]!;
  const span = first === last ? `block ${first.index}` : `blocks ${first.index}-${last.index}`;
  return `${g.module.doc}:${first.line} (${span}, ${moduleMode(g.module)})`;
};

/** Where in the Markdown a run-time error came from, read off the stack. */
const thrownAt = (g: Generated, error: unknown): string => {
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  const escaped = g.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const hit = new RegExp(`${escaped}:(\\d+)`).exec(stack);
  return hit === null ? title(g) : `${g.module.doc}:${locate(g, Number(hit[1]) - 1)}`;
};

/** Type-checks, then (for `run` modules) imports the module; throws what went wrong, located. */
const check = async (g: Generated): Promise<string[]> => {
  const found = errors.get(g.file) ?? [];
  if (found.length > 0) throw new Error(found.map((e) => `${e.where}: ${e.message}`).join('\n'));
  if (moduleMode(g.module) === 'no-run') return [];
  const printed: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    printed.push(args.map(String).join(' '));
  });
  try {
    await import(pathToFileURL(g.file).href);
  } catch (error) {
    throw new Error(`${thrownAt(g, error)} threw when run: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  } finally {
    log.mockRestore();
  }
  return printed;
};

const stale = new Set(Object.keys(knownBroken));

describe('documentation snippets', () => {
  it('finds the docs and their ts blocks, with no unknown markers', () => {
    expect(docs).toContain('README.md');
    expect(docs).toContain('docs/getting-started.md');
    expect(all.length).toBeGreaterThan(10);
    expect(problems).toEqual([]);
  });

  for (const g of generated) {
    const key = keyOf(g);
    const broken = knownBroken[key];
    stale.delete(key);
    if (broken === undefined) it(title(g), async () => void (await check(g)), 30_000);
    // Listed in known-broken.ts: the test passes only while the block still
    // fails, so fixing the doc turns it red until the entry is removed.
    else it.fails(`KNOWN BROKEN, ${broken}: ${title(g)}`, async () => void (await check(g)), 30_000);
  }

  it('lists no known-broken block that no longer exists', () => {
    expect([...stale]).toEqual([]);
  });

  afterAll(() => {
    // ESLint does not skip dot folders: leave nothing for `pnpm lint` to trip on.
    rmSync(OUT, { recursive: true, force: true });
    const fragments = modules.filter((m) => moduleMode(m) === 'fragment').length;
    const listed = Object.keys(knownBroken).length;
    console.warn(
      `snippets: ${all.length} ts blocks in ${docs.length} docs -> ${generated.length} checked modules, ` +
        `${fragments} fragment(s) unchecked, ${listed} known broken (docs/snippets/known-broken.ts)`,
    );
  });
});
