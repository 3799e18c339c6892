import * as t from 'io-ts';
import { markExactIs } from './identity-guard.js';

/**
 * Who did it. Every command carries an actor and every event keeps it, so the
 * history can say "admin ann confirmed the payment" (ORD-5). A customer may
 * belong to a company; company contacts see the company's documents (CUS-2).
 */
export type ActorKind = 'admin' | 'customer' | 'system' | 'provider';

export type Actor = Readonly<{
  kind: ActorKind;
  id: string;
  /** For customers who are contacts of a company (CUS-2). */
  companyId?: string;
  /** Display name, for history views. */
  name?: string;
}>;

/**
 * Whether `s` holds anything but white space, as `s.trim().length > 0`. A
 * string that starts with a printable ASCII character is answered without
 * `trim` (which copies): ids and names nearly always do, and this check runs
 * on every id of every event a cache miss decodes (issue 18).
 */
export const notBlank = (s: string): boolean => {
  const first = s.charCodeAt(0);
  return (first > 0x20 && first < 0x7f) || s.trim().length > 0;
};

// `is` holds exactly when `validate` succeeds, with the input itself: the decode fast path calls `is` (identity-guard.ts).
export const NonEmptyString = markExactIs(
  new t.Type<string, string, unknown>(
    'NonEmptyString',
    (u): u is string => typeof u === 'string' && notBlank(u),
    (u, c) => (typeof u === 'string' && notBlank(u) ? t.success(u) : t.failure(u, c)),
    t.identity,
  ),
);

export const ActorKindCodec = t.keyof({ admin: null, customer: null, system: null, provider: null }, 'ActorKind');

export const ActorCodec: t.Type<Actor, Actor, unknown> = t.intersection(
  [
    t.strict({ kind: ActorKindCodec, id: NonEmptyString }),
    t.exact(t.partial({ companyId: NonEmptyString, name: t.string })),
  ],
  'Actor',
);

export const systemActor = (id = 'system'): Actor => ({ kind: 'system', id });
