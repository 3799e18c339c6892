// Writes docs/requirements.md: every requirement ID of the domain brief with
// the code that implements it, the tests that name it and the guide sections
// that explain it, found by searching the repository for the ID.
//
//   npx tsx scripts/requirements-table.ts          write docs/requirements.md
//   npx tsx scripts/requirements-table.ts --check  exit 1 when the file is stale
//
// The IDs and their one-line summaries come from the brief (env
// ORDERSOURCE_BRIEF, default /work/shared/domain-brief.md) when it is there;
// on a machine without it they are read back from docs/requirements.md itself,
// so the check still finds new and vanished code, tests and guides.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..');
export const TABLE = join(ROOT, 'docs/requirements.md');
export const BRIEF = process.env.ORDERSOURCE_BRIEF ?? '/work/shared/domain-brief.md';

export type Requirement = Readonly<{ id: string; area: string; summary: string }>;
export type GuideSection = Readonly<{ file: string; heading: string; anchor: string }>;
export type Row = Readonly<{
  requirement: Requirement;
  code: readonly string[];
  tests: readonly string[];
  guides: readonly GuideSection[];
}>;

const PREFIXES = ['ORD', 'PAY', 'FUL', 'REC', 'SUB', 'CUS', 'NOT'] as const;
const AREAS: Record<string, string> = {
  ORD: 'Orders',
  PAY: 'Payments',
  FUL: 'Fulfillment',
  REC: 'Fiscal receipts',
  SUB: 'Subscriptions',
  CUS: 'Customers',
  NOT: 'Notifications',
};

/** The first sentence, at most about 110 characters, cut at a word. */
const summaryOf = (body: string): string => {
  const sentence = (/^(.*?\.)(\s|$)/.exec(body)?.[1] ?? body).replace(/\|/g, '/').trim();
  if (sentence.length <= 110) return sentence;
  return `${sentence.slice(0, sentence.lastIndexOf(' ', 110)).replace(/[,;:]$/, '')}…`;
};

/** `- ORD-4  Admin "process order" action: ...` lines of the brief; the summary is its first sentence. */
export const parseBrief = (text: string): Requirement[] => {
  const found: Requirement[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^- ((ORD|PAY|FUL|REC|SUB|CUS|NOT)-\d+)\s+(.*)$/.exec(lines[i]!);
    if (m === null) continue;
    let body = m[3]!;
    for (let j = i + 1; j < lines.length && /^\s{3,}\S/.test(lines[j]!); j++) body += ` ${lines[j]!.trim()}`;
    found.push({ id: m[1]!, area: AREAS[m[2]!]!, summary: summaryOf(body) });
  }
  return found;
};

/** The requirements already in the table (for machines without the brief). */
export const parseTable = (text: string): Requirement[] =>
  [...text.matchAll(/^\| \[?((ORD|PAY|FUL|REC|SUB|CUS|NOT)-\d+)\]?[^|]* \| ([^|]*) \|/gm)].map((m) => ({
    id: m[1]!,
    area: AREAS[m[2]!]!,
    summary: m[3]!.trim(),
  }));

/** IDs a text names: `PAY-5`, and ranges `REC-1..REC-8` / `SUB-1..5` when `ranges` is set. */
export const idsIn = (text: string, ranges: boolean): Set<string> => {
  const ids = new Set<string>();
  const pattern = new RegExp(`\\b(${PREFIXES.join('|')})-(\\d+)(?:\\s*\\.\\.\\s*(?:\\1-)?(\\d+))?(?!\\d)`, 'g');
  for (const m of text.matchAll(pattern)) {
    const from = Number(m[2]);
    const to = ranges && m[3] !== undefined ? Number(m[3]) : from;
    for (let n = from; n <= Math.min(to, from + 20); n++) ids.add(`${m[1]}-${n}`);
  }
  return ids;
};

const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', '.tmp', 'coverage', 'api']);

const walkDisk = (dir: string, out: string[] = []): string[] => {
  for (const name of readdirSync(dir).sort()) {
    if (SKIP_DIRS.has(name) || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walkDisk(path, out);
    else out.push(relative(ROOT, path));
  }
  return out;
};

/**
 * Files under a folder: the ones git tracks when this is a clone (so another
 * engineer's uncommitted work does not change the table), else the disk.
 */
const tracked = ((): string[] | undefined => {
  try {
    return execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 })
      .split('\0')
      .filter((f) => f !== '' && existsSync(join(ROOT, f)))
      .sort();
  } catch {
    return undefined;
  }
})();

const walk = (dir: string): string[] => {
  const prefix = `${relative(ROOT, dir)}/`;
  if (tracked === undefined) return walkDisk(dir);
  return tracked.filter((f) => f.startsWith(prefix) && !f.split('/').some((part) => SKIP_DIRS.has(part)));
};

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
export const anchorOf = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

/** Docs that are generated from code or from this table: citing an ID there is not a guide. */
const SELF_TEST = 'docs/snippets/requirements.test.ts';
const GENERATED_DOCS = new Set(['docs/requirements.md', 'docs/wire-format.md']);

