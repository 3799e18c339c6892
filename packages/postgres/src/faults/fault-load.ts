import * as E from 'fp-ts/lib/Either.js';
import { newId, type AppendResult, type Envelope, type NewEvent } from '@ordersource/core';
import { isStoreError } from '../errors.js';
import type { PostgresEventStore } from '../event-store.js';
import type { OutboxMessage } from '../batch-check.js';
import type { PrivateServer } from './private-server.js';

/**
 * Load for fault tests: writers that append batches while the server is
 * killed, retry a batch that failed with a connection error (same eventIds,
 * same expected version: a batch that was in fact stored comes back as a
 * replay with its original result) and keep a ledger of what was
 * acknowledged; and the check that compares that ledger with the store after
 * recovery.
 */
export type BatchMark = Readonly<{ batch: string; index: number; size: number }>;

export type Acknowledged = Readonly<{ batch: string; eventIds: readonly string[]; result: AppendResult }>;

export type WriterLedger = {
  /** Append calls made, retries included. */
  attempts: number;
  batches: number;
  acknowledged: Acknowledged[];
  /** Rejections with a `connection` error (then retried). */
  connectionErrors: number;
  /** Anything else: a Left, another rejection, a result that does not match the batch. */
  wrong: string[];
  /** When each acknowledgement arrived (ms since epoch), for recovery times. */
  ackTimes: number[];
};

export type BatchPlan = Readonly<{
  streamId: string;
  events: readonly NewEvent[];
  expected: 'no-stream' | 'any' | number;
}>;

/** Make the events of one batch; every event's data carries its `BatchMark`. */
export type EventFactory = (
  streamId: string,
  streamBatch: number,
  mark: (index: number) => BatchMark,
  size: number,
) => NewEvent[];

export const chunkEvents: EventFactory = (_streamId, _streamBatch, mark, size) =>
  Array.from({ length: size }, (_, index) => ({
    event: { type: 'Chunk', data: { ...mark(index), note: `it's; "batch" ${'x'.repeat(index * 20)}` } },
    eventId: newId(),
    occurredAt: '2026-12-01T10:00:00.000Z',
    actor: { kind: 'system' as const, id: 'fault-writer' },
  }));

/**
 * Order histories for the order-summaries projection: a stream's first batch
 * opens with OrderPlaced, every other event is a LineAdded of 100 + index
 * cents, and the stream's last batch ends with OrderConfirmed.
 */
export const orderEvents =
  (batchesPerStream: number): EventFactory =>
  (streamId, streamBatch, mark, size) =>
    Array.from({ length: size }, (_, index) => {
      const data = { ...mark(index), orderId: streamId };
      const event =
        streamBatch === 0 && index === 0
          ? { type: 'OrderPlaced', data: { ...data, customer: `customer of ${streamId}` } }
          : streamBatch === batchesPerStream - 1 && index === size - 1
            ? { type: 'OrderConfirmed', data }
            : { type: 'LineAdded', data: { ...data, cents: 100 + index } };
      return {
        event,
        eventId: newId(),
        occurredAt: '2026-12-01T10:00:00.000Z',
        actor: { kind: 'system' as const, id: 'fault-writer' },
      };
    });

/** The order-summaries table as a fold of the stored events should make it. */
export const foldOrderSummaries = (all: readonly Envelope[]) => {
  const orders = new Map<
    string,
    { order_id: string; customer: string; status: string; lines: number; total: string }
  >();
  const totals = new Map<string, number>();
  for (const { event } of all) {
    const data = event.data as { orderId: string; customer?: string; cents?: number };
    const order = orders.get(data.orderId);
    if (event.type === 'OrderPlaced')
      orders.set(data.orderId, {
        order_id: data.orderId,
        customer: data.customer ?? '',
        status: 'placed',
        lines: 0,
        total: '0',
      });
    else if (order !== undefined && event.type === 'LineAdded') {
      order.lines++;
      totals.set(data.orderId, (totals.get(data.orderId) ?? 0) + (data.cents ?? 0));
      order.total = String(totals.get(data.orderId));
    } else if (order !== undefined && event.type === 'OrderConfirmed') order.status = 'confirmed';
  }
  return [...orders.values()].sort((a, b) => (a.order_id < b.order_id ? -1 : a.order_id > b.order_id ? 1 : 0));
};

