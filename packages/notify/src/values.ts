import * as t from 'io-ts';
import { IsoInstant, MoneyCodec, minorUnitExponent, type Money } from '@ordersource/core';

/**
 * What a template variable may hold. Money and instants are kept as data in
 * the intent (so an outbox row stays exact and language-neutral) and turned
 * into text only when rendered, through `Intl`, in the reader's language.
 * Numbers stay numbers so that plurals can select on them.
 */
export type TemplateValue = string | number | Readonly<{ money: Money }> | Readonly<{ date: string }>;
export type TemplateVars = Readonly<Record<string, TemplateValue>>;

export const TemplateValueCodec: t.Type<TemplateValue, TemplateValue, unknown> = t.union([
  t.string,
  t.number,
  t.strict({ money: MoneyCodec }),
  t.strict({ date: IsoInstant }),
]);

export type FormatOptions = Readonly<{ timeZone: string }>;

/**
 * The amount as an exact decimal string ("7000.00"): Intl.NumberFormat
 * formats a decimal string without going through a binary float, so no
 * amount is ever rounded on the way to the customer.
 */
const decimalString = (money: Money): string => {
  const exponent = minorUnitExponent(money.currency) ?? 2;
  const digits = String(Math.abs(money.amount)).padStart(exponent + 1, '0');
  const sign = money.amount < 0 ? '-' : '';
  if (exponent === 0) return `${sign}${digits}`;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
};

// Building an Intl formatter costs far more than using one: keep one per language and currency / zone.
const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

const cached = <F>(cache: Map<string, F>, key: string, make: () => F): F => {
  const found = cache.get(key);
  if (found !== undefined) return found;
  const made = make();
  cache.set(key, made);
  return made;
};

export const formatMoney = (money: Money, language: string): string => {
  const exponent = minorUnitExponent(money.currency) ?? 2;
  const format = cached(
    numberFormats,
    `${language}|${money.currency}`,
    () =>
      new Intl.NumberFormat(language, {
        style: 'currency',
        currency: money.currency,
        minimumFractionDigits: exponent,
        maximumFractionDigits: exponent,
      }),
  );
  // The string overload is exact (ES2023 Intl.NumberFormat v3, Node 20).
  return format.format(decimalString(money) as unknown as number);
};

export const formatDate = (iso: string, language: string, options: FormatOptions): string =>
  cached(
    dateFormats,
    `${language}|${options.timeZone}`,
    () => new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone: options.timeZone }),
  ).format(new Date(iso));

/** The value MessageFormat receives: text for money and dates, numbers and strings as they are. */
export const messageValue = (value: TemplateValue, language: string, options: FormatOptions): string | number => {
  if (typeof value === 'string' || typeof value === 'number') return value;
  if ('money' in value) return formatMoney(value.money, language);
  return formatDate(value.date, language, options);
};
