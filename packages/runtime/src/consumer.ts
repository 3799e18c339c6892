import type {
  Checkpoint,
  CheckpointStore,
  Clock,
  Envelope,
  EventFilter,
  EventStore,
  ParkedStore,
} from '@ordersource/core';
import { matchesFilter } from '@ordersource/core';
import { backoffMs, type RetryPolicy, type Waiter } from './retry.js';
import type { LogReader } from './shared-log.js';
import type { Telemetry } from './telemetry.js';

/**
 * One checkpointed consumer of the store (a reactor, or the timer planner):
 * read every event after its checkpoint, hand each to `handle`, move the
 * checkpoint after it (saved every `SAVE_EVERY` events and at the end of
 * each pass). At least once: a crash between `handle` and the save hands
 * the events since the last save over again, so `handle` must be idempotent
 * (reactors send commands with ids derived from the event).
 *
 * A `handle` that throws is tried again with backoff; after the last attempt
 * the event is parked (ParkedStore) for this consumer alone and the
 * checkpoint moves on, so later events and other consumers are not held up.
 * An operator's `retry` on the parked store removes the entry; the next pass
 * sees it gone and hands the event over again.
 */

export type ConsumerKind = 'reactor' | 'projection' | 'timer-planner';

export type Failing = Readonly<{ eventId: string; streamId: string; attempts: number; since: string; error: string }>;

export type ConsumerStatus = Readonly<{
  name: string;
  kind: ConsumerKind;
  checkpoint: Checkpoint | undefined;
  /** Events handled since this process started (redeliveries included). */
  processed: number;
  /** Events after the checkpoint when last measured (0 right after a pass that read to the end). */
  lag: number | undefined;
  /** The event it is failing on now, while it retries. */
  failing?: Failing;
  /** Events parked for it that this process knows of. */
  parked: number;
  lastError?: string;
}>;

export type Consumer = Readonly<{
  name: string;
  kind: ConsumerKind;
  /**
   * Read to the end once; resolves with the number of events handled. Passes never overlap.
   * `lazy` (running workers): the checkpoint is saved at the end only when
   * `saveEveryMs` passed since the last save; `flush` saves the rest.
   */
  pass: (lazy?: boolean) => Promise<number>;
  /** Save the checkpoint if handled events moved it since the last save. */
  flush: () => Promise<void>;
  status: () => ConsumerStatus;
  /** Count the events after the checkpoint (up to `cap`), and remember it as the lag. */
  measureLag: (cap?: number) => Promise<number>;
}>;

export type ConsumerOptions = Readonly<{
  name: string;
  kind: ConsumerKind;
  filter?: EventFilter;
  store: EventStore;
  checkpoints: CheckpointStore;
  parked: ParkedStore;
  clock: Clock;
  retry: RetryPolicy;
  telemetry: Telemetry;
  waiter: Waiter;
  /** True once `stop()` began: the pass ends after the event in hand, without parking it. */
  stopping: () => boolean;
  handle: (raw: Envelope) => Promise<void>;
  spanName: string;
  onParked?: (raw: Envelope, attempts: number, error: string) => void;
  /**
   * The shop's shared reader of the log (shared-log.ts): it hands over every
   * event and the consumer applies its filter, moving its checkpoint over the
   * others. Without it the consumer reads the store itself, filtered.
   */
  log?: LogReader;
  /** A lazy pass saves its checkpoint at its end only this long (real ms) after the last save (default 1,000). */
  saveEveryMs?: number;
  /**
   * Events of different streams a lazy (running) pass handles at once (default 1).
   * Passes of `runUntilIdle` stay one event at a time, in log order.
   */
  concurrency?: number;
}>;

/**
 * The checkpoint is saved after this many events and at the end of every
 * pass, not after each event: one round trip per event per consumer was the
 * largest cost of the order lifecycle on PostgreSQL (issue 18). A crash
 * hands at most this many handled events over again; handlers are
 * idempotent already (reactors derive their command ids from the event).
 */
const SAVE_EVERY = 100;

