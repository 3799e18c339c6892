import { isStorableText, STORE_LIMITS } from './store-arguments.js';

/**
 * The in-memory store's copy of a payload the command handler decided: a
 * deep, frozen copy (what `frozenCopy` makes) and the store's check of the
 * data (the walk of `store-arguments.ts`) in one walk. It is stricter than
 * that check, never looser: it takes only plain data (strings JSON keeps,
 * finite numbers, booleans, null, arrays without holes, objects with
 * `Object.prototype` or no prototype and only own keys), nested at most 64
 * deep and within the size the check allows; for anything else it gives
 * `NOT_STORABLE` and the caller takes the path with the full check, which
 * accepts or names the problem.
 */

export const NOT_STORABLE: unique symbol = Symbol('not storable');

const MAX_DEPTH = 64;
// The size estimate of the check's walk: characters, plus 8 per node.
const NODE_COST = 8;

/** Characters left in the current batch's size estimate (the copy is synchronous). */
let budget = 0;

/** Start a batch: its payloads together get the size the store's check allows one append. */
export const startStorableBatch = (): void => {
  budget = STORE_LIMITS.dataChars;
};

const copy = (value: unknown, depth: number): unknown => {
  switch (typeof value) {
    case 'string':
      budget -= value.length + NODE_COST;
      return budget >= 0 && isStorableText(value) ? value : NOT_STORABLE;
    case 'number':
      budget -= NODE_COST;
      return Number.isFinite(value) ? value : NOT_STORABLE;
    case 'boolean':
      budget -= NODE_COST;
      return value;
    case 'object': {
      if (value === null) return null;
      budget -= NODE_COST;
      if (depth >= MAX_DEPTH || budget < 0) return NOT_STORABLE;
      if (Array.isArray(value)) {
        const items: unknown[] = new Array(value.length);
        for (let i = 0; i < value.length; i++) {
          if (!(i in value)) return NOT_STORABLE;
          const item = copy(value[i], depth + 1);
          if (item === NOT_STORABLE || item === undefined) return NOT_STORABLE;
          items[i] = item;
        }
        return Object.freeze(items);
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return NOT_STORABLE;
      const record = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const key in record) {
        // An inherited key or "__proto__" (assigning it would set the copy's prototype): the full path.
        if (key === '__proto__' || !Object.hasOwn(record, key)) return NOT_STORABLE;
        budget -= key.length + NODE_COST;
        if (!isStorableText(key)) return NOT_STORABLE;
        const item = copy(record[key], depth + 1);
        if (item === NOT_STORABLE || item === undefined) return NOT_STORABLE;
        out[key] = item;
      }
      return Object.freeze(out);
    }
    default:
      return NOT_STORABLE;
  }
};

/** The frozen copy of `value` as the store keeps it, or NOT_STORABLE (then check it the full way). Never throws. */
export const storableCopy = <T>(value: T): T | typeof NOT_STORABLE => {
  try {
    return copy(value, 0) as T | typeof NOT_STORABLE;
  } catch {
    // A getter or proxy that throws: the full check reports it as unreadable.
    return NOT_STORABLE;
  }
};
