/**
 * HTML built only through `html`: every interpolated value is escaped unless
 * it is itself `Html` (made by `html` or, for markup the server produced
 * itself, `trusted`). A hostile customer name, note or address cannot open a
 * tag or leave an attribute, wherever it lands.
 */

export type Html = Readonly<{ __html: string }>;

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

export const escapeHtml = (text: string): string => text.replace(/[&<>"'`]/g, (ch) => ESCAPES[ch] ?? ch);

/** Markup the server made itself (a QR code image's data URL inside our own tag). Never user input. */
export const trusted = (markup: string): Html => ({ __html: markup });

const isHtml = (value: unknown): value is Html =>
  typeof value === 'object' && value !== null && typeof (value as { __html?: unknown }).__html === 'string';

type Value = Html | string | number | boolean | null | undefined | readonly Value[];

const render = (value: Value): string => {
  if (value === null || value === undefined || value === false) return '';
  if (value === true) return '';
  if (Array.isArray(value)) return (value as readonly Value[]).map(render).join('');
  if (isHtml(value)) return value.__html;
  return escapeHtml(typeof value === 'number' ? String(value) : (value as string));
};

export const html = (strings: TemplateStringsArray, ...values: readonly Value[]): Html => {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? '');
  });
  return { __html: out };
};

export const toString = (page: Html): string => page.__html;