/*
 * Running workers (`pass(true)`) also keep the end-of-pass save for
 * `saveEveryMs`: a crash then hands over again at most that long's events,
 * which the reactors' derived command ids absorb as duplicates; `stop()`
 * flushes every checkpoint.
 */

const noop = (): void => undefined;

const messageOf = (thrown: unknown): string => (thrown instanceof Error ? thrown.message : String(thrown));

export const createConsumer = (options: ConsumerOptions): Consumer => {
  const { name, kind, store, checkpoints, parked, clock, retry, telemetry } = options;
  let loaded = false;
  let checkpoint: Checkpoint | undefined;
  let processed = 0;
  let lag: number | undefined;
  let failing: Failing | undefined;
  let lastError: string | undefined;
  /** Parked events of this consumer: eventId -> streamId (to find the event again when it is retried). */
  const known = new Map<string, string>();
  let running: Promise<number> = Promise.resolve(0);
  /** Handled events the saved checkpoint does not cover yet (across lazy passes). */
  let unsaved = 0;
  let lastSave = performance.now();
  const saveEveryMs = options.saveEveryMs ?? 1_000;
  const concurrency = options.concurrency ?? 1;

  const readOptions = options.filter === undefined ? undefined : { ...options.filter };

  type Outcome = 'done' | 'parked' | 'stopped';

  const processOne = async (raw: Envelope): Promise<Outcome> => {
    for (let attempt = 1; ; attempt++) {
      try {
        await telemetry.inSpan(
          options.spanName,
          {
            'ordersource.consumer': name,
            'ordersource.event.type': raw.event.type,
            'ordersource.stream.id': raw.streamId,
            'ordersource.attempt': attempt,
          },
          () => options.handle(raw),
        );
        failing = undefined;
        processed++;
        return 'done';
      } catch (thrown) {
        const error = messageOf(thrown);
        lastError = error;
        failing = {
          eventId: raw.eventId,
          streamId: raw.streamId,
          attempts: attempt,
          since: failing?.since ?? clock.now(),
          error,
        };
        if (attempt >= retry.attempts) {
          await parked.park(name, raw, attempt, error, clock.now());
          known.set(raw.eventId, raw.streamId);
          failing = undefined;
          options.onParked?.(raw, attempt, error);
          return 'parked';
        }
        telemetry.retries.add(1, { 'ordersource.consumer': name });
        await options.waiter.wait(backoffMs(retry, attempt));
        if (options.stopping()) return 'stopped';
      }
    }
  };

  const findEvent = async (streamId: string, eventId: string): Promise<Envelope | undefined> => {
    for await (const raw of store.read(streamId)) if (raw.eventId === eventId) return raw;
    return undefined;
  };

  /** Hand over again the parked events an operator retried (their entries are gone from the store). */
  const redeliver = async (): Promise<number> => {
    if (known.size === 0) return 0;
    const still = new Set((await parked.list(name)).map((entry) => entry.eventId));
    let n = 0;
    for (const [eventId, streamId] of [...known]) {
      if (still.has(eventId) || options.stopping()) continue;
      known.delete(eventId);
      const raw = await findEvent(streamId, eventId);
      if (raw === undefined) continue;
      if ((await processOne(raw)) === 'stopped') {
        known.set(eventId, streamId);
        break;
      }
      n++;
    }
    return n;
  };

  const save = async (): Promise<void> => {
    if (unsaved === 0 || checkpoint === undefined) return;
    unsaved = 0;
    lastSave = performance.now();
    await checkpoints.save(name, checkpoint);
  };

  /**
   * A running pass (issue 18): events of different streams are handled side
   * by side, up to `concurrency` at once; the events of one stream still one
   * after another, in order. The checkpoint moves only over a prefix of the
   * log whose events are all done, so a crash hands over at most the window.
   */
  const passSideBySide = async (): Promise<number> => {
    type Slot = { position: Checkpoint; done: boolean; handled: boolean };
    const window: Slot[] = [];
    const byStream = new Map<string, Promise<void>>();
    const inFlight = new Set<Promise<void>>();
    let n = 0;
    let halted = false;
    let failure: { error: unknown } | undefined;
    const settle = (): void => {
      while (window[0]?.done === true) {
        const slot = window.shift()!;
        checkpoint = slot.position;
        if (slot.handled) {
          n++;
          unsaved++;
        }
      }
    };
    const settled = (promise: Promise<void>) => promise.then(noop, noop);
    let toTheEnd = true;
    const source = options.log === undefined ? store.readAll(checkpoint, readOptions) : options.log.read(checkpoint);
    try {
      for await (const raw of source) {
        if (options.stopping() || halted || failure !== undefined) {
          toTheEnd = false;
          break;
        }
        const matching = options.log === undefined || matchesFilter(raw, options.filter);
        const slot: Slot = { position: raw.globalPosition, done: !matching, handled: matching };
        window.push(slot);
        if (matching) {
          const previous = byStream.get(raw.streamId) ?? Promise.resolve();
          const work: Promise<void> = previous.then(async () => {
            if (halted || failure !== undefined) return;
            const outcome = await processOne(raw);
            if (outcome === 'stopped') halted = true;
            else slot.done = true;
          });
          byStream.set(raw.streamId, work);
          inFlight.add(work);
          void work.then(
            () => undefined,
            (error: unknown) => {
              failure ??= { error };
            },
          );
          void settled(work).then(() => {
            inFlight.delete(work);
            if (byStream.get(raw.streamId) === work) byStream.delete(raw.streamId);
            settle();
          });
        }
        settle();
        if (unsaved >= SAVE_EVERY) await save();
        while (inFlight.size >= concurrency) await Promise.race([...inFlight].map(settled));
      }
    } finally {
      await Promise.all([...inFlight].map(settled));
      // Let the clean-ups above run before the last settle.
      await Promise.resolve();
      settle();
    }
    if (failure !== undefined) {
      await save().catch(() => undefined);
      throw failure.error;
    }
    if (performance.now() - lastSave >= saveEveryMs) await save();
    if (toTheEnd && !halted) lag = 0;
    return n;
  };

  const passOnce = async (lazy: boolean): Promise<number> => {
    if (!loaded) {
      checkpoint = await checkpoints.load(name);
      for (const entry of await parked.list(name)) known.set(entry.eventId, entry.streamId);
      loaded = true;
    }
    let n = await redeliver();
    if (lazy && concurrency > 1) return n + (await passSideBySide());
    let toTheEnd = true;
    try {
      const source = options.log === undefined ? store.readAll(checkpoint, readOptions) : options.log.read(checkpoint);
      for await (const raw of source) {
        if (options.stopping()) {
          toTheEnd = false;
          break;
        }
        if (options.log !== undefined && !matchesFilter(raw, options.filter)) {
          // Not for this consumer: nothing to hand over or save, the checkpoint only moves past it.
          checkpoint = raw.globalPosition;
          continue;
        }
        const outcome = await processOne(raw);
        if (outcome === 'stopped') {
          toTheEnd = false;
          break;
        }
        checkpoint = raw.globalPosition;
        n++;
        if (++unsaved >= SAVE_EVERY) await save();
      }
    } catch (thrown) {
      // The events handled before the failure stay done.
      await save().catch(() => undefined);
      throw thrown;
    }
    // Running workers pass after nearly every append: one save per pass was most of their statements (issue 18).
    if (!lazy || performance.now() - lastSave >= saveEveryMs) await save();
    if (toTheEnd) lag = 0;
    return n;
  };

  return {
    name,
    kind,
    pass: (lazy = false) => {
      const once = () => passOnce(lazy);
      running = running.then(once, once);
      return running;
    },
    flush: () => {
      const once = () => save().then(() => 0);
      running = running.then(once, once);
      return running.then(() => undefined);
    },
    status: () => ({
      name,
      kind,
      checkpoint,
      processed,
      lag,
      ...(failing === undefined ? {} : { failing }),
      parked: known.size,
      ...(lastError === undefined ? {} : { lastError }),
    }),
    measureLag: async (cap = 10_000) => {
      const from = loaded ? checkpoint : await checkpoints.load(name);
      let n = 0;
      for await (const _ of store.readAll(from, { ...readOptions, limit: cap })) n++;
      lag = n;
      return n;
    },
  };
};
