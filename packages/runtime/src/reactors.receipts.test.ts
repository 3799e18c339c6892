import { createInMemoryEventStore, type Envelope, type EventStore } from '@ordersource/core';
import { orderStreamId } from '@ordersource/domain';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { receiptsReactor } from './reactors.js';
import { createShop } from './shop.js';
import type { ShopEvent } from './shop-streams.js';
import { admin, checkoutData, customer, provider, raw, rub } from './test-support/orders.js';

/**
 * Issue 18: the receipts reactor keeps each order's history from the events
 * it is handed, so in the running shop it reads no order stream from the
 * store; its receipts commands are the ones a reactor reading the whole
 * history from the store for every event sends (REC-1..REC-7).
 */

const AT = '2026-11-01T10:00:00.000Z';

/** One order's whole lifecycle in an in-memory shop: its stored envelopes, decoded, and the store. */
const lifecycle = async () => {
  const shop = createShop({ store: createInMemoryEventStore() });
  const stream = orderStreamId('o-1');
  const send = async (type: string, data: unknown, actor = admin) => {
    const result = await shop.execute(stream, raw(type, data, actor, AT));
    if (E.isLeft(result)) throw new Error(`${type}: ${result.left.message}`);
  };
  await send('PlaceOrder', checkoutData('o-1'), customer);
  await send('AuthorizePayment', { paymentId: 'o-1-pay', amount: rub(7000) }, provider);
  await send('CapturePayment', { paymentId: 'o-1-pay' }, provider);
  await shop.runUntilIdle();
  await send('ShipOrder', { shipmentId: 'o-1-s', carrier: 'CDEK' });
  await send('MarkDelivered', {});
  await shop.runUntilIdle();
  const envelopes: { raw: Envelope; decoded: Envelope<ShopEvent> }[] = [];
  for await (const stored of shop.store.read(stream)) {
    const decoded = shop.decoders.decode(stored);
    if (E.isLeft(decoded)) throw new Error(decoded.left.message);
    envelopes.push({ raw: stored, decoded: decoded.right });
  }
  return { store: shop.store, envelopes };
};

/** The store, with the reads of order streams counted. */
const counted = (store: EventStore) => {
  let reads = 0;
  const wrapped: EventStore = {
    ...store,
    read: (streamId, options) => {
      if (streamId.startsWith('order-')) reads++;
      return store.read(streamId, options);
    },
  };
  return { store: wrapped, reads: () => reads };
};

const commandsOf = (effects: readonly unknown[]) =>
  effects.map((effect) => {
    const e = effect as { kind: string; streamId?: string; command?: { type: string; metadata: unknown } };
    return e.kind === 'command' ? `${e.streamId} ${e.command?.type} ${JSON.stringify(e.command?.metadata)}` : e.kind;
  });

describe('issue 18: the receipts reactor keeps the order history it is handed', () => {
  it('handed every order event in order, it reads no order stream and sends what a reader of the store sends', async () => {
    const { store, envelopes } = await lifecycle();
    const kept = counted(store);
    const reactor = receiptsReactor();
    // The reference forgets every history at once (cache size 0): it reads the store for each event.
    const reading = counted(store);
    const reference = receiptsReactor({}, 0);
    const sent: string[] = [];
    const expected: string[] = [];
    for (const { raw: stored, decoded } of envelopes) {
      sent.push(...commandsOf(await reactor.react(decoded, { store: kept.store, raw: stored })));
      expected.push(...commandsOf(await reference.react(decoded, { store: reading.store, raw: stored })));
    }
    expect(sent.map((c) => c.split(' ').slice(0, 2).join(' '))).toEqual([
      'receipts-o-1 RecordComposition',
      'receipts-o-1 RecordPayment',
      'receipts-o-1 RecordHandover',
      'receipts-o-1 RecordHandover',
    ]);
    expect(sent).toEqual(expected);
    expect(kept.reads()).toBe(0);
    // Forgetting at once, it reads every event's history but the first's from the store.
    expect(reading.reads()).toBe(envelopes.length - 1);
  });

  it('handed an event past the history it has (events it never saw), it reads the missing ones from the store', async () => {
    const { store, envelopes } = await lifecycle();
    const kept = counted(store);
    const reactor = receiptsReactor();
    const reference = receiptsReactor({}, 0);
    const last = envelopes.findLast((e) => e.decoded.event.type === 'OrderFulfilled')!;
    const sent = commandsOf(await reactor.react(last.decoded, { store: kept.store, raw: last.raw }));
    const expected = commandsOf(await reference.react(last.decoded, { store, raw: last.raw }));
    expect(sent.length).toBeGreaterThan(0);
    expect(sent).toEqual(expected);
    expect(kept.reads()).toBe(1);
  });
});
