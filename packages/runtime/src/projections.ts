import {
  createLiveModel,
  matchesFilter,
  type Checkpoint,
  type Clock,
  type Envelope,
  type Event,
  type EventStore,
  type ParkedStore,
  type Projection,
} from '@ordersource/core';
import * as E from 'fp-ts/lib/Either.js';
import type { Consumer, ConsumerStatus } from './consumer.js';
import type { LogReader } from './shared-log.js';
import type { Telemetry } from './telemetry.js';

/**
 * A read model kept in this process: caught up from the start when the shop
 * starts, then following the store. Each pass folds what came since in place
 * (`createLiveModel`, issue 18): the model's records stay the same objects and
 * every entry a batch touched is replaced by a frozen copy, so one event costs
 * the same with 100 or 100,000 orders, and an entry a reader holds never changes.
 * An event the projection cannot decode or fold is parked for it (it is pure:
 * trying again changes nothing) and the model moves on.
 */
export type ProjectionWorker<S> = Consumer &
  Readonly<{
    state: () => S;
  }>;

export type ProjectionWorkerOptions = Readonly<{
  store: EventStore;
  parked: ParkedStore;
  clock: Clock;
  telemetry: Telemetry;
  batchSize?: number;
  /** The shop's shared reader of the log: every event comes, the worker applies the projection's filter. */
  log?: LogReader;
}>;

const messageOf = (thrown: unknown): string => (thrown instanceof Error ? thrown.message : String(thrown));

export const createProjectionWorker = <S, Ev extends Event>(
  projection: Projection<S, Ev>,
  options: ProjectionWorkerOptions,
): ProjectionWorker<S> => {
  const { store, parked, clock, telemetry } = options;
  const batchSize = options.batchSize ?? 500;
  const live = createLiveModel(projection.initialState);
  let checkpoint: Checkpoint | undefined;
  let processed = 0;
  let lag: number | undefined;
  let parkedCount = 0;
  let lastError: string | undefined;
  let running: Promise<number> = Promise.resolve(0);
  const filter = projection.filter === undefined ? undefined : { ...projection.filter };

  const park = async (raw: Envelope, error: string): Promise<void> => {
    lastError = error;
    parkedCount++;
    await parked.park(projection.name, raw, 1, error, clock.now());
  };

  const apply = (batch: readonly (readonly [Envelope, Envelope<Ev>])[]): Promise<void> =>
    telemetry.inSpan(
      'ordersource.projection.batch',
      { 'ordersource.consumer': projection.name, 'ordersource.batch.events': batch.length },
      async () => {
        try {
          live.update((draft) => {
            for (const [, decoded] of batch) projection.evolve(draft, decoded);
          });
        } catch {
          // One of them throws (the fold was rolled back): fold them one by one and park the ones that do.
          for (const [raw, decoded] of batch)
            try {
              live.update((draft) => projection.evolve(draft, decoded));
            } catch (thrown) {
              await park(raw, messageOf(thrown));
            }
        }
        processed += batch.length;
      },
    );

  const passOnce = async (): Promise<number> => {
    let n = 0;
    let batch: (readonly [Envelope, Envelope<Ev>])[] = [];
    const flush = async (upTo: Checkpoint | undefined): Promise<void> => {
      if (batch.length > 0) await apply(batch);
      n += batch.length;
      batch = [];
      if (upTo !== undefined) checkpoint = upTo;
    };
    let last: Checkpoint | undefined;
    const log = options.log;
    const source = log === undefined ? store.readAll(checkpoint, filter) : log.read(checkpoint);
    for await (const raw of source) {
      if (log !== undefined && !matchesFilter(raw, filter)) {
        last = raw.globalPosition;
        continue;
      }
      const decoded = projection.decode(raw);
      if (E.isLeft(decoded)) await park(raw, decoded.left.message);
      else batch.push([raw, decoded.right]);
      last = raw.globalPosition;
      if (batch.length >= batchSize) await flush(last);
    }
    await flush(last);
    lag = 0;
    return n;
  };

  return {
    name: projection.name,
    kind: 'projection',
    state: () => live.view(),
    pass: () => {
      running = running.then(passOnce, passOnce);
      return running;
    },
    // An in-memory model keeps no checkpoint anywhere else: nothing to save.
    flush: () => Promise.resolve(),
    status: (): ConsumerStatus => ({
      name: projection.name,
      kind: 'projection',
      checkpoint,
      processed,
      lag,
      parked: parkedCount,
      ...(lastError === undefined ? {} : { lastError }),
    }),
    measureLag: async (cap = 10_000) => {
      let count = 0;
      for await (const _ of store.readAll(checkpoint, { ...filter, limit: cap })) count++;
      lag = count;
      return count;
    },
  };
};
