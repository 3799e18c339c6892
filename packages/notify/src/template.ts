/**
 * A template: what one kind of message says, in each language, as Unicode
 * MessageFormat 2 sources. The body is a list of paragraphs so that the
 * plain-text and HTML parts come from the same translated text (one
 * translation to keep right, not two). A paragraph with `when` appears only
 * when that optional variable is given (a tracking number, an admin's note).
 */
export type Paragraph = string | Readonly<{ when: string; text: string }>;

export type TemplateTexts = Readonly<{
  subject: string;
  body: readonly Paragraph[];
  /** The short form sent by SMS, sentences joined by a space; `when` works as in the body. */
  sms: readonly Paragraph[];
}>;

export type TemplateSpec = Readonly<{
  id: string;
  /** Every intent for this template carries these. */
  required: readonly string[];
  /** Present on some intents; referenced only inside a paragraph `when` that names it. */
  optional: readonly string[];
  /** Per language tag; English must be complete (it is the last fallback). */
  texts: Readonly<Record<string, TemplateTexts>>;
}>;

/** A shop's changes: any part of any template, in any language (a new language must give all three parts). */
export type TemplateOverrides = Readonly<Record<string, Readonly<Record<string, Partial<TemplateTexts>>>>>;

export const paragraphText = (paragraph: Paragraph): string =>
  typeof paragraph === 'string' ? paragraph : paragraph.text;
export const paragraphCondition = (paragraph: Paragraph): string | undefined =>
  typeof paragraph === 'string' ? undefined : paragraph.when;
