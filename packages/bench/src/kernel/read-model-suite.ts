import { createLiveModel, project, type Envelope } from '@ordersource/core';
import {
  initialOrderState,
  orderDecider,
  orderExamples,
  ordersProjection,
  orderStreamId,
  type OrderEvent,
  type OrdersModel,
} from '@ordersource/domain';
import * as E from 'fp-ts/lib/Either.js';
import { freeze } from 'immer';
import { cpuUsage } from 'node:process';
import { median } from '../harness.js';
import { collectGarbage } from './growth-suite.js';

/**
 * Growth of an in-memory read model (issue 18): the CPU time of folding one
 * event into the shop's orders model (`ordersProjection`) while it holds
 * 1,000, 10,000 and 100,000 orders, two ways:
 *
 * - `eventMs`: as the runtime's projection worker folds since issue 18, in
 *   place (`createLiveModel`: only the entry an event touches is copied and
 *   frozen again);
 * - `produceMs`: one immer `produce` per batch, as the worker folded before
 *   and `project` still does (the reference: it copies the whole record).
 *
 * The events are a real `OrderPlaced` checkout of a new order each round. The
 * models are built before timing: the produce one shares one placed order's
 * frozen state under every key, the live one folds the orders in.
 */

export const READ_MODEL_SIZES = [1_000, 10_000, 100_000] as const;

const LIVE_CHECKOUTS = 100;

export type ReadModelGrowth = Readonly<{ orders: number; eventMs: number; produceMs: number }>;

/** The events of one real checkout, decided by the order decider (pure). */
const placedEvents = (orderId: string): readonly OrderEvent[] => {
  const decided = orderDecider.decide(
    orderExamples.command(
      'PlaceOrder',
      orderExamples.sampleCheckout({ orderId, orderNumber: `SO-${orderId}`, paymentId: `pay-${orderId}` }),
      '2026-11-24T10:00:00Z',
      orderExamples.actors.customer,
    ),
    initialOrderState,
  );
  if (E.isLeft(decided)) throw new Error(decided.left.message);
  return decided.right;
};

const envelopesOf = (orderId: string): Envelope<OrderEvent>[] =>
  placedEvents(orderId).map((event, version) => ({
    streamId: orderStreamId(orderId),
    streamVersion: version,
    globalPosition: String(version),
    eventId: `${orderId}-${version}`,
    event,
    schemaVersion: 1,
    occurredAt: '2026-11-24T10:00:00.000Z',
    recordedAt: '2026-11-24T10:00:00.000Z',
    actor: orderExamples.actors.customer,
  }));

const cpuMs = (start: NodeJS.CpuUsage): number => {
  const used = cpuUsage(start);
  return (used.user + used.system) / 1000;
};

export const runReadModelSuite = (rounds: number): ReadModelGrowth[] => {
  const one = project(ordersProjection, envelopesOf('o-0'));
  const state = one.orders['o-0'];
  if (state === undefined) throw new Error('the sample order was not folded');
  const placed = envelopesOf('o-0');
  // Warm-up: the in-place fold's code is compiled before the first size is timed.
  const warm = createLiveModel(ordersProjection.initialState);
  for (let i = 0; i < 5 * LIVE_CHECKOUTS; i++)
    warm.update((draft) => {
      for (const envelope of envelopesOf(`w-${i}`)) ordersProjection.evolve(draft, envelope);
    });
  return READ_MODEL_SIZES.map((orders) => {
    const all: OrdersModel['orders'] = {};
    for (let i = 0; i < orders; i++) all[`o-${i}`] = state;
    const model = freeze({ orders: all }, true);
    const live = createLiveModel(ordersProjection.initialState);
    live.update((draft) => {
      for (let i = 0; i < orders; i++)
        for (const envelope of placed)
          ordersProjection.evolve(draft, { ...envelope, streamId: orderStreamId(`o-${i}`) });
    });
    const liveTimes: number[] = [];
    const produceTimes: number[] = [];
    let events = 0;
    for (let round = 0; round <= rounds; round++) {
      const next = envelopesOf(`o-new-${round}`);
      events = next.length;
      // The in-place fold takes microseconds: each round times LIVE_CHECKOUTS of them, one fold per checkout.
      const batches = Array.from({ length: LIVE_CHECKOUTS }, (_, i) =>
        i === 0 ? next : envelopesOf(`o-new-${round}-${i}`),
      );
      let start = cpuUsage();
      for (const batch of batches)
        live.update((draft) => {
          for (const envelope of batch) ordersProjection.evolve(draft, envelope);
        });
      const liveMs = cpuMs(start) / LIVE_CHECKOUTS;
      start = cpuUsage();
      const after = project(ordersProjection, next, model);
      const produceMs = cpuMs(start);
      if (after.orders[`o-new-${round}`] === undefined || live.view().orders[`o-new-${round}`] === undefined)
        throw new Error('the new order was not folded');
      if (round > 0) {
        liveTimes.push(liveMs);
        produceTimes.push(produceMs);
      }
    }
    if (Object.keys(live.view().orders).length !== orders + (rounds + 1) * LIVE_CHECKOUTS)
      throw new Error('the live model lost orders');
    return { orders, eventMs: median(liveTimes) / events, produceMs: median(produceTimes) / events };
  });
};

