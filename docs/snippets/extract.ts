// Pulls the fenced ```ts blocks out of Markdown, with the markers that say how
// the snippet test treats each one (docs/snippets/README.md has the convention).

/** How the snippet test treats a block. */
export type SnippetMode = 'run' | 'no-run' | 'fragment';

export type Snippet = Readonly<{
  /** Repository-relative path of the Markdown file, e.g. "docs/orders.md". */
  doc: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** 1-based position among the doc's ts blocks. */
  index: number;
  mode: SnippetMode;
  /** Appended to the previous ts block of the same doc: one module, one scope. */
  continues: boolean;
  /** Hidden setup from an immediately preceding `<!-- snippet-setup ... -->` comment. */
  setup: string;
  code: string;
}>;

export type ExtractProblem = Readonly<{ doc: string; line: number; message: string }>;

const FLAGS = new Set(['no-run', 'fragment', 'continue']);
// The comment right before the fence: its body may not contain `-->`, so an earlier block's setup is never swallowed.
const SETUP = /<!--\s*snippet-setup\s*\n((?:(?!-->)[\s\S])*)-->\s*$/;

/**
 * Every ```ts / ```typescript block of one Markdown text. Unknown words after
 * the language are problems, not ignored: a typo like `no-rn` must not turn a
 * checked snippet into an unchecked one.
 */
export const extractSnippets = (doc: string, markdown: string): { snippets: Snippet[]; problems: ExtractProblem[] } => {
  const lines = markdown.split('\n');
  const snippets: Snippet[] = [];
  const problems: ExtractProblem[] = [];
  let i = 0;
  while (i < lines.length) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)\s*(.*)$/.exec(lines[i]!);
    if (open === null) {
      i += 1;
      continue;
    }
    const [, indent, fence, lang, rest] = open as unknown as [string, string, string, string, string];
    const start = i;
    i += 1;
    const body: string[] = [];
    while (i < lines.length && !new RegExp(`^\\s*${fence[0]}{${fence.length},}\\s*$`).test(lines[i]!)) {
      body.push(lines[i]!.startsWith(indent) ? lines[i]!.slice(indent.length) : lines[i]!);
      i += 1;
    }
    i += 1; // the closing fence
    if (lang !== 'ts' && lang !== 'typescript') continue;
    const words = rest.split(/\s+/).filter((w) => w !== '');
    for (const w of words)
      if (!FLAGS.has(w))
        problems.push({
          doc,
          line: start + 1,
          message: `unknown snippet marker "${w}" (known: ${[...FLAGS].join(', ')})`,
        });
    const mode: SnippetMode = words.includes('fragment') ? 'fragment' : words.includes('no-run') ? 'no-run' : 'run';
    const before = lines.slice(Math.max(0, start - 40), start).join('\n');
    const setup = SETUP.exec(before)?.[1] ?? '';
    snippets.push({
      doc,
      line: start + 1,
      index: snippets.length + 1,
      mode,
      continues: words.includes('continue'),
      setup,
      code: body.join('\n'),
    });
  }
  return { snippets, problems };
};

/** A stable name for a block that survives edits above it: the doc and its first code line. */
export const snippetKey = (s: Pick<Snippet, 'doc' | 'code'>): string =>
  `${s.doc} :: ${
    s.code
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '') ?? ''
  }`;

/** Consecutive `continue` blocks form one module. */
export type SnippetModule = Readonly<{ doc: string; parts: readonly Snippet[] }>;

export const groupModules = (snippets: readonly Snippet[]): SnippetModule[] => {
  const modules: { doc: string; parts: Snippet[] }[] = [];
  for (const s of snippets) {
    const last = modules[modules.length - 1];
    if (s.continues && last !== undefined && last.doc === s.doc) last.parts.push(s);
    else modules.push({ doc: s.doc, parts: [s] });
  }
  return modules;
};

/** The strictest mode of its parts wins: one fragment makes the module unchecked. */
export const moduleMode = (m: SnippetModule): SnippetMode =>
  m.parts.some((p) => p.mode === 'fragment') ? 'fragment' : m.parts.some((p) => p.mode === 'no-run') ? 'no-run' : 'run';
