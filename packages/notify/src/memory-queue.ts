import type { AttemptOutcome, Dispatcher } from './dispatcher.js';
import type { MessageIntent } from './intent.js';

/**
 * The in-process queue (the demo, tests, a shop without PostgreSQL): a few
 * workers take ready intents, make one attempt each and put retries back
 * with their backoff delay. An id already waiting or in flight is not queued
 * again, and the dispatcher's ledger stops whatever was sent already.
 */
export type QueueStats = Readonly<{ sent: number; duplicates: number; retries: number; dead: number }>;

export type MemoryQueue = Readonly<{
  enqueue: (...intents: readonly MessageIntent[]) => void;
  /** Resolves when nothing is waiting or in flight (retries included). */
  drain: () => Promise<QueueStats>;
  stats: () => QueueStats;
  /** Called after each attempt (tests and logs). */
  onOutcome: (listener: (intent: MessageIntent, outcome: AttemptOutcome, attempt: number) => void) => void;
}>;

type Item = { intent: MessageIntent; attempt: number; notBefore: number };

export const createMemoryQueue = (
  dispatcher: Dispatcher,
  options: Readonly<{ concurrency?: number; clock?: () => number }> = {},
): MemoryQueue => {
  const concurrency = options.concurrency ?? 4;
  const clock = options.clock ?? Date.now;
  const waiting: Item[] = [];
  const known = new Set<string>();
  const listeners: ((intent: MessageIntent, outcome: AttemptOutcome, attempt: number) => void)[] = [];
  const stats = { sent: 0, duplicates: 0, retries: 0, dead: 0 };
  let running = 0;
  let idle: (() => void)[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;

  const settle = () => {
    if (running > 0 || waiting.length > 0) return;
    const resolvers = idle;
    idle = [];
    for (const resolve of resolvers) resolve();
  };

  const pump = () => {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    const t = clock();
    while (running < concurrency) {
      const index = waiting.findIndex((item) => item.notBefore <= t);
      if (index < 0) break;
      const [item] = waiting.splice(index, 1);
      if (item !== undefined) void work(item);
    }
    if (waiting.length > 0 && running < concurrency) {
      const next = Math.min(...waiting.map((item) => item.notBefore));
      timer = setTimeout(pump, Math.max(0, next - clock()));
    }
    settle();
  };

  const work = async (item: Item) => {
    running++;
    let outcome: AttemptOutcome;
    try {
      outcome = await dispatcher.attempt(item.intent, item.attempt);
    } catch (error) {
      // Only a broken ledger or callback gets here: try again later, like any transient failure.
      outcome = {
        kind: 'retry',
        reason: error instanceof Error ? error.message : String(error),
        delayMs: dispatcher.backoff(item.attempt),
      };
      if (item.attempt >= dispatcher.maxAttempts) outcome = { kind: 'dead', reason: outcome.reason };
    }
    running--;
    for (const listener of listeners) listener(item.intent, outcome, item.attempt);
    if (outcome.kind === 'retry') {
      stats.retries++;
      waiting.push({ intent: item.intent, attempt: item.attempt + 1, notBefore: clock() + outcome.delayMs });
    } else {
      known.delete(item.intent.id);
      if (outcome.kind === 'sent') stats.sent++;
      else if (outcome.kind === 'duplicate') stats.duplicates++;
      else stats.dead++;
    }
    pump();
  };

  return {
    enqueue: (...intents) => {
      for (const intent of intents) {
        if (known.has(intent.id)) continue;
        known.add(intent.id);
        waiting.push({ intent, attempt: 1, notBefore: clock() });
      }
      pump();
    },
    drain: () =>
      new Promise<QueueStats>((resolve) => {
        idle.push(() => resolve({ ...stats }));
        settle();
      }),
    stats: () => ({ ...stats }),
    onOutcome: (listener) => {
      listeners.push(listener);
    },
  };
};