export type ReadModelMemory = Readonly<{ orders: number; liveBytesPerOrder: number; produceBytesPerOrder: number }>;

/**
 * Heap per order held by the orders read model: folded in place (the view's
 * frozen entries, shared with the private model) and by one `produce` (the
 * reference). Each order is one real checkout; the envelopes exist before
 * the first measure. Undefined when this process has no gc.
 */
export const readModelMemory = (orders = 10_000): ReadModelMemory | undefined => {
  const gc = collectGarbage();
  if (gc === undefined) return undefined;
  const placed = envelopesOf('o-0');
  const envelopes = Array.from({ length: orders }, (_, i) =>
    placed.map((envelope) => ({ ...envelope, streamId: orderStreamId(`o-${i}`) })),
  ).flat();
  const heap = (): number => {
    gc();
    return process.memoryUsage().heapUsed;
  };
  let before = heap();
  const live = createLiveModel(ordersProjection.initialState);
  live.update((draft) => {
    for (const envelope of envelopes) ordersProjection.evolve(draft, envelope);
  });
  const liveBytes = heap() - before;
  before = heap();
  const produced = project(ordersProjection, envelopes);
  const produceBytes = heap() - before;
  if (Object.keys(live.view().orders).length !== orders || Object.keys(produced.orders).length !== orders)
    throw new Error('the models lost orders');
  return { orders, liveBytesPerOrder: liveBytes / orders, produceBytesPerOrder: produceBytes / orders };
};

export type ReadModelCatchUp = Readonly<{
  orders: number;
  events: number;
  liveEventsPerSecond: number;
  produceEventsPerSecond: number;
}>;

/**
 * A read model's catch-up, as a projection worker folds the log when the shop
 * starts: every checkout of `orders` orders, in batches of 500 (the worker's
 * default), in place against one `produce` per batch. With `produce` each
 * batch copies the record of every order folded so far, so a catch-up costs
 * orders x batches. CPU time, best of three.
 */
export const readModelCatchUp = (orders = 20_000, batchSize = 500): ReadModelCatchUp => {
  const placed = envelopesOf('o-0');
  const envelopes = Array.from({ length: orders }, (_, i) =>
    placed.map((envelope) => ({ ...envelope, streamId: orderStreamId(`o-${i}`) })),
  ).flat();
  const batches: (typeof envelopes)[] = [];
  for (let i = 0; i < envelopes.length; i += batchSize) batches.push(envelopes.slice(i, i + batchSize));
  const best = (fold: () => number): number => {
    let fastest = Number.POSITIVE_INFINITY;
    for (let round = 0; round < 3; round++) {
      const start = cpuUsage();
      if (fold() !== orders) throw new Error('the catch-up lost orders');
      fastest = Math.min(fastest, cpuMs(start));
    }
    return fastest;
  };
  const liveMs = best(() => {
    const live = createLiveModel(ordersProjection.initialState);
    for (const batch of batches)
      live.update((draft) => {
        for (const envelope of batch) ordersProjection.evolve(draft, envelope);
      });
    return Object.keys(live.view().orders).length;
  });
  const produceMs = best(() => {
    let model = ordersProjection.initialState;
    for (const batch of batches) model = project(ordersProjection, batch, model);
    return Object.keys(model.orders).length;
  });
  return {
    orders,
    events: envelopes.length,
    liveEventsPerSecond: (envelopes.length / liveMs) * 1000,
    produceEventsPerSecond: (envelopes.length / produceMs) * 1000,
  };
};
