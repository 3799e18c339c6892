/**
 * Wake-ups for followers: an append in this process wakes them at once,
 * LISTEN/NOTIFY wakes them for appends from other processes, and a timeout
 * makes them poll anyway, so a lost notification (or no listener at all)
 * only costs latency, never an event.
 */
export type Wakeup = Readonly<{
  wake: () => void;
  /** Resolves on the next wake or after `ms`. */
  wait: (ms: number) => Promise<void>;
}>;

export const createWakeup = (): Wakeup => {
  const waiting = new Set<() => void>();
  return {
    wake: () => {
      const all = [...waiting];
      waiting.clear();
      for (const resolve of all) resolve();
    },
    wait: (ms) =>
      new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiting.delete(done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        waiting.add(done);
      }),
  };
};
