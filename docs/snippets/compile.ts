// Turns extracted snippets into modules on disk, type-checks them in one
// TypeScript program and says where each error is in the Markdown.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { moduleMode, type SnippetModule } from './extract.js';

export const ROOT = resolve(import.meta.dirname, '../..');
/** Gitignored (the root .gitignore has `.tmp/`). */
export const OUT = join(ROOT, 'docs/snippets/.tmp');

/** README.md and every Markdown file under docs/, except generated API pages. */
export const docFiles = (): string[] => {
  const found: string[] = ['README.md'];
  const walk = (dir: string): void => {
    for (const name of readdirSync(join(ROOT, dir)).sort()) {
      const path = `${dir}/${name}`;
      if (name === 'node_modules' || name.startsWith('.') || path === 'docs/api') continue;
      if (statSync(join(ROOT, path)).isDirectory()) walk(path);
      else if (name.endsWith('.md')) found.push(path);
    }
  };
  walk('docs');
  return found;
};

type Origin = Readonly<{ doc: string; line: number } | { doc: string; setup: true }>;

export type Generated = Readonly<{
  module: SnippetModule;
  file: string;
  /** For each generated line (0-based), where it came from. */
  origins: readonly Origin[];
  /** Imports that name something no package exports. */
  importProblems: readonly string[];
}>;

const exportsOf = (pkg: string): Record<string, { source?: string } | string> | undefined => {
  const manifest = join(ROOT, 'packages', pkg, 'package.json');
  if (!existsSync(manifest)) return undefined;
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: Record<string, { source?: string }> }).exports;
};

/**
 * Workspace imports point at the package's TypeScript source through its
 * exports map (what the `source` condition does for vitest and tsc), so a
 * subpath the package does not export is an error here as it would be for a
 * reader. Relative imports resolve from the Markdown file's folder.
 */
const rewriteSpecifier = (spec: string, doc: string, problems: string[]): string => {
  const ours = /^@ordersource\/([^/]+)(\/.*)?$/.exec(spec);
  if (ours !== null) {
    const [, pkg, sub] = ours as unknown as [string, string, string | undefined];
    const entry = exportsOf(pkg)?.[sub === undefined ? '.' : `.${sub}`];
    const source = typeof entry === 'object' ? entry.source : undefined;
    if (source === undefined) {
      problems.push(`"${spec}" is not exported by any workspace package`);
      return spec;
    }
    return join(ROOT, 'packages', pkg, source);
  }
  if (spec.startsWith('./') || spec.startsWith('../')) {
    const target = resolve(ROOT, dirname(doc), spec);
    const asTs = target.replace(/\.js$/, '.ts');
    return existsSync(asTs) ? asTs : target;
  }
  return spec;
};

const IMPORT = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])([^'"]+)\2/g;

export const generate = (modules: readonly SnippetModule[]): Generated[] => {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  return modules
    .filter((m) => moduleMode(m) !== 'fragment')
    .map((m) => {
      const first = m.parts[0]!;
      const origins: Origin[] = [];
      const lines: string[] = [];
      const problems: string[] = [];
      for (const part of m.parts) {
        if (part.setup !== '')
          for (const l of part.setup.replace(/\n$/, '').split('\n')) {
            lines.push(l);
            origins.push({ doc: m.doc, setup: true });
          }
        part.code.split('\n').forEach((l, i) => {
          lines.push(l);
          origins.push({ doc: m.doc, line: part.line + 1 + i });
        });
      }
      const text = lines
        .map((l) =>
          l.replace(
            IMPORT,
            (_all, head: string, q: string, spec: string) =>
              `${head}${q}${rewriteSpecifier(spec, m.doc, problems)}${q}`,
          ),
        )
        .join('\n');
      const file = join(OUT, `${m.doc.replace(/[/.]/g, '_')}-L${first.line}.ts`);
      // `export {}` makes even an import-free snippet a module with its own scope.
      writeFileSync(file, `${text}\nexport {};\n`);
      return { module: m, file, origins, importProblems: problems };
    });
};

/** The Markdown line of a generated line (0-based), or "setup". */
export const locate = (g: Generated, line0: number): string => {
  const o = g.origins[line0];
  return o === undefined ? String(g.module.parts[0]!.line) : 'setup' in o ? 'snippet-setup' : String(o.line);
};

export type Located = Readonly<{ where: string; message: string }>;

const where = (g: Generated, line0: number): string => {
  const o = g.origins[line0];
  if (o === undefined) return `${g.module.doc}:${g.module.parts[0]!.line}`;
  return 'setup' in o
    ? `${o.doc} (snippet-setup of the block at line ${g.module.parts[0]!.line})`
    : `${o.doc}:${o.line}`;
};

/** Type errors per generated module, located in the Markdown. */
export const typeCheck = (generated: readonly Generated[]): Map<string, Located[]> => {
  const base = ts.readConfigFile(join(ROOT, 'tsconfig.base.json'), (p) => ts.sys.readFile(p));
  const parsed = ts.parseJsonConfigFileContent(base.config, ts.sys, ROOT);
  const options: ts.CompilerOptions = {
    ...parsed.options,
    noEmit: true,
    allowImportingTsExtensions: true,
    // A snippet may import names only to show them.
    noUnusedLocals: false,
    noUnusedParameters: false,
    declaration: false,
    declarationMap: false,
    sourceMap: false,
    types: ['node'],
    typeRoots: [join(ROOT, 'node_modules/@types')],
  };
  const program = ts.createProgram(
    generated.map((g) => g.file),
    options,
  );
  const result = new Map<string, Located[]>();
  for (const g of generated) {
    const sf = program.getSourceFile(g.file);
    const found: Located[] = g.importProblems.map((message) => ({
      where: `${g.module.doc}:${g.module.parts[0]!.line}`,
      message,
    }));
    if (sf !== undefined)
      for (const d of ts.getPreEmitDiagnostics(program, sf)) {
        const line0 = d.start === undefined ? -1 : sf.getLineAndCharacterOfPosition(d.start).line;
        found.push({ where: where(g, line0), message: ts.flattenDiagnosticMessageText(d.messageText, '\n') });
      }
    result.set(g.file, found);
  }
  return result;
};

export const relativeToRoot = (path: string): string => relative(ROOT, path);
