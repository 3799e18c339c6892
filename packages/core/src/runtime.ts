/**
 * The few host facilities the kernel needs, typed here so that core compiles
 * without DOM or Node typings (it must stay runtime-agnostic: no `node:*`).
 */
type Host = {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  structuredClone<T>(value: T): T;
};

const host = globalThis as unknown as Host;

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    host.setTimeout(resolve, ms);
  });

/** Deep copy of plain data. Used where the store must not share objects with callers. */
export const deepCopy = <T>(value: T): T => host.structuredClone(value);

let lastMs = Number.NaN;
let lastIso = '';

/**
 * A wall clock for adapters (store `recordedAt`). Deciders never call it.
 * Formatting a date costs more than an in-memory append, so the string is
 * reused within the same millisecond.
 */
export const nowIso = (): string => isoAt(Date.now());

/** `nowIso` with the clock already read (`ms` since the epoch), reusing the string within a millisecond. */
export const isoAt = (ms: number): string => {
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
};

/**
 * Freeze plain data in place, all the way down. Stops at objects that are
 * already frozen (shared, immutable parts are walked once).
 */
export const deepFreeze = <T>(value: T): T => {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  if (Array.isArray(value)) for (const item of value as unknown[]) deepFreeze(item);
  else for (const key in value) deepFreeze((value as Record<string, unknown>)[key]);
  return value;
};

/**
 * Freeze plain data in place, all the way down, frozen objects included: a
 * frozen object may hold a mutable one. For data known to be a tree (the
 * store's checks refuse cycles and deep nesting before it is called).
 */
export const deepFreezeAll = <T>(value: T): T => {
  if (typeof value !== 'object' || value === null) return value;
  Object.freeze(value);
  if (Array.isArray(value)) for (const item of value as unknown[]) deepFreezeAll(item);
  else for (const key in value) deepFreezeAll((value as Record<string, unknown>)[key]);
  return value;
};
