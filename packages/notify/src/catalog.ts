import * as E from 'fp-ts/lib/Either.js';
import { MessageFormat, parseMessage, visit, type Model } from 'messageformat';
import { directionOf, fallbackLanguage } from './languages.js';
import {
  paragraphCondition,
  paragraphText,
  type TemplateOverrides,
  type TemplateSpec,
  type TemplateTexts,
} from './template.js';

/**
 * Templates are compiled and checked when the catalog is loaded, so a typo in
 * a shop's override fails at start-up naming the template, the language, the
 * part and the variable, instead of when a customer is waiting for her mail.
 */
export type TemplateProblem = Readonly<{
  template: string;
  language: string;
  part: string;
  message: string;
}>;

export type CompiledText = Readonly<{ source: string; format: MessageFormat; condition?: string }>;

export type CompiledLanguage = Readonly<{
  language: string;
  dir: 'ltr' | 'rtl';
  subject: CompiledText;
  body: readonly CompiledText[];
  sms: readonly CompiledText[];
}>;

export type CompiledTemplate = Readonly<{
  id: string;
  required: ReadonlySet<string>;
  optional: ReadonlySet<string>;
  languages: ReadonlyMap<string, CompiledLanguage>;
}>;

export type Catalog = Readonly<{ templates: ReadonlyMap<string, CompiledTemplate> }>;

export const describeProblem = (p: TemplateProblem): string =>
  `template ${p.template} (${p.language}) ${p.part}: ${p.message}`;

/** The variables a message needs from its caller: every `$name` except those it defines with `.local`. */
const variablesOf = (message: Model.Message): ReadonlySet<string> => {
  const used = new Set<string>();
  const local = new Set<string>();
  visit(message, {
    value: (value) => {
      if (value.type === 'variable') used.add(value.name);
    },
    declaration: (declaration) => {
      if (declaration.type === 'local') local.add(declaration.name);
    },
  });
  return new Set([...used].filter((name) => !local.has(name)));
};

const compileText = (
  spec: TemplateSpec,
  language: string,
  part: string,
  source: string,
  condition: string | undefined,
  problems: TemplateProblem[],
): CompiledText | undefined => {
  const problem = (message: string) => problems.push({ template: spec.id, language, part, message });
  let message: Model.Message;
  let format: MessageFormat;
  try {
    message = parseMessage(source);
    // Bidi isolation is applied by the renderer, per part, so that LTR text stays free of marks (see render.ts).
    format = new MessageFormat(language, message, { bidiIsolation: 'none' });
  } catch (error) {
    problem(`not valid MessageFormat 2: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
  for (const name of variablesOf(message)) {
    if (spec.required.includes(name)) continue;
    if (spec.optional.includes(name)) {
      if (condition !== name)
        problem(`uses optional variable $${name} outside a paragraph that appears only "when: ${name}"`);
      continue;
    }
    problem(
      `references $${name}, which intents for ${spec.id} do not carry (they carry: ${[...spec.required, ...spec.optional].map((v) => `$${v}`).join(', ')})`,
    );
  }
  if (condition !== undefined && !spec.optional.includes(condition))
    problem(`"when: ${condition}" names no optional variable of ${spec.id}`);
  return { source, format, ...(condition === undefined ? {} : { condition }) };
};

const compileLanguage = (
  spec: TemplateSpec,
  language: string,
  texts: Partial<TemplateTexts>,
  problems: TemplateProblem[],
): CompiledLanguage | undefined => {
  const before = problems.length;
  for (const part of ['subject', 'body', 'sms'] as const)
    if (texts[part] === undefined)
      problems.push({ template: spec.id, language, part, message: 'missing (a new language needs all three parts)' });
  if (problems.length > before) return undefined;
  const subject = compileText(spec, language, 'subject', texts.subject ?? '', undefined, problems);
  const list = (part: 'body' | 'sms') =>
    (texts[part] ?? []).map((p, i) =>
      compileText(spec, language, `${part}[${i}]`, paragraphText(p), paragraphCondition(p), problems),
    );
  const body = list('body');
  const sms = list('sms');
  const complete = (texts: readonly (CompiledText | undefined)[]): texts is readonly CompiledText[] =>
    texts.every((text) => text !== undefined);
  if (subject === undefined || !complete(body) || !complete(sms)) return undefined;
  return { language, dir: directionOf(language), subject, sms, body };
};

/**
 * Compile the built-in templates with the shop's overrides merged in
 * (per template, per language, per part). Every problem is collected, not
 * just the first, so one start-up shows everything to fix.
 */
export const loadCatalog = (
  specs: readonly TemplateSpec[],
  overrides: TemplateOverrides = {},
): E.Either<readonly TemplateProblem[], Catalog> => {
  const problems: TemplateProblem[] = [];
  const templates = new Map<string, CompiledTemplate>();
  const known = new Set(specs.map((s) => s.id));
  for (const id of Object.keys(overrides))
    if (!known.has(id))
      problems.push({ template: id, language: '*', part: '*', message: 'overrides a template that does not exist' });
  for (const spec of specs) {
    const languages = new Map<string, CompiledLanguage>();
    const shop = overrides[spec.id] ?? {};
    if (spec.texts[fallbackLanguage] === undefined && shop[fallbackLanguage] === undefined)
      problems.push({
        template: spec.id,
        language: fallbackLanguage,
        part: '*',
        message: 'the fallback language is missing',
      });
    for (const language of new Set([...Object.keys(spec.texts), ...Object.keys(shop)])) {
      const merged = { ...spec.texts[language], ...shop[language] };
      const compiled = compileLanguage(spec, language, merged, problems);
      if (compiled !== undefined) languages.set(language, compiled);
    }
    templates.set(spec.id, {
      id: spec.id,
      required: new Set(spec.required),
      optional: new Set(spec.optional),
      languages,
    });
  }
  return problems.length > 0 ? E.left(problems) : E.right({ templates });
};
