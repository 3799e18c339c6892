import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { derivedId, newId, type Actor } from '@ordersource/core';
import type { Shop } from '../shop/shop.js';
import { problem, type Problem } from './problem.js';
import type { RateLimiter } from './rate-limit.js';
import { SESSION_COOKIE, type Session, type SessionStore } from './sessions.js';

/**
 * What every route reads: the shop, the sessions, the configuration, the
 * login limiter; and the small helpers that turn HTTP into commands
 * (Idempotency-Key -> command id, If-Match -> expected version) and errors
 * into problem documents.
 */

export type AdminAccount = Readonly<{ username: string; name: string; passwordHash: string }>;

export type ShopConfig = Readonly<{
  baseUrl: string;
  admins: readonly AdminAccount[];
  /** HMAC secrets of the payment provider's webhooks (current, and the previous one during a rotation). */
  webhookSecrets: readonly string[];
  webhookToleranceSeconds: number;
  /** Cookies get `Secure` (the default when baseUrl is https). */
  secureCookies: boolean;
  maxJsonBytes: number;
  maxFormBytes: number;
  loginLimit: Readonly<{ attempts: number; windowMs: number }>;
  /** Test hook: the clock webhooks are checked against (unix seconds). */
  nowSeconds?: () => number;
}>;

export type Deps = Readonly<{
  shop: Shop;
  sessions: SessionStore;
  config: ShopConfig;
  /** Per account (user name or e-mail). */
  loginLimiter: RateLimiter;
  /** Per client address: ten times the per-account budget (one office behind one address logs in often). */
  addressLimiter: RateLimiter;
}>;

/** Seconds to wait before another login, or undefined when one is allowed now. */
export const loginWait = (deps: Deps, address: string, account: string): number | undefined =>
  deps.addressLimiter.hit(address) ?? deps.loginLimiter.hit(account);

export const PROBLEM_JSON = 'application/problem+json';

export const sendProblem = (c: Context, p: Problem, headers: Readonly<Record<string, string>> = {}): Response => {
  const body = JSON.stringify({ ...p, instance: p.instance ?? new URL(c.req.url).pathname });
  return new Response(body, { status: p.status, headers: { 'content-type': PROBLEM_JSON, ...headers } });
};

/** The session of a request: a bearer token (API clients) or the session cookie (browsers). */
export const sessionOf = (c: Context, deps: Deps): { session: Session; viaCookie: boolean } | undefined => {
  const auth = c.req.header('authorization');
  if (auth !== undefined && /^Bearer\s+/i.test(auth)) {
    const session = deps.sessions.get(auth.replace(/^Bearer\s+/i, '').trim());
    return session === undefined ? undefined : { session, viaCookie: false };
  }
  const session = deps.sessions.get(getCookie(c, SESSION_COOKIE));
  return session === undefined ? undefined : { session, viaCookie: true };
};

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * The command id of a request: from its Idempotency-Key, scoped to who sent
 * it (two clients choosing the same key do not collide), or a new id.
 */
export const commandIdOf = (c: Context, actor: Actor): string | Problem => {
  const key = c.req.header('idempotency-key');
  if (key === undefined) return newId();
  if (!IDEMPOTENCY_KEY.test(key))
    return problem(
      400,
      'invalid-idempotency-key',
      'Invalid Idempotency-Key',
      'Idempotency-Key must be 1 to 255 visible ASCII characters',
    );
  return derivedId('http', actor.kind, actor.id, key);
};

/** `"v<version>"`: the order stream's version as a strong entity tag. */
export const etagOf = (version: number): string => `"v${version}"`;

/** If-Match -> the expected version; undefined when absent or `*`. */
export const ifMatchOf = (c: Context): number | undefined | Problem => {
  const header = c.req.header('if-match');
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^(?:W\/)?"v(-?\d{1,15})"$/.exec(header.trim());
  if (match === null)
    return problem(400, 'invalid-if-match', 'Invalid If-Match', 'If-Match must be an ETag this API gave out ("v<n>")');
  return Number(match[1]);
};

export const isProblem = (value: unknown): value is Problem =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { status?: unknown }).status === 'number' &&
  typeof (value as { code?: unknown }).code === 'string' &&
  typeof (value as { type?: unknown }).type === 'string';

export const clientAddress = (c: Context): string => {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'unknown';
};

export const nowIso = (): string => new Date().toISOString();
