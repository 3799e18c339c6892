import * as t from 'io-ts';
import { createEnvelopeDecoder, eventCodec, type NewEvent } from '@ordersource/core';
import type { SqlQueryable } from '../executor/types.js';
import type { SqlProjection } from '../projection.js';
import { newEvent } from './fixtures.js';

/** A realistic read model: one row per order with its status, line count and total. */
export const createOrderSummaries = async (db: SqlQueryable, schema: string): Promise<void> => {
  await db.query(
    `create table if not exists "${schema}".order_summaries (
       order_id text primary key, customer text not null, status text not null,
       lines integer not null, total_cents bigint not null)`,
  );
};

const OrderEventCodec = t.union([
  eventCodec('OrderPlaced', t.strict({ orderId: t.string, customer: t.string })),
  eventCodec('LineAdded', t.strict({ orderId: t.string, cents: t.number })),
  eventCodec('OrderConfirmed', t.strict({ orderId: t.string })),
]);
type OrderEvent = t.TypeOf<typeof OrderEventCodec>;

export const orderSummaries = (schema: string, fail?: (eventId: string) => boolean): SqlProjection<OrderEvent> => ({
  name: 'order-summaries',
  filter: { streamPrefix: 'order-' },
  decode: createEnvelopeDecoder(OrderEventCodec),
  handle: async (tx, envelope) => {
    if (fail?.(envelope.eventId) === true) throw new Error(`projection failed on ${envelope.eventId} on purpose`);
    const table = `"${schema}".order_summaries`;
    switch (envelope.event.type) {
      case 'OrderPlaced': {
        const { data } = envelope.event;
        await tx.query(`insert into ${table} values ($1, $2, 'placed', 0, 0)`, [data.orderId, data.customer]);
        return;
      }
      case 'LineAdded': {
        const { data } = envelope.event;
        await tx.query(`update ${table} set lines = lines + 1, total_cents = total_cents + $2 where order_id = $1`, [
          data.orderId,
          data.cents,
        ]);
        return;
      }
      case 'OrderConfirmed':
        await tx.query(`update ${table} set status = 'confirmed' where order_id = $1`, [envelope.event.data.orderId]);
        return;
    }
  },
  reset: async (tx) => {
    await tx.query(`truncate "${schema}".order_summaries`);
  },
});

/** An order's whole history: placed, `lines` lines of `cents` each, confirmed. */
export const orderHistory = (orderId: string, lines: number, cents: number): NewEvent[] => [
  newEvent('OrderPlaced', { orderId, customer: `customer of ${orderId}` }),
  ...Array.from({ length: lines }, () => newEvent('LineAdded', { orderId, cents })),
  newEvent('OrderConfirmed', { orderId }),
];

export const summaries = async (db: SqlQueryable, schema: string) =>
  (
    await db.query(
      `select order_id, customer, status, lines, total_cents::text as total from "${schema}".order_summaries order by order_id`,
    )
  ).map((row) => ({ ...row }));
