import type { ParkedEvent, ParkedStore } from './parked-store.js';
import { idProblem } from './store-arguments.js';
import { checkedCall, optionalIdProblem, parkProblem } from './runtime-store-checks.js';

/**
 * Parked events in memory, for tests and single-process apps. One entry per
 * (consumer, event): parking the same event again (it failed once more after
 * a retry) replaces the entry with the latest attempts and error.
 */
const keyOf = (consumer: string, eventId: string): string => JSON.stringify([consumer, eventId]);

export const createInMemoryParkedStore = (): ParkedStore => {
  // Insertion order is parking order; a re-park moves the entry to the end.
  const parked = new Map<string, ParkedEvent>();
  return {
    park: (consumer, envelope, attempts, error, at) =>
      checkedCall('park', parkProblem(consumer, envelope, attempts, error, at), () => {
        const key = keyOf(consumer, envelope.eventId);
        parked.delete(key);
        parked.set(key, {
          consumer,
          eventId: envelope.eventId,
          streamId: envelope.streamId,
          globalPosition: envelope.globalPosition,
          attempts,
          error,
          parkedAt: new Date(Date.parse(at)).toISOString(),
        });
        return Promise.resolve();
      }),
    list: (consumer) =>
      checkedCall('list', optionalIdProblem(consumer, 'consumer'), () =>
        Promise.resolve(
          [...parked.values()]
            .filter((entry) => consumer === undefined || entry.consumer === consumer)
            .map((entry) => ({ ...entry })),
        ),
      ),
    retry: (consumer, eventId) =>
      checkedCall('retry', idProblem(consumer, 'consumer') ?? idProblem(eventId, 'eventId'), () =>
        Promise.resolve(parked.delete(keyOf(consumer, eventId))),
      ),
  };
};
