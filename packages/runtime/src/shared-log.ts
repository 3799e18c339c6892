import type { Checkpoint, Envelope, EventStore } from '@ordersource/core';

/**
 * One reader of the store's global log for every consumer of a shop (issue
 * 18). Each consumer used to read the log on its own: on PostgreSQL every
 * append woke 19 of them and each ran its own window query. Here one fetch
 * (`readAll` after the last event fetched, unfiltered) fills an in-memory
 * tail of the log, and every consumer reads that tail from its own
 * checkpoint; it applies its filter itself.
 *
 * What stays true:
 * - Complete and in order: the tail is a copy of the log from `base` to the
 *   last event fetched, read by the store's own `readAll` (which never skips
 *   an event), so a consumer reading it sees exactly what `readAll` from its
 *   checkpoint would.
 * - Fresh: `mark()` says events may have been appended since (the shop calls
 *   it after each of its own appends, at the start of every `runUntilIdle`
 *   round, and every poll interval for other processes' appends). A read
 *   returns only after a fetch that started after the last mark.
 * - Any checkpoint: a consumer whose checkpoint is not in the tail (behind
 *   it after a restart, or trimmed away) reads the store directly, unfiltered,
 *   until it reaches an event the tail holds, and goes on from the tail.
 *
 * Consumers are given every event, matching their filter or not, so their
 * checkpoints move over the whole log and stay inside the tail.
 */
export type LogReader = Readonly<{
  /** Every event after `after` (from the start when absent), in commit order; ends when caught up. */
  read: (after: Checkpoint | undefined) => AsyncIterable<Envelope>;
}>;

export type SharedLog = Readonly<{
  /** A reader for one consumer (the tail is kept until every reader has passed it). */
  reader: () => LogReader;
  /** Events may have been appended since the last fetch started: the next read fetches again. */
  mark: () => void;
  /** Fetches from the store so far (for tests and the bench's probe). */
  fetches: () => number;
  /** Events held in memory now. */
  size: () => number;
}>;

export type SharedLogOptions = Readonly<{
  /** Events per fetch (default 1,000): a longer backlog is fetched page by page. */
  pageSize?: number;
  /** Trim the tail once it is longer than this and every reader has passed its start (default 2,000). */
  keep?: number;
  /** Never hold more than this; readers left behind read the store directly (default 50,000). */
  cap?: number;
}>;

// A checkpoint is a non-empty text; the start of the log is keyed by a text no store makes.
const START = '\u0000start';
const keyOf = (checkpoint: Checkpoint | undefined): string => checkpoint ?? START;

export const createSharedLog = (store: EventStore, options: SharedLogOptions = {}): SharedLog => {
  const pageSize = options.pageSize ?? 1_000;
  const keep = options.keep ?? 2_000;
  const cap = Math.max(options.cap ?? 50_000, keep);
  /** events[i] is the event at absolute index offset + i; `index` maps a position to its absolute index. */
  let events: Envelope[] = [];
  let offset = 0;
  const index = new Map<string, number>();
  /** The checkpoint the tail starts after (absolute index offset - 1); undefined until the first read. */
  let baseKey: string | undefined;
  let tail: Checkpoint | undefined;
  let started = 0;
  let completed = 0;
  let lastFull = false;
  let staleAfter = 0;
  let inFlight: Promise<void> | undefined;
  /** Each reader's next absolute index (undefined while it reads the store directly). */
  const cursors = new Set<{ next: number | undefined }>();

  const trim = (): void => {
    if (events.length <= keep) return;
    let lowest = offset + events.length;
    for (const cursor of cursors) if (cursor.next !== undefined) lowest = Math.min(lowest, cursor.next);
    // Past the cap, the slowest readers are left to read the store directly.
    const upTo = events.length > cap ? Math.max(lowest, offset + events.length - keep) : lowest;
    const drop = upTo - offset;
    if (drop <= 0) return;
    if (baseKey !== undefined) index.delete(baseKey);
    for (const event of events.slice(0, drop - 1)) index.delete(event.globalPosition);
    // The last dropped event becomes the base: a reader whose checkpoint it is starts at the new offset.
    baseKey = events[drop - 1]!.globalPosition;
    index.set(baseKey, upTo - 1);
    events = events.slice(drop);
    offset = upTo;
  };

  const fetchOnce = async (): Promise<void> => {
    let n = 0;
    for await (const event of store.readAll(tail, { limit: pageSize })) {
      index.set(event.globalPosition, offset + events.length);
      events.push(event);
      tail = event.globalPosition;
      n++;
    }
    lastFull = n >= pageSize;
    trim();
  };

  /** Resolves once a fetch numbered above `need` has completed (one fetch in flight at a time, shared). */
  const fetchAbove = async (need: number): Promise<void> => {
    while (completed <= need) {
      if (inFlight === undefined) {
        const number = ++started;
        inFlight = fetchOnce().then(
          () => {
            completed = number;
            inFlight = undefined;
          },
          (thrown: unknown) => {
            inFlight = undefined;
            throw thrown;
          },
        );
      }
      await inFlight;
    }
  };

  async function* direct(
    after: Checkpoint | undefined,
    cursor: { next: number | undefined },
  ): AsyncGenerator<Envelope> {
    cursor.next = undefined;
    for await (const event of store.readAll(after)) {
      yield event;
      const at = index.get(event.globalPosition);
      if (at !== undefined && at + 1 >= offset) {
        cursor.next = at + 1;
        return;
      }
    }
  }

  async function* read(after: Checkpoint | undefined, cursor: { next: number | undefined }): AsyncGenerator<Envelope> {
    if (baseKey === undefined && events.length === 0) {
      baseKey = keyOf(after);
      index.set(baseKey, offset - 1);
      tail = after;
    }
    let position = after;
    const at = index.get(keyOf(after));
    cursor.next = at !== undefined && at + 1 >= offset ? at + 1 : undefined;
    // Done once a fetch that started after the last mark has completed and its events are read.
    let need = staleAfter;
    for (;;) {
      if (cursor.next === undefined || cursor.next < offset) {
        // Behind the tail (a restart, or trimmed under this reader past the cap): from the store until it meets the tail.
        for await (const event of direct(position, cursor)) {
          position = event.globalPosition;
          yield event;
        }
        // Caught up without meeting the tail (it is behind this reader, or empty): the store said all there was.
        if (cursor.next === undefined) return;
      }
      while (cursor.next < offset + events.length) {
        if (cursor.next < offset) break;
        const event = events[cursor.next - offset]!;
        cursor.next++;
        position = event.globalPosition;
        yield event;
      }
      if (cursor.next < offset) continue;
      if (completed > need) {
        if (!lastFull) return;
        // That fetch filled its page: more is waiting, fetch again.
        need = completed;
      }
      await fetchAbove(need);
    }
  }

  return {
    reader: () => {
      const cursor: { next: number | undefined } = { next: undefined };
      cursors.add(cursor);
      return { read: (after) => read(after, cursor) };
    },
    mark: () => {
      staleAfter = started;
    },
    fetches: () => started,
    size: () => events.length,
  };
};