export type WriterOptions = Readonly<{
  writers: number;
  /** Stream id prefix, e.g. "fault-". */
  prefix: string;
  /** Batches per stream before the writer opens a new one. */
  batchesPerStream: number;
  events: EventFactory;
  /** Also append to a few streams shared by all writers with expected 'any'. */
  shared?: boolean;
  /** Outbox messages for each batch (uses appendWithOutbox). */
  outbox?: (batch: string) => readonly OutboxMessage[];
}>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Half single events, half batches of 2-20. */
const batchSize = (): number => (Math.random() < 0.5 ? 1 : 2 + Math.floor(Math.random() * 19));

const coherent = (plan: BatchPlan, result: AppendResult): string | undefined => {
  if (result.streamId !== plan.streamId) return `ack names stream ${result.streamId}, appended to ${plan.streamId}`;
  if (result.nextExpectedVersion - result.firstVersion + 1 !== plan.events.length)
    return `ack of ${plan.events.length} events spans ${result.firstVersion}..${result.nextExpectedVersion}`;
  const first = plan.expected === 'no-stream' ? 0 : typeof plan.expected === 'number' ? plan.expected + 1 : undefined;
  if (first !== undefined && result.firstVersion !== first)
    return `ack of a batch expected at ${first} says it starts at ${result.firstVersion}`;
  return undefined;
};

/**
 * Append until `stop()` holds, then finish the batch in hand (retrying until
 * it is acknowledged, for at most `settleMs`).
 */
export const runWriters = async (
  store: PostgresEventStore,
  options: WriterOptions,
  stop: () => boolean,
  settleMs = 60_000,
): Promise<WriterLedger> => {
  const ledger: WriterLedger = {
    attempts: 0,
    batches: 0,
    acknowledged: [],
    connectionErrors: 0,
    wrong: [],
    ackTimes: [],
  };
  const writer = async (w: number) => {
    let stream = 0;
    let streamBatch = 0;
    let version = -1;
    while (!stop() && ledger.wrong.length === 0) {
      const shared = options.shared === true && Math.random() < 0.25;
      const streamId = shared
        ? `${options.prefix}shared-${Math.floor(Math.random() * 3)}`
        : `${options.prefix}w${w}-${stream}`;
      const batch = newId();
      const size = batchSize();
      const mark = (index: number): BatchMark => ({ batch, index, size });
      const plan: BatchPlan = {
        streamId,
        events: options.events(streamId, shared ? -1 : streamBatch, mark, size),
        expected: shared ? 'any' : version < 0 ? 'no-stream' : version,
      };
      ledger.batches++;
      let stopAt: number | undefined;
      for (;;) {
        if (stop()) stopAt ??= Date.now();
        if (stopAt !== undefined && Date.now() - stopAt > settleMs) {
          ledger.wrong.push(`batch ${batch} still failing ${settleMs} ms after the load stopped`);
          return;
        }
        ledger.attempts++;
        try {
          const messages = options.outbox?.(batch) ?? [];
          const result =
            messages.length > 0
              ? await store.appendWithOutbox(plan.streamId, plan.events, plan.expected, messages)
              : await store.append(plan.streamId, plan.events, plan.expected);
          if (E.isLeft(result)) {
            ledger.wrong.push(`batch ${batch}: ${result.left.kind}: ${result.left.message}`);
            return;
          }
          const problem = coherent(plan, result.right);
          if (problem !== undefined) {
            ledger.wrong.push(`batch ${batch}: ${problem}`);
            return;
          }
          ledger.acknowledged.push({ batch, eventIds: plan.events.map((e) => e.eventId), result: result.right });
          ledger.ackTimes.push(Date.now());
          if (!shared) {
            version = result.right.nextExpectedVersion;
            streamBatch++;
            if (streamBatch >= options.batchesPerStream) {
              stream++;
              streamBatch = 0;
              version = -1;
            }
          }
          break;
        } catch (error) {
          if (!isStoreError(error) || error.kind !== 'connection') {
            ledger.wrong.push(`batch ${batch} rejected with a non-connection error: ${String(error)}`);
            return;
          }
          ledger.connectionErrors++;
          await sleep(20 + Math.floor(Math.random() * 30));
        }
      }
    }
  };
  await Promise.all(Array.from({ length: options.writers }, (_, w) => writer(w)));
  return ledger;
};