export const buildRows = (requirements: readonly Requirement[]): Row[] => {
  const code = new Map<string, string[]>();
  const tests = new Map<string, string[]>();
  const guides = new Map<string, GuideSection[]>();
  const add = <T>(map: Map<string, T[]>, id: string, value: T): void => {
    const list = map.get(id) ?? [];
    list.push(value);
    map.set(id, list);
  };
  const sources = [...walk(join(ROOT, 'packages')), ...walk(join(ROOT, 'examples'))].filter((f) => f.endsWith('.ts'));
  for (const file of sources) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    if (/\.test\.ts$/.test(file)) for (const id of idsIn(text, false)) add(tests, id, file);
    else for (const id of idsIn(text, true)) add(code, id, file);
  }
  // The table's own test names IDs only to test the table.
  for (const file of walk(join(ROOT, 'docs')).filter((f) => f.endsWith('.test.ts') && f !== SELF_TEST))
    for (const id of idsIn(readFileSync(join(ROOT, file), 'utf8'), false)) add(tests, id, file);
  const docs = ['README.md', ...walk(join(ROOT, 'docs')).filter((f) => f.endsWith('.md') && !GENERATED_DOCS.has(f))];
  for (const file of docs) {
    let heading = '';
    const seen = new Set<string>();
    let inFence = false;
    for (const line of readFileSync(join(ROOT, file), 'utf8').split('\n')) {
      if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
      const h = inFence ? null : /^#{1,6}\s+(.*)$/.exec(line);
      if (h !== null) heading = h[1]!.trim();
      for (const id of idsIn(line, true)) {
        const key = `${id} ${heading}`;
        if (seen.has(key)) continue;
        seen.add(key);
        add(guides, id, { file, heading, anchor: heading === '' ? '' : `#${anchorOf(heading)}` });
      }
    }
  }
  return requirements.map((requirement) => ({
    requirement,
    code: code.get(requirement.id) ?? [],
    tests: tests.get(requirement.id) ?? [],
    guides: guides.get(requirement.id) ?? [],
  }));
};

const link = (file: string): string => `[${file.replace(/^packages\//, '').replace(/\/src\//, '/')}](../${file})`;
const guideLink = (g: GuideSection): string =>
  `[${g.file.replace(/^docs\//, '')}${g.heading === '' ? '' : ` § ${g.heading.replace(/\|/g, '/').replace(/[[\]`]/g, '')}`}](../${g.file}${g.anchor})`;

export const render = (rows: readonly Row[]): string => {
  const missing = rows.filter((r) => r.tests.length === 0).map((r) => r.requirement.id);
  const out: string[] = [
    '# Requirements: from ID to code, tests and guide',
    '',
    '<!-- Generated by scripts/requirements-table.ts from the domain brief and a search of the',
    '     repository for each ID; docs/snippets/requirements.test.ts fails when it is stale',
    '     or when an ID has no test. Regenerate: npx tsx scripts/requirements-table.ts -->',
    '',
    'Every requirement ID of the domain brief (`domain-brief.md`, restating the five seed manuals)',
    'with the files that name it: the code that implements it, the tests that check it (a test',
    'file names the ID in a test title or comment) and the guide sections that explain it.',
    'Search this page for an ID, or search the repository for it: the same ID is in all three.',
    '',
    `${rows.length} requirements; ${rows.length - missing.length} with tests${
      missing.length === 0 ? '' : `; without a test: ${missing.join(', ')}`
    }.`,
    '',
    // Wide generated tables: prettier would pad every cell to the widest one.
    '<!-- prettier-ignore-start -->',
    '',
  ];
  let area = '';
  for (const row of rows) {
    if (row.requirement.area !== area) {
      area = row.requirement.area;
      out.push(`## ${area}`, '', '| ID | requirement | code | tests | guide |', '|---|---|---|---|---|');
    }
    const cell = (items: readonly string[]): string => (items.length === 0 ? '—' : items.join('<br>'));
    out.push(
      `| ${row.requirement.id} | ${row.requirement.summary} | ${cell(row.code.map(link))} | ${cell(
        row.tests.map(link),
      )} | ${cell(row.guides.map(guideLink))} |`,
    );
    if (row === rows[rows.length - 1] || rows[rows.indexOf(row) + 1]!.requirement.area !== area) out.push('');
  }
  out.push('<!-- prettier-ignore-end -->', '');
  return out.join('\n');
};

export const currentRequirements = (): Requirement[] =>
  existsSync(BRIEF)
    ? parseBrief(readFileSync(BRIEF, 'utf8'))
    : existsSync(TABLE)
      ? parseTable(readFileSync(TABLE, 'utf8'))
      : [];

export const generateTable = (): string => render(buildRows(currentRequirements()));

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const table = generateTable();
  if (process.argv.includes('--check')) {
    const current = existsSync(TABLE) ? readFileSync(TABLE, 'utf8') : '';
    if (current !== table) {
      console.error('docs/requirements.md is stale: run npx tsx scripts/requirements-table.ts');
      process.exit(1);
    }
    console.log('docs/requirements.md is current');
  } else {
    writeFileSync(TABLE, table);
    console.log(`wrote docs/requirements.md (${table.split('\n').length} lines)`);
  }
}
