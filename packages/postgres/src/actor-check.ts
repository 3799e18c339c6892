import * as E from 'fp-ts/lib/Either.js';
import type { Actor } from '@ordersource/core';

/**
 * The common actor shape checked without io-ts (it is on the hot path of every
 * append and every read): exactly the fields an actor may have, of the right
 * types. Anything else goes to core's ActorCodec for the full verdict.
 */
const ACTOR_KINDS = new Set(['admin', 'customer', 'system', 'provider']);
const ACTOR_KEYS = new Set(['kind', 'id', 'companyId', 'name']);

/** The common case without io-ts: exactly the fields an actor may have, of the right types. */
export const plainActor = (value: unknown): E.Either<never, Actor> | undefined => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const actor = value as Record<string, unknown>;
  for (const key in actor) if (!ACTOR_KEYS.has(key)) return undefined;
  const { kind, id, companyId, name } = actor;
  if (typeof kind !== 'string' || !ACTOR_KINDS.has(kind) || typeof id !== 'string' || id.trim() === '')
    return undefined;
  if (companyId !== undefined && (typeof companyId !== 'string' || companyId.trim() === '')) return undefined;
  if (name !== undefined && typeof name !== 'string') return undefined;
  return E.right(actor as Actor);
};