export type LedgerCheck = Readonly<{
  storedEvents: number;
  acknowledgedEvents: number;
  /** Acknowledged events not in the store. */
  lost: number;
  /** Stored batches with some of their events missing. */
  partial: number;
  /** Acknowledged events stored at other versions than acknowledged. */
  misplaced: number;
  /** Streams whose versions are not 0..n-1. */
  gappy: number;
}>;

/** Compare the ledger with everything the store holds after recovery. */
export const checkLedger = (ledger: WriterLedger, all: readonly Envelope[]): LedgerCheck => {
  const byId = new Map(all.map((envelope) => [envelope.eventId, envelope]));
  let lost = 0;
  let misplaced = 0;
  let acknowledgedEvents = 0;
  for (const ack of ledger.acknowledged) {
    ack.eventIds.forEach((eventId, i) => {
      acknowledgedEvents++;
      const stored = byId.get(eventId);
      if (stored === undefined) lost++;
      else if (stored.streamId !== ack.result.streamId || stored.streamVersion !== ack.result.firstVersion + i)
        misplaced++;
    });
  }
  const batches = new Map<string, { size: number; versions: number[]; streamId: string }>();
  const streams = new Map<string, number[]>();
  for (const envelope of all) {
    const mark = envelope.event.data as BatchMark;
    const entry = batches.get(mark.batch) ?? { size: mark.size, versions: [], streamId: envelope.streamId };
    entry.versions[mark.index] = envelope.streamVersion;
    batches.set(mark.batch, entry);
    const versions = streams.get(envelope.streamId) ?? [];
    versions.push(envelope.streamVersion);
    streams.set(envelope.streamId, versions);
  }
  let partial = 0;
  for (const entry of batches.values()) {
    const whole =
      entry.versions.length === entry.size &&
      entry.versions.every((version, i) => version === (entry.versions[0] ?? 0) + i);
    if (!whole) partial++;
  }
  let gappy = 0;
  for (const versions of streams.values()) {
    const sorted = [...versions].sort((a, b) => a - b);
    if (!sorted.every((version, i) => version === i)) gappy++;
  }
  return { storedEvents: all.length, acknowledgedEvents, lost, partial, misplaced, gappy };
};

export type Outage = Readonly<{ killedAt: number; readyAt: number; restartMs: number }>;

/**
 * `kills` times: let the load run for `runMs`, SIGKILL the server, keep it
 * down for `downMs`, start it again (crash recovery on the same data).
 */
export const killRepeatedly = async (
  server: PrivateServer,
  kills: number,
  runMs: number,
  downMs: number,
): Promise<Outage[]> => {
  const outages: Outage[] = [];
  for (let k = 0; k < kills; k++) {
    await sleep(runMs);
    const killedAt = Date.now();
    await server.crash();
    await sleep(downMs);
    const startAt = Date.now();
    await server.start();
    const readyAt = Date.now();
    outages.push({ killedAt, readyAt, restartMs: readyAt - startAt });
  }
  await sleep(runMs);
  return outages;
};

/** For each outage, ms from the server answering again to the first `times` entry after it. */
export const recoveryTimes = (outages: readonly Outage[], times: readonly number[]): number[] =>
  outages.map((outage) => {
    const first = times.filter((t) => t >= outage.readyAt).reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
    return first === Number.POSITIVE_INFINITY ? -1 : first - outage.readyAt;
  });

/** One stable line per figure set, to be quoted in docs/reliability.md. */
export const figures = (name: string, values: Readonly<Record<string, number | string>>): string =>
  `fault-figures ${name}: ${Object.entries(values)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ')}`;
