import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { NonEmptyString, decode, validationError, type ValidationError } from '@ordersource/core';
import { TemplateValueCodec, type TemplateVars } from './values.js';
import type { Recipient } from './recipient.js';

/**
 * One message to send: the adapter-side form of the domain's notifications.
 * The domain decides *that* a customer or the shop is told (NOT-1, NOT-2);
 * an intent says *what* goes *where*: one template, one channel, one
 * recipient, the variables, and where to record that it went (NOT-3). Its
 * `id` is the idempotency key: the e-mail's Message-ID, the SMS gateway's and
 * the webhook's request key, and the ledger's key; it derives from the event
 * that caused it, so every re-run produces the same id.
 *
 * `channel` is what the history records (NOT-3: e-mail, SMS or fax). Which
 * adapter carries it is configuration: SMTP for e-mail, or a signed webhook
 * for a shop that routes messages itself, or the console in development.
 */
export type Channel = 'email' | 'sms' | 'fax';

export type MessageIntent = Readonly<{
  id: string;
  template: string;
  channel: Channel;
  audience: 'customer' | 'admin';
  to: Recipient;
  language: string;
  vars: TemplateVars;
  /** ORD-4 / NOT-2: keep the rendered message (ec2Biz "保留郵件副本"). */
  keepCopy: boolean;
  /** NOT-3: the stream to record the send on, and what it reported (a status label or an event type). */
  record?: Readonly<{ streamId: string; about?: string }>;
}>;

export const ChannelCodec = t.keyof({ email: null, sms: null, fax: null }, 'Channel');

/** The shape of an intent arriving as data; `decodeIntent` adds the refusal of unknown fields. */
export const MessageIntentCodec: t.Type<MessageIntent, MessageIntent, unknown> = t.intersection(
  [
    t.strict({
      id: NonEmptyString,
      template: NonEmptyString,
      channel: ChannelCodec,
      audience: t.keyof({ customer: null, admin: null }),
      to: t.intersection([t.strict({ address: NonEmptyString }), t.exact(t.partial({ name: t.string }))]),
      language: NonEmptyString,
      vars: t.record(t.string, TemplateValueCodec),
      keepCopy: t.boolean,
    }),
    t.exact(
      t.partial({
        record: t.intersection([t.strict({ streamId: NonEmptyString }), t.exact(t.partial({ about: NonEmptyString }))]),
      }),
    ),
  ],
  'MessageIntent',
);

const allowed: Readonly<Record<string, readonly string[]>> = {
  '': ['id', 'template', 'channel', 'audience', 'to', 'language', 'vars', 'keepCopy', 'record'],
  to: ['address', 'name'],
  record: ['streamId', 'about'],
};

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);

/** io-ts' strict codecs drop unknown keys silently; an intent with `adress` must be refused, not sent nowhere. */
const unknownKeys = (input: unknown): readonly string[] => {
  if (!isObject(input)) return [];
  const out: string[] = [];
  const check = (value: unknown, path: string, keys: readonly string[]) => {
    if (!isObject(value)) return;
    for (const key of Object.keys(value)) if (!keys.includes(key)) out.push(path === '' ? key : `${path}.${key}`);
  };
  check(input, '', allowed[''] ?? []);
  check(input['to'], 'to', allowed['to'] ?? []);
  check(input['record'], 'record', allowed['record'] ?? []);
  if (isObject(input['vars']))
    for (const [name, value] of Object.entries(input['vars'])) {
      if (isObject(value) && 'money' in value) {
        check(value, `vars.${name}`, ['money']);
        check(value['money'], `vars.${name}.money`, ['amount', 'currency']);
      } else if (isObject(value)) check(value, `vars.${name}`, ['date']);
    }
  return out;
};

/** Decode an intent from outside (an outbox row, a queue): every failing or unknown field is named. */
export const decodeIntent = (input: unknown): E.Either<ValidationError, MessageIntent> => {
  const unknown = unknownKeys(input);
  if (unknown.length > 0)
    return E.left(
      validationError(
        'MessageIntent',
        unknown.map((path) => ({ path, rule: 'unknown field', value: undefined, message: `${path}: unknown field` })),
      ),
    );
  return decode(MessageIntentCodec, 'MessageIntent')(input);
};
