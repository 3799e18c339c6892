/**
 * Login attempts per key (the client address, and the account named) in a
 * sliding window: more than `limit` within `windowMs` is refused with 429
 * and a Retry-After, before any password is hashed. The customer decider's
 * own lockout (five failures) still applies per account; this guards the
 * server's CPU (scrypt) and slows guessing across many accounts.
 */
export type RateLimiter = Readonly<{
  /** Count one attempt; undefined when allowed, else the seconds to wait. */
  hit: (key: string) => number | undefined;
}>;

export const createRateLimiter = (limit: number, windowMs: number, now: () => number = Date.now): RateLimiter => {
  const hits = new Map<string, number[]>();
  return {
    hit: (key) => {
      const at = now();
      const recent = (hits.get(key) ?? []).filter((t) => at - t < windowMs);
      if (recent.length >= limit) {
        hits.set(key, recent);
        return Math.max(1, Math.ceil((windowMs - (at - (recent[0] ?? at))) / 1000));
      }
      recent.push(at);
      hits.set(key, recent);
      if (hits.size > 100_000) hits.clear();
      return undefined;
    },
  };
};
