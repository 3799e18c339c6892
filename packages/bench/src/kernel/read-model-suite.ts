import { project, type Envelope } from '@ordersource/core';
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

/**
 * Growth of an in-memory read model (issue 18): the CPU time of folding one
 * event into the shop's orders model (`ordersProjection`, one immer `produce`,
 * as the runtime's projection worker does per batch) while it holds 1,000,
 * 10,000 and 100,000 orders. The model is built directly (one placed order's
 * state shared by every key, frozen as `produce` leaves it), so building it
 * costs nothing timed; the event is a real `OrderPlaced` of a new order.
 */

export const READ_MODEL_SIZES = [1_000, 10_000, 100_000] as const;

export type ReadModelGrowth = Readonly<{ orders: number; eventMs: number }>;

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

export const runReadModelSuite = (rounds: number): ReadModelGrowth[] => {
  const one = project(ordersProjection, envelopesOf('o-0'));
  const state = one.orders['o-0'];
  if (state === undefined) throw new Error('the sample order was not folded');
  const next = envelopesOf('o-new');
  return READ_MODEL_SIZES.map((orders) => {
    const all: OrdersModel['orders'] = {};
    for (let i = 0; i < orders; i++) all[`o-${i}`] = state;
    const model = freeze({ orders: all }, true);
    const times: number[] = [];
    for (let round = 0; round <= rounds; round++) {
      const start = cpuUsage();
      const after = project(ordersProjection, next, model);
      const used = cpuUsage(start);
      if (after.orders['o-new'] === undefined) throw new Error('the new order was not folded');
      if (round > 0) times.push((used.user + used.system) / 1000);
    }
    return { orders, eventMs: median(times) / next.length };
  });
};
