import * as E from 'fp-ts/lib/Either.js';

/**
 * Addresses are checked before anything is sent: a name with a line break is
 * a header injection attempt ("Olga\r\nBcc: victim@x"), an address that is
 * not an e-mail or a number that is not E.164 can never be delivered. Each is
 * a permanent failure named by its field, so it is recorded on the intent
 * once and never retried.
 */
export type Recipient = Readonly<{ address: string; name?: string }>;

export type AddressKind = 'email' | 'e164';

export type RecipientProblem = Readonly<{ field: string; rule: string; value: string }>;

// Any control character (CR, LF, NUL, tab, DEL, the C1 range) or a Unicode line/paragraph separator.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;
// Local part and domain as RFC 5321 allows on the wire, without quoted strings or IP literals.
const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const E164 = /^\+[1-9][0-9]{6,14}$/;

export const checkText = (field: string, value: string): RecipientProblem | undefined =>
  CONTROL.test(value)
    ? { field, rule: 'must not contain line breaks or control characters (header injection)', value }
    : undefined;

export const checkEmail = (field: string, value: string): RecipientProblem | undefined => {
  if (CONTROL.test(value)) return checkText(field, value);
  const local = value.split('@')[0] ?? '';
  if (!EMAIL.test(value) || local.length > 64 || local.startsWith('.') || local.endsWith('.') || local.includes('..'))
    return { field, rule: 'must be an e-mail address (local@domain.tld)', value };
  return undefined;
};

export const checkE164 = (field: string, value: string): RecipientProblem | undefined =>
  E164.test(value)
    ? undefined
    : { field, rule: 'must be an E.164 phone number (+ country code and number, 8 to 15 digits)', value };

export const checkRecipient = (
  recipient: Recipient,
  kind: AddressKind,
  field = 'to',
): E.Either<RecipientProblem, Recipient> => {
  const problem =
    (recipient.name === undefined ? undefined : checkText(`${field}.name`, recipient.name)) ??
    (kind === 'email'
      ? checkEmail(`${field}.address`, recipient.address)
      : checkE164(`${field}.address`, recipient.address));
  return problem === undefined ? E.right(recipient) : E.left(problem);
};

export const describeRecipientProblem = (p: RecipientProblem): string =>
  `${p.field}: ${p.rule} (got ${JSON.stringify(p.value)})`;
