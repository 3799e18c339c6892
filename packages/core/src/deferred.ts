/**
 * A promise with its settle functions, for the `caughtUp` signal every
 * subscription hands out. Its rejection is marked handled: callers that only
 * await `done` must not see an unhandled rejection from `caughtUp`.
 */
export type Deferred = Readonly<{
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}>;

export const deferred = (): Deferred => {
  let resolve: () => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
};
