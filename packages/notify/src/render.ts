import * as E from 'fp-ts/lib/Either.js';
import type { MessageFormat } from 'messageformat';
import type { Catalog, CompiledText } from './catalog.js';
import { escapeHtml, htmlDocument } from './html.js';
import { resolveLanguage } from './languages.js';
import { messageValue, type FormatOptions, type TemplateVars } from './values.js';

/**
 * Rendering one message: choose the closest language the template has, turn
 * money and dates into text with Intl in that language, and format each part
 * with MessageFormat. In the plain text, a placeholder is isolated with
 * U+2068..U+2069 (FSI..PDI) where its direction may differ from the text's:
 * every placeholder of a right-to-left message (a Latin name or an order
 * number inside Persian), and in a left-to-right message only a value with
 * right-to-left letters, so English SMS stay plain GSM text. The HTML escapes
 * every part and wraps each placeholder in <bdi>.
 */
export type RenderedMessage = Readonly<{
  template: string;
  language: string;
  dir: 'ltr' | 'rtl';
  subject: string;
  text: string;
  html: string;
  sms: string;
}>;

export type RenderError = Readonly<{ kind: 'render-failed'; template: string; language: string; message: string }>;

export type RenderRequest = Readonly<{ template: string; language: string; vars: TemplateVars }>;

type Parts = ReturnType<MessageFormat['formatToParts']>;

const textOf = (value: unknown): string =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';

/** A formatted part's text: numbers come as sub-parts (integer, group, decimal...). */
const partValue = (part: Parts[number]): string => {
  if ('parts' in part && Array.isArray(part.parts))
    return part.parts.map((p: { value?: unknown }) => textOf(p.value)).join('');
  return 'value' in part ? textOf(part.value) : '';
};

const RTL_LETTER = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]/u;

const toText = (parts: Parts, dir: 'ltr' | 'rtl'): string =>
  parts
    .map((part) => {
      const value = partValue(part);
      if (part.type === 'text' || part.type === 'bidiIsolation') return value;
      return dir === 'rtl' || RTL_LETTER.test(value) ? `\u2068${value}\u2069` : value;
    })
    .join('');

const toHtml = (parts: Parts): string =>
  parts
    .map((part) => {
      if (part.type === 'bidiIsolation') return '';
      if (part.type === 'text') return escapeHtml(partValue(part));
      return `<bdi>${escapeHtml(partValue(part))}</bdi>`;
    })
    .join('');

export const renderMessage = (
  catalog: Catalog,
  request: RenderRequest,
  options: FormatOptions = { timeZone: 'UTC' },
): E.Either<RenderError, RenderedMessage> => {
  const template = catalog.templates.get(request.template);
  const fail = (language: string, message: string) =>
    E.left<RenderError>({ kind: 'render-failed', template: request.template, language, message });
  if (template === undefined) return fail(request.language, `no template named ${request.template}`);
  const language = resolveLanguage(request.language, new Set(template.languages.keys()));
  const texts = template.languages.get(language);
  if (texts === undefined) return fail(language, 'the template has no text in its fallback language');
  for (const name of template.required)
    if (request.vars[name] === undefined) return fail(language, `missing variable $${name}`);
  for (const name of Object.keys(request.vars))
    if (!template.required.has(name) && !template.optional.has(name))
      return fail(language, `unknown variable $${name}`);

  const values: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(request.vars)) values[name] = messageValue(value, language, options);

  const errors: string[] = [];
  const onError = (error: unknown) => errors.push(error instanceof Error ? error.message : String(error));
  const present = (text: CompiledText) => text.condition === undefined || request.vars[text.condition] !== undefined;
  const body = texts.body.filter(present);
  const text = (t: CompiledText) => toText(t.format.formatToParts(values, onError), texts.dir);
  const subject = text(texts.subject);
  const paragraphs = body.map(text);
  const htmlParagraphs = body.map((p) => toHtml(p.format.formatToParts(values, onError)));
  const htmlSubject = toHtml(texts.subject.format.formatToParts(values, onError));
  const sms = texts.sms.filter(present).map(text).join(' ');
  if (errors.length > 0) return fail(language, [...new Set(errors)].join('; '));
  return E.right({
    template: template.id,
    language,
    dir: texts.dir,
    subject,
    text: paragraphs.join('\n\n'),
    html: htmlDocument({ language, dir: texts.dir, subject: htmlSubject, paragraphs: htmlParagraphs }),
    sms,
  });
};
