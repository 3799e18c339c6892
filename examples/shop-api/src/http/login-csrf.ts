import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Login CSRF: before there is a session, a page on another site could post
 * the login (or sign-up) form with the attacker's credentials and log the
 * victim's browser into the attacker's account, where what she types is seen.
 * So the login and sign-up forms carry a pre-session token, a signed
 * double-submit cookie: the page sets a random nonce in an HttpOnly cookie and
 * puts HMAC-SHA256(key, nonce) into the form; the post must bring both, and
 * they must match. Another site can neither read the token nor, without the
 * key, make one for a nonce it planted.
 */

export const LOGIN_CSRF_COOKIE = 'shop_login_csrf';

export type LoginCsrf = Readonly<{
  /** A fresh nonce for the cookie. */
  newNonce: () => string;
  /** Whether a cookie value is a nonce this shop could have made (so it is kept, not replaced). */
  wellFormed: (nonce: string | undefined) => nonce is string;
  /** The form token for a nonce. */
  tokenFor: (nonce: string) => string;
  /** Whether the posted token is the cookie's (constant time); false when either is missing. */
  matches: (nonce: string | undefined, posted: string | undefined) => boolean;
}>;

const NONCE = /^[A-Za-z0-9_-]{43}$/;

/** `key`: the HMAC key (random per process unless given, e.g. shared by the processes of one shop). */
export const createLoginCsrf = (key: Uint8Array = randomBytes(32)): LoginCsrf => {
  const tokenFor = (nonce: string): string => createHmac('sha256', key).update(nonce).digest('base64url');
  const wellFormed = (nonce: string | undefined): nonce is string => nonce !== undefined && NONCE.test(nonce);
  return {
    newNonce: () => randomBytes(32).toString('base64url'),
    wellFormed,
    tokenFor,
    matches: (nonce, posted) => {
      if (!wellFormed(nonce) || posted === undefined) return false;
      const a = Buffer.from(tokenFor(nonce));
      const b = Buffer.from(posted);
      return a.length === b.length && timingSafeEqual(a, b);
    },
  };
};
