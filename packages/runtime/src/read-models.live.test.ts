import { createInMemoryEventStore, matchesFilter, project, type Envelope, type Projection } from '@ordersource/core';
import { orderStreamId } from '@ordersource/domain';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { createVirtualClock } from './clock.js';
import { shopProjections } from './read-models.js';
import { createShop, type Shop } from './shop.js';
import { admin, checkoutData, customer, provider, raw, rub } from './test-support/orders.js';

/**
 * Issue 18: the shop's read models are folded in place (`createLiveModel`),
 * not with one immer `produce` per batch. Whatever the shop did, each model
 * equals the pure fold (`project`) of every event it reads, and an order's
 * entry a reader took stays what it was while the shop goes on.
 */

const START = '2026-11-01T09:00:00.000Z';

const ok = async (shop: Shop, orderId: string, type: string, data: unknown, actor = admin) => {
  const result = await shop.execute(orderStreamId(orderId), raw(type, data, actor, shop.clock.now()));
  if (E.isLeft(result)) throw new Error(`${type}: ${result.left.code ?? result.left.kind}: ${result.left.message}`);
};

/** Placed, paid, shipped and delivered (the closing receipt goes out): every read model gets events. */
const lifecycle = async (shop: Shop, orderId: string) => {
  await ok(shop, orderId, 'PlaceOrder', checkoutData(orderId), customer);
  await ok(shop, orderId, 'AuthorizePayment', { paymentId: `${orderId}-pay`, amount: rub(7000) }, provider);
  await ok(shop, orderId, 'CapturePayment', { paymentId: `${orderId}-pay` }, provider);
  await shop.runUntilIdle();
  await ok(shop, orderId, 'ShipOrder', { shipmentId: `${orderId}-s1`, carrier: 'CDEK' });
  await shop.runUntilIdle();
  await ok(shop, orderId, 'MarkDelivered', {});
  await shop.runUntilIdle();
};

const pureFold = async <S>(shop: Shop, projection: Projection<S, never>): Promise<S> => {
  const envelopes: Envelope<never>[] = [];
  for await (const stored of shop.store.readAll(undefined))
    if (matchesFilter(stored, projection.filter)) {
      const decoded = projection.decode(stored);
      if (E.isRight(decoded)) envelopes.push(decoded.right);
    }
  return project(projection, envelopes);
};

describe('issue 18: the shop read models folded in place', () => {
  it('each of the six equals the pure fold of the events it reads, after every step', async () => {
    const shop = createShop({ store: createInMemoryEventStore(), clock: createVirtualClock(START) });
    const names = Object.keys(shopProjections) as (keyof typeof shopProjections)[];
    for (const orderId of ['o-1', 'o-2', 'o-3']) {
      await lifecycle(shop, orderId);
      for (const name of names) {
        const worker = shop.readModels[name];
        await worker.pass();
        expect(worker.state(), name).toEqual(await pureFold(shop, shopProjections[name] as Projection<unknown, never>));
      }
    }
    expect(Object.keys(shop.readModels.orders.state().orders)).toEqual(['o-1', 'o-2', 'o-3']);
    expect(Object.keys(shop.readModels.receiptsRegister.state().byOrder).length).toBe(3);
  });

  it('an order a reader took is a frozen snapshot: later events replace it in the model, never change it', async () => {
    const shop = createShop({ store: createInMemoryEventStore(), clock: createVirtualClock(START) });
    await ok(shop, 'o-1', 'PlaceOrder', checkoutData('o-1'), customer);
    await shop.runUntilIdle();
    const taken = shop.readModels.orders.state().orders['o-1'];
    if (taken === undefined) throw new Error('o-1 is not in the model');
    const copy = structuredClone(taken);
    expect(Object.isFrozen(taken)).toBe(true);
    await ok(shop, 'o-1', 'AuthorizePayment', { paymentId: 'o-1-pay', amount: rub(7000) }, provider);
    await ok(shop, 'o-1', 'CapturePayment', { paymentId: 'o-1-pay' }, provider);
    await shop.runUntilIdle();
    expect(taken).toEqual(copy);
    const now = shop.readModels.orders.state().orders['o-1'];
    expect(now).not.toBe(taken);
    expect(now?.payments).not.toEqual(taken.payments);
  });
});
