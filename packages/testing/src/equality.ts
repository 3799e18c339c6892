/**
 * Structural equality and printing for plain data (objects, arrays, Maps,
 * Sets, primitives): what decider states and events are made of. Frozen or
 * not, and key order, do not matter; `undefined` properties do (a state with
 * `{ note: undefined }` is not the state `{}`), like vitest's toStrictEqual.
 */
export const deepEqual = (a: unknown, b: unknown): boolean => {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map && b instanceof Map) || a.size !== b.size) return false;
    for (const [key, value] of a) if (!b.has(key) || !deepEqual(value, b.get(key))) return false;
    return true;
  }
  if (a instanceof Set || b instanceof Set) {
    if (!(a instanceof Set && b instanceof Set) || a.size !== b.size) return false;
    for (const value of a) if (!b.has(value)) return false;
    return true;
  }
  if (a instanceof Date || b instanceof Date)
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  const recordB = b as Record<string, unknown>;
  const recordA = a as Record<string, unknown>;
  return keysA.every((key) => Object.prototype.hasOwnProperty.call(b, key) && deepEqual(recordA[key], recordB[key]));
};

/** JSON-like text for failure messages; Maps and Sets are shown by their contents. */
export const show = (value: unknown, indent = 2): string => {
  try {
    const text = JSON.stringify(
      value,
      (_key, item: unknown) => {
        if (item instanceof Map) return { '<Map>': [...(item as Map<unknown, unknown>).entries()] };
        if (item instanceof Set) return { '<Set>': [...(item as Set<unknown>).values()] };
        if (item === undefined) return '<undefined>';
        if (typeof item === 'bigint') return `${item.toString()}n`;
        return item;
      },
      indent,
    );
    return text ?? String(value);
  } catch {
    return String(value);
  }
};

/**
 * An assertion failure that vitest renders with a diff of `expected` and
 * `actual` (the chai convention: `showDiff`, `expected`, `actual`).
 */
export const assertionFailure = (message: string, expected?: unknown, actual?: unknown): Error => {
  const error = new Error(message) as Error & { expected?: unknown; actual?: unknown; showDiff?: boolean };
  error.name = 'AssertionError';
  if (expected !== undefined || actual !== undefined) {
    error.expected = expected;
    error.actual = actual;
    error.showDiff = true;
  }
  return error;
};

/** Freeze plain data in place, all the way down (as stores keep event payloads). */
export const deepFreeze = <T>(value: T): T => {
  if (typeof value !== 'object' || value === null) return value;
  Object.freeze(value);
  if (value instanceof Map)
    for (const [key, item] of value as Map<unknown, unknown>) {
      deepFreeze(key);
      deepFreeze(item);
    }
  else if (value instanceof Set) for (const item of value as Set<unknown>) deepFreeze(item);
  else for (const item of Object.values(value)) deepFreeze(item);
  return value;
};
