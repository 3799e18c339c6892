import {
  createCommandHandler,
  createEnvelopeDecoder,
  createInMemoryEventStore,
  createInMemorySnapshotStore,
  type EventStore,
} from '@ordersource/core';
import { decodeOrderEnvelope, orderDecider, orderExamples, orderStreamId } from '@ordersource/domain';
import * as E from 'fp-ts/lib/Either.js';
import { cpuUsage } from 'node:process';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { cartDecider, cartEventCodec, type CartCommand, type CartState } from '../cart.js';
import { cartCommands, cartWorkload } from '../cart-workload.js';
import { median } from '../harness.js';

/**
 * Growth, in memory: how a cache-miss load grows with the stream's length,
 * with and without snapshots (it should stay flat with them), what the first
 * command after a snapshot load costs (it looks up the commands older than the
 * snapshot's window, once), and how much heap one cached cart costs the
 * handler. Absolute figures (CPU ms, bytes): they are read as a curve, not as
 * a ratio.
 */

export const GROWTH_LENGTHS = [1_000, 10_000, 100_000] as const;
const SNAPSHOT_EVERY = 1_000;
const decodeEnvelope = createEnvelopeDecoder(cartEventCodec);

export type LoadGrowth = Readonly<{
  events: number;
  plainMs: number;
  snapshotMs: number;
  /** A new command right after a cache-miss load from a snapshot (the look-up of older commands included). */
  firstCommandMs: number;
}>;
export type MemoryGrowth = Readonly<{
  carts: number;
  bytesPerCart: number | undefined;
  orders: number;
  /** One placed order of the domain (3 lines, addresses, payment method): state + commandId index. */
  bytesPerOrder: number | undefined;
}>;
export type Growth = Readonly<{ loads: readonly LoadGrowth[]; memory: MemoryGrowth }>;

/** The engine's gc, exposed for this process even when node was started without --expose-gc. */
export const collectGarbage = (): (() => void) | undefined => {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
};

const fill = async (store: EventStore, streamId: string, events: number, snapshots: boolean) => {
  const snapshotStore = createInMemorySnapshotStore<CartState>();
  const policy = snapshots ? { snapshots: { store: snapshotStore, every: SNAPSHOT_EVERY, schemaVersion: 1 } } : {};
  const handler = createCommandHandler({ store, decider: cartDecider, decodeEnvelope, ...policy });
  for (const command of cartCommands(`customer-${streamId}`, events, 25)) {
    // The confirm is left out: the stream stays open, as a long-lived stream would.
    if (command.type === 'ConfirmCart') break;
    const handled = await handler.handle(streamId, command);
    if (E.isLeft(handled)) throw new Error(handled.left.message);
  }
  return handler;
};

/** CPU ms of `body`: on a shared machine it ignores the moments this process waited for a core. */
const cpuMs = async <A>(body: () => Promise<A>): Promise<readonly [number, A]> => {
  const start = cpuUsage();
  const result = await body();
  const used = cpuUsage(start);
  return [(used.user + used.system) / 1000, result];
};

/**
 * Median CPU ms of a cache-miss `load`, and (with `commands`) of the first
 * command after it: each round evicts, loads, then handles one new command.
 */
const timeLoads = async (
  handler: Awaited<ReturnType<typeof fill>>,
  streamId: string,
  rounds: number,
  commands?: readonly CartCommand[],
) => {
  const loads: number[] = [];
  const firsts: number[] = [];
  for (let i = 0; i <= rounds; i++) {
    handler.evict(streamId);
    const [loadMs, loaded] = await cpuMs(() => handler.load(streamId));
    if (E.isLeft(loaded)) throw new Error(loaded.left.message);
    const command = commands?.[i];
    if (command !== undefined) {
      const [commandMs, handled] = await cpuMs(() => handler.handle(streamId, command));
      if (E.isLeft(handled)) throw new Error(handled.left.message);
      if (handled.right.duplicate) throw new Error('the first command after a load was taken for a duplicate');
      if (i > 0) firsts.push(commandMs);
    }
    if (i > 0) loads.push(loadMs);
  }
  return { loadMs: median(loads), firstCommandMs: firsts.length > 0 ? median(firsts) : Number.NaN };
};

