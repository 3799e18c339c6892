import { createInMemoryEventStore, rehydrate, type EventStore } from '@ordersource/core';
import { orderStreamId } from '@ordersource/domain';
import { orderChangeDecider, orderChangeStreamId, type OrderChangeEvent } from '@ordersource/domain/changes';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { createVirtualClock } from './clock.js';
import { beginOrderChange, orderChangeStreamKind, withOrderChanges } from './order-changes.js';
import { createShop } from './shop.js';
import { admin, checkoutData, customer, provider, raw, rub } from './test-support/orders.js';

/**
 * Issue 17: goods go back to stock (the shop's inventory port) only once the
 * order took the change's refund, never before: the reactor asks the port on
 * `OrderChangeApplied`, at least once per `restockId`.
 */

const T = (day: number, hour: number) =>
  `2026-11-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00Z`;

type Restock = { restockId: string; lines: readonly { sku: string; qty: number }[] };

/**
 * The store as a reactor sees it in a race: once armed, the next read of
 * `streamId` misses its newest `hide` events (written by someone else just
 * after the read), as a reactor that read the order just before an admin wrote.
 */
const staleOnce = (store: EventStore, streamId: string) => {
  let hide = 0;
  const wrapped: EventStore = {
    ...store,
    read: (id, options) => {
      if (id !== streamId || hide === 0) return store.read(id, options);
      const hidden = hide;
      hide = 0;
      return (async function* () {
        const all = [];
        for await (const e of store.read(id, options)) all.push(e);
        yield* all.slice(0, Math.max(0, all.length - hidden));
      })();
    },
  };
  return { store: wrapped, arm: (events: number) => void (hide = events) };
};

const setUp = (store: EventStore, inventory: (request: Restock) => void, retry = {}) => {
  const shop = createShop({
    store,
    clock: createVirtualClock(T(1, 9)),
    streams: [orderChangeStreamKind()],
    reactors: withOrderChanges({ inventory }),
    retry: { attempts: 3, baseMs: 1, maxMs: 5, ...retry },
  });
  const ok = async (result: Promise<unknown>) => {
    const r = (await result) as E.Either<{ code?: string; message: string }, unknown>;
    if (E.isLeft(r)) throw new Error(`${r.left.code ?? ''} ${r.left.message}`);
  };
  const order = orderStreamId('o-1');
  const change = orderChangeStreamId('r-1');
  /** A delivered order of shoes and four pairs of socks; a return of the socks, confirmed. */
  const confirmedReturn = async () => {
    await ok(shop.execute(order, raw('PlaceOrder', checkoutData('o-1'), customer, T(1, 10))));
    await ok(shop.execute(order, raw('RecordSale', { paymentId: 'o-1-pay', amount: rub(7000) }, provider, T(1, 11))));
    await shop.runUntilIdle();
    await ok(shop.execute(order, raw('ShipOrder', { shipmentId: 's-1' }, admin, T(2, 9))));
    await ok(shop.execute(order, raw('MarkDelivered', {}, admin, T(3, 9))));
    await shop.runUntilIdle();
    await ok(beginOrderChange(shop, { changeId: 'r-1', orderId: 'o-1', kind: 'return', actor: customer, at: T(5, 9) }));
    await ok(
      shop.execute(
        change,
        raw('StageReturnItem', { item: { lineId: 'l2', qty: 4, reason: 'wrong-size' } }, customer, T(5, 9)),
      ),
    );
    await ok(shop.execute(change, raw('ConfirmOrderChange', {}, admin, T(5, 11))));
    await shop.runUntilIdle();
  };
  const receive = () =>
    ok(
      shop.execute(
        change,
        raw(
          'ReceiveReturn',
          { items: [{ lineId: 'l2', qty: 4, condition: 'sellable', restock: true }] },
          admin,
          T(8, 9),
        ),
      ),
    );
  const changeState = async () => {
    const events: OrderChangeEvent[] = [];
    for await (const r of store.read(change)) events.push(r.event as OrderChangeEvent);
    return rehydrate(orderChangeDecider, events);
  };
  return { shop, ok, order, confirmedReturn, receive, changeState };
};

describe('issue 17: restock after the order took the change', () => {
  it('a refund the order refuses as it is sent leaves the inventory untouched; the change is recorded failed', async () => {
    const memory = createInMemoryEventStore();
    const race = staleOnce(memory, orderStreamId('o-1'));
    const restocked: Restock[] = [];
    const { shop, ok, order, confirmedReturn, receive, changeState } = setUp(race.store, (r) => {
      restocked.push(r);
    });
    await confirmedReturn();
    // Meanwhile an admin refunds the socks by hand; the reactor's read of the order misses it (the race).
    await ok(
      shop.execute(
        order,
        raw('RefundPayment', { refundId: 'by-hand', lines: [{ lineId: 'l2', qty: 4 }] }, admin, T(7, 9)),
      ),
    );
    await shop.runUntilIdle();
    race.arm(1);
    await receive();
    await shop.runUntilIdle();
    const state = await changeState();
    // The plan held on what the reactor read; the order refused the refund when it was sent.
    expect(state.status).toBe('failed');
    expect(state.failed?.code).toBe('return-exceeds-ordered');
    expect(restocked).toEqual([]);
  });

  it('an inventory port that fails is asked again with the same restockId: at least once per restockId', async () => {
    const store = createInMemoryEventStore();
    const calls: Restock[] = [];
    let failures = 1;
    const { shop, confirmedReturn, receive, changeState } = setUp(store, (r) => {
      calls.push(r);
      if (failures > 0) {
        failures -= 1;
        throw new Error('warehouse down');
      }
    });
    await confirmedReturn();
    await receive();
    const drained = await shop.runUntilIdle();
    expect((await changeState()).status).toBe('applied');
    expect(drained.parked).toEqual([]);
    // The crash came after the port was called: the re-delivered event asks it again, for the same restock.
    expect(calls).toHaveLength(2);
    expect(new Set(calls.map((c) => c.restockId)).size).toBe(1);
    expect(calls[1]?.lines).toEqual([{ lineId: 'l2', sku: 'SCK-3', qty: 4 }]);
    // Once applied and restocked, running again asks nothing more.
    await shop.runUntilIdle();
    expect(calls).toHaveLength(2);
  });
});
