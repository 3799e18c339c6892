import { createHmac, timingSafeEqual } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';

/**
 * Signed webhooks, for shops that route messages themselves. The signature
 * is HMAC-SHA256 over "<timestamp>.<raw body>", sent as
 *   Ordersource-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>]
 * with one v1 per active secret, so a key can be rotated without a window
 * where either side refuses the other: add the new secret to the sender (both
 * sign), then to the receiver, then retire the old one. The timestamp is
 * inside the signed text, so a replay outside the window fails even with a
 * valid signature.
 */
export const SIGNATURE_HEADER = 'ordersource-signature';
export const IDEMPOTENCY_HEADER = 'idempotency-key';

export const signPayload = (secret: string, timestamp: number, body: string): string =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');

/** The header value for a body, signed with every active secret (one or two during a rotation). */
export const signatureHeader = (secrets: readonly string[], timestamp: number, body: string): string =>
  [`t=${timestamp}`, ...secrets.map((secret) => `v1=${signPayload(secret, timestamp, body)}`)].join(',');

export type VerifyError = Readonly<{
  kind: 'missing-signature' | 'malformed-signature' | 'outside-window' | 'bad-signature';
  message: string;
}>;

export type VerifyOptions = Readonly<{
  /** Secrets the receiver accepts (current and, during a rotation, previous). */
  secrets: readonly string[];
  /** Unix seconds now. */
  now: number;
  /** Largest accepted age (and clock skew) in seconds (default 300). */
  toleranceSeconds?: number;
}>;

const parse = (header: string): { timestamp: number; signatures: string[] } | undefined => {
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const item of header.split(',')) {
    const [key, value] = item.trim().split('=', 2);
    if (key === 't' && value !== undefined && /^[0-9]{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && value !== undefined && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  return timestamp === undefined || signatures.length === 0 ? undefined : { timestamp, signatures };
};

/** The receiver's check: the raw body as received (before any JSON parsing), the header, the secrets. */
export const verifyWebhook = (
  header: string | undefined,
  body: string,
  options: VerifyOptions,
): E.Either<VerifyError, Readonly<{ timestamp: number }>> => {
  if (header === undefined || header === '')
    return E.left({ kind: 'missing-signature', message: `no ${SIGNATURE_HEADER} header` });
  const parsed = parse(header);
  if (parsed === undefined)
    return E.left({
      kind: 'malformed-signature',
      message: `${SIGNATURE_HEADER} must be "t=<seconds>,v1=<hex sha256>"`,
    });
  const tolerance = options.toleranceSeconds ?? 300;
  const age = options.now - parsed.timestamp;
  if (Math.abs(age) > tolerance)
    return E.left({
      kind: 'outside-window',
      message: `signed ${age} s ago, outside the ${tolerance} s window (a replay, or a clock off)`,
    });
  for (const secret of options.secrets) {
    const expected = Buffer.from(signPayload(secret, parsed.timestamp, body), 'hex');
    for (const signature of parsed.signatures)
      if (timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return E.right({ timestamp: parsed.timestamp });
  }
  return E.left({ kind: 'bad-signature', message: 'no signature matches an accepted secret' });
};
