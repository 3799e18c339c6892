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

/** A wall clock for adapters (store `recordedAt`). Deciders never call it. */
export const nowIso = (): string => new Date().toISOString();