/** Heap one cached placed order costs a handler, measured as `memoryPerCart` measures a cart. */
const memoryPerOrder = async (orders: number, gc: () => void): Promise<number> => {
  const store = createInMemoryEventStore();
  const places = Array.from({ length: orders }, (_, i) =>
    orderExamples.command(
      'PlaceOrder',
      orderExamples.sampleCheckout({ orderId: `o-${i}`, orderNumber: `SO-${i}`, paymentId: `pay-${i}` }),
      '2026-11-24T10:00:00Z',
      orderExamples.actors.customer,
    ),
  );
  const writer = createCommandHandler({ store, decider: orderDecider, decodeEnvelope: decodeOrderEnvelope });
  for (const [i, place] of places.entries()) {
    const handled = await writer.handle(orderStreamId(`o-${i}`), place);
    if (E.isLeft(handled)) throw new Error(handled.left.message);
  }
  writer.evict();
  const reader = createCommandHandler({
    store,
    decider: orderDecider,
    decodeEnvelope: decodeOrderEnvelope,
    cacheSize: orders,
  });
  gc();
  const before = process.memoryUsage().heapUsed;
  for (const [i, place] of places.entries()) {
    const handled = await reader.handle(orderStreamId(`o-${i}`), place);
    if (E.isLeft(handled)) throw new Error(handled.left.message);
  }
  gc();
  const after = process.memoryUsage().heapUsed;
  if (writer === reader) throw new Error('unreachable');
  return (after - before) / orders;
};

const ORDERS = 1_000;

const memoryPerCart = async (carts: number): Promise<MemoryGrowth> => {
  const gc = collectGarbage();
  if (gc === undefined) return { carts, bytesPerCart: undefined, orders: ORDERS, bytesPerOrder: undefined };
  const store = createInMemoryEventStore();
  const workload = cartWorkload(carts, 20);
  const writer = createCommandHandler({ store, decider: cartDecider, decodeEnvelope });
  for (const { streamId, commands } of workload)
    for (const command of commands) {
      const handled = await writer.handle(streamId, command);
      if (E.isLeft(handled)) throw new Error(handled.left.message);
    }
  writer.evict();
  // A second handler over the same store: what its cache holds is all that grows.
  const reader = createCommandHandler({ store, decider: cartDecider, decodeEnvelope, cacheSize: carts });
  gc();
  const before = process.memoryUsage().heapUsed;
  for (const { streamId, commands } of workload) {
    // A command each (a duplicate): the cache then holds the state and the commandId index, as in use.
    const handled = await reader.handle(streamId, commands[0]!);
    if (E.isLeft(handled)) throw new Error(handled.left.message);
  }
  gc();
  const after = process.memoryUsage().heapUsed;
  // Keep both alive until measured.
  if (writer === reader) throw new Error('unreachable');
  return {
    carts,
    bytesPerCart: (after - before) / carts,
    orders: ORDERS,
    bytesPerOrder: await memoryPerOrder(ORDERS, gc),
  };
};

export const runGrowthSuite = async (rounds: number): Promise<Growth> => {
  const loads: LoadGrowth[] = [];
  for (const events of GROWTH_LENGTHS) {
    const plain = await fill(createInMemoryEventStore(), `grow-${events}`, events, false);
    const { loadMs: plainMs } = await timeLoads(plain, `grow-${events}`, rounds);
    const snapshotted = await fill(createInMemoryEventStore(), `grow-snap-${events}`, events, true);
    // New commands (fresh ids) on the same cart: each is the first command after a load.
    const next: readonly CartCommand[] = cartCommands(`customer-next-${events}`, rounds + 1, 25).slice(0, rounds + 1);
    const timed = await timeLoads(snapshotted, `grow-snap-${events}`, rounds, next);
    loads.push({ events, plainMs, snapshotMs: timed.loadMs, firstCommandMs: timed.firstCommandMs });
  }
  return { loads, memory: await memoryPerCart(2_000) };
};
