/**
 * One queue per key: work for the same order stream runs one at a time in
 * this process, so a command and the policies that follow it are not
 * interleaved with another request for that order. (Between processes the
 * store arbitrates: the handler appends with the version it read, and an
 * If-Match is that expected version.)
 */
export const createKeyedLock = () => {
  const tails = new Map<string, Promise<unknown>>();
  return async <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const before = tails.get(key) ?? Promise.resolve();
    const run = before.then(work, work);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
};
