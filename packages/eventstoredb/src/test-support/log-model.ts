import type {
  ClientEventData,
  ClientPosition,
  ClientReadAllOptions,
  ClientResolvedEvent,
  ClientSubscribeToAllOptions,
  ClientSubscription,
  EventStoreDbClient,
} from '../client.js';
import { comparePositions } from '../position.js';
import { asRecorded } from './recorded.js';

/**
 * A model of `$all` for testing the adapter's reading and following logic:
 * an ordered log, `readAll` forwards (from a position, inclusive) and
 * backwards, and `subscribeToAll` that sends what follows a position, then
 * waits for more. `drop()` makes every open subscription fail once, as a
 * leader election would. It is not a server; filters are ignored (the
 * adapter must apply its own, as it does for the old client).
 */
export type LogModel = Readonly<{
  client: EventStoreDbClient;
  write: (streamId: string, event: ClientEventData) => void;
  writeSystem: (streamId: string, type: string) => void;
  drop: () => void;
  subscriptions: () => number;
}>;

type Waiter = () => void;

export const logModel = (): LogModel => {
  const log: ClientResolvedEvent[] = [];
  const revisions = new Map<string, bigint>();
  const waiters = new Set<Waiter>();
  let drops = new Set<Waiter>();
  let opened = 0;

  const append = (streamId: string, written: ClientEventData) => {
    const revision = revisions.get(streamId) ?? 0n;
    revisions.set(streamId, revision + 1n);
    const at = BigInt(100 * (log.length + 1));
    log.push({ event: asRecorded(streamId, written, revision, { commit: at, prepare: at }) });
    for (const wake of waiters) wake();
  };

  const after = (position: ClientSubscribeToAllOptions['fromPosition'], inclusive: boolean): number => {
    if (position === undefined || position === 'start') return 0;
    if (position === 'end') return log.length;
    const index = log.findIndex((e) => {
      const p = e.event?.position as ClientPosition;
      const order = comparePositions(p, position);
      return inclusive ? order >= 0 : order > 0;
    });
    return index < 0 ? log.length : index;
  };

  async function* readAll(options: ClientReadAllOptions): AsyncIterable<ClientResolvedEvent> {
    const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    if (options.direction === 'backwards') {
      yield* log.slice(-max).reverse();
      return;
    }
    const start = after(options.fromPosition, true);
    yield* log.slice(start, start + max);
  }

  const subscribeToAll = (options: ClientSubscribeToAllOptions): ClientSubscription => {
    opened++;
    let cursor = after(options.fromPosition, false);
    let closed = false;
    let failed = false;
    let wake: Waiter = () => undefined;
    const fail: Waiter = () => {
      failed = true;
      wake();
    };
    drops.add(fail);
    const iterate = async function* (): AsyncGenerator<ClientResolvedEvent> {
      try {
        for (;;) {
          while (cursor < log.length && !closed && !failed) yield log[cursor++] as ClientResolvedEvent;
          if (failed) throw Object.assign(new Error('14 UNAVAILABLE: leader changed'), { type: 'unavailable' });
          if (closed) return;
          await new Promise<void>((resolve) => {
            wake = resolve;
            waiters.add(resolve);
          });
          waiters.delete(wake);
        }
      } finally {
        drops.delete(fail);
      }
    };
    const iterator = iterate();
    return {
      [Symbol.asyncIterator]: () => iterator,
      unsubscribe: () => {
        closed = true;
        wake();
        return Promise.resolve();
      },
    };
  };

  const unused = (): never => {
    throw new Error('not modelled');
  };

  return {
    client: {
      appendToStream: unused,
      readStream: unused,
      readAll,
      subscribeToAll,
      createPersistentSubscriptionToAll: unused,
      subscribeToPersistentSubscriptionToAll: unused,
      deletePersistentSubscriptionToAll: unused,
      dispose: () => Promise.resolve(),
    },
    write: append,
    writeSystem: (streamId, type) =>
      append(streamId, {
        id: '00000000-0000-4000-8000-000000000000',
        contentType: 'application/json',
        type,
        data: {},
        metadata: {},
      }),
    drop: () => {
      const current = drops;
      drops = new Set();
      for (const fail of current) fail();
    },
    subscriptions: () => opened,
  };
};
