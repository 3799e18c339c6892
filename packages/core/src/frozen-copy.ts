import { freeze } from 'immer';
import { deepCopy } from './runtime.js';

/**
 * A deep, frozen copy of plain data (arrays and plain objects all the way
 * down), in one walk. The command handler copies each decided event with it:
 * a decider may build a payload from parts of its state (an invoice from the
 * current lines), and the handler's state is private and mutated in place,
 * so the events must never alias it. Frozen, they also stay what the caller,
 * the store and the commandId log saw: an `evolve` that keeps a payload and
 * mutates it later throws instead of rewriting history.
 *
 * Anything else (Map, Set, Date, class instances) goes through
 * `structuredClone` and immer's deep freeze, which handle them.
 */
export const frozenCopy = <T>(value: T): T => {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const copy: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) copy[i] = frozenCopy(value[i] as unknown);
    return Object.freeze(copy) as T;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return freeze(deepCopy(value), true);
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = frozenCopy((value as Record<string, unknown>)[key]);
    // JSON may carry an own "__proto__" key; assigning it would set the copy's prototype instead.
    if (key === '__proto__')
      Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true, configurable: true });
    else copy[key] = item;
  }
  return Object.freeze(copy) as T;
};

/**
 * A deep, mutable copy of plain data, in one walk: what the command handler
 * starts each new stream's private state from (`structuredClone` costs
 * microseconds even for a small object). Anything but arrays and plain
 * objects goes through `structuredClone`, and so does data nested deeper
 * than any state should be (a cycle included). Plain data is copied as a
 * tree: two references to one object become two copies.
 */
export const mutableCopy = <T>(value: T): T => {
  const copied = copyPlain(value, 0);
  return copied === TOO_DEEP ? deepCopy(value) : (copied as T);
};

const TOO_DEEP: unique symbol = Symbol('too deep');
const MAX_DEPTH = 64;

const copyPlain = (value: unknown, depth: number): unknown => {
  if (typeof value !== 'object' || value === null) return value;
  if (depth > MAX_DEPTH) return TOO_DEEP;
  if (Array.isArray(value)) {
    const copy: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = copyPlain(value[i], depth + 1);
      if (item === TOO_DEEP) return TOO_DEEP;
      copy[i] = item;
    }
    return copy;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return deepCopy(value);
  const copy: Record<string, unknown> = prototype === null ? (Object.create(null) as Record<string, unknown>) : {};
  for (const key of Object.keys(value)) {
    const item = copyPlain((value as Record<string, unknown>)[key], depth + 1);
    if (item === TOO_DEEP) return TOO_DEEP;
    if (key === '__proto__')
      Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true, configurable: true });
    else copy[key] = item;
  }
  return copy;
};
