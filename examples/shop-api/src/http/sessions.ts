import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Actor } from '@ordersource/core';

/**
 * Sessions for admins and customers. A session id is 32 random bytes; the
 * browser holds it in an HttpOnly, SameSite=Lax cookie (Secure when the shop
 * is served over https), an API client sends it as a bearer token. Each
 * session has its own CSRF token, which every browser form posts back
 * (synchronizer token pattern): a cookie alone never authorizes a change.
 * Sessions live in memory and expire after `ttlMs` of inactivity.
 */

export type Session = Readonly<{
  id: string;
  actor: Actor;
  csrf: string;
  /** The customer's language, for portal pages; the admin's own for the admin pages. */
  language: string;
}>;

export type SessionStore = Readonly<{
  create: (actor: Actor, language: string) => Session;
  get: (id: string | undefined) => Session | undefined;
  destroy: (id: string | undefined) => void;
  /** Whether a posted CSRF token is this session's (constant time). */
  csrfMatches: (session: Session, posted: string | undefined) => boolean;
}>;

export const SESSION_COOKIE = 'shop_session';

export const createSessionStore = (ttlMs = 8 * 3600_000, now: () => number = Date.now): SessionStore => {
  const sessions = new Map<string, { session: Session; lastSeen: number }>();
  return {
    create: (actor, language) => {
      const session: Session = {
        id: randomBytes(32).toString('base64url'),
        actor,
        csrf: randomBytes(32).toString('base64url'),
        language,
      };
      sessions.set(session.id, { session, lastSeen: now() });
      return session;
    },
    get: (id) => {
      if (id === undefined) return undefined;
      const entry = sessions.get(id);
      if (entry === undefined) return undefined;
      if (now() - entry.lastSeen > ttlMs) {
        sessions.delete(id);
        return undefined;
      }
      entry.lastSeen = now();
      return entry.session;
    },
    destroy: (id) => {
      if (id !== undefined) sessions.delete(id);
    },
    csrfMatches: (session, posted) => {
      if (posted === undefined) return false;
      const a = Buffer.from(session.csrf);
      const b = Buffer.from(posted);
      return a.length === b.length && timingSafeEqual(a, b);
    },
  };
};
