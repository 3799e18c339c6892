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
