import { createInMemoryEventStore } from '@ordersource/core';
import { defaultShopSettings, orderStreamId, type CloseOn } from '@ordersource/domain';
import { receiptsStreamId } from '@ordersource/domain/receipts';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { createVirtualClock, days, hours } from './clock.js';
import { createShop, type Shop } from './shop.js';
import { admin, checkoutData, provider, raw, rub } from './test-support/orders.js';

/**
 * Issue 9.7/9.8 (REC-8, REC-4, ORD-9): when the closing receipt goes out,
 * shop-wide (`settings.closingReceipt`) and per order (`PlaceOrder.closingReceipt`,
 * `ScheduleClosingReceipt`), through the runtime: reactors, the receipts
 * stream's timer on a virtual clock, and the lock the closing receipt sends.
 */

const START = '2026-11-01T09:00:00.000Z';

const newShop = (closingReceipt?: CloseOn, clock = createVirtualClock(START)): Shop =>
  createShop({
    store: createInMemoryEventStore(),
    clock,
    settings: closingReceipt === undefined ? defaultShopSettings : { ...defaultShopSettings, closingReceipt },
  });

const detailsOf = (result: Awaited<ReturnType<typeof send>>): unknown =>
  E.isLeft(result) && result.left.kind === 'domain' ? result.left.details : undefined;

const now = (shop: Shop): string => shop.clock.now();

const send = async (shop: Shop, orderId: string, type: string, data: unknown, actor = admin) =>
  shop.execute(orderStreamId(orderId), raw(type, data, actor, now(shop)));

const ok = async (shop: Shop, orderId: string, type: string, data: unknown, actor = admin) => {
  const result = await send(shop, orderId, type, data, actor);
  if (E.isLeft(result)) throw new Error(`${type}: ${result.left.code ?? result.left.kind}: ${result.left.message}`);
  return result.right;
};

const codeOf = async (shop: Shop, orderId: string, type: string, data: unknown) => {
  const result = await send(shop, orderId, type, data);
  return E.isLeft(result) ? result.left.code : 'accepted';
};

/** Placed (by the shop, so it may name its own trigger), paid in full, run until idle. */
const paidOrder = async (shop: Shop, orderId: string, overrides: Record<string, unknown> = {}) => {
  await ok(shop, orderId, 'PlaceOrder', checkoutData(orderId, overrides));
  await ok(shop, orderId, 'AuthorizePayment', { paymentId: `${orderId}-pay`, amount: rub(7000) }, provider);
  await ok(shop, orderId, 'CapturePayment', { paymentId: `${orderId}-pay` }, provider);
  await shop.runUntilIdle();
};

const kinds = async (shop: Shop, orderId: string) =>
  (await shop.queries.receipts(orderId)).map((record) => record.receipt.kind);

const lockedAt = async (shop: Shop, orderId: string) => (await shop.queries.order(orderId))?.state.locked?.at;

const ship = async (shop: Shop, orderId: string) => {
  await ok(shop, orderId, 'ShipOrder', { shipmentId: `${orderId}-s1`, carrier: 'CDEK' });
  await shop.runUntilIdle();
};

const deliver = async (shop: Shop, orderId: string) => {
  await ok(shop, orderId, 'MarkDelivered', {});
  await shop.runUntilIdle();
};

const cap = {
  lineId: 'l3',
  sku: 'CAP',
  name: 'Cap',
  qty: 1,
  unitPrice: rub(800),
  vatRate: 'vat20',
  kind: 'physical',
};

describe('REC-8/ORD-9: on shipment', () => {
  const closesOnShipment = async (shop: Shop, orderId: string) => {
    await ship(shop, orderId);
    expect(await kinds(shop, orderId)).toEqual(['prepayment', 'full-settlement']);
    expect(await lockedAt(shop, orderId)).toBeDefined();
    expect(await codeOf(shop, orderId, 'ChangeShippingFee', { shippingFee: rub(0) })).toBe('order-locked');
  };

  it('REC-8: shop-wide, the closing receipt goes out when the goods ship, and the order locks (ORD-9)', async () => {
    const shop = newShop({ trigger: 'shipment' });
    await paidOrder(shop, 'o-1');
    expect(await kinds(shop, 'o-1')).toEqual(['prepayment']);
    await closesOnShipment(shop, 'o-1');
  });

  it('REC-8: per order, in a shop that closes on delivery', async () => {
    const shop = newShop();
    await paidOrder(shop, 'o-2', { closingReceipt: { trigger: 'shipment' } });
    await closesOnShipment(shop, 'o-2');
    // The shop's other orders keep the shop's trigger.
    await paidOrder(shop, 'o-3');
    await ship(shop, 'o-3');
    expect(await kinds(shop, 'o-3')).toEqual(['prepayment']);
  });
});

describe('REC-8/ORD-9: on delivery', () => {
  it('REC-8: the default: shipping is not enough, delivery closes and locks', async () => {
    const shop = newShop();
    await paidOrder(shop, 'o-1');
    await ship(shop, 'o-1');
    expect(await kinds(shop, 'o-1')).toEqual(['prepayment']);
    // Shipped, not delivered: still open for edits (ORD-9).
    expect(await codeOf(shop, 'o-1', 'ChangeShippingFee', { shippingFee: rub(300), discount: rub(400) })).toBe(
      'accepted',
    );
    await deliver(shop, 'o-1');
    expect(await kinds(shop, 'o-1')).toEqual(['prepayment', 'full-settlement']);
    expect(await lockedAt(shop, 'o-1')).toBeDefined();
  });

  it('REC-8: per order: placed "on delivery" in a shop with a return window closes at delivery', async () => {
    const shop = newShop({ trigger: 'days-after-delivery', days: 14 });
    await paidOrder(shop, 'o-2', { closingReceipt: { trigger: 'delivery' } });
    await ship(shop, 'o-2');
    await deliver(shop, 'o-2');
    expect(await kinds(shop, 'o-2')).toEqual(['prepayment', 'full-settlement']);
    expect(await lockedAt(shop, 'o-2')).toBeDefined();
  });
});

describe('REC-8/ORD-9: N days after delivery (a return window), on the virtual clock', () => {
  const windowRuns = async (shop: Shop, orderId: string) => {
    await ship(shop, orderId);
    await shop.advance(days(2));
    await deliver(shop, orderId);
    expect(await kinds(shop, orderId)).toEqual(['prepayment']);
    const view = await shop.queries.order(orderId);
    expect(view?.state.fulfillment.status).toBe('fulfilled');
    const timers = await shop.timers.list(receiptsStreamId(orderId));
    expect(timers.find((t) => t.key === 'closing-receipt')).toMatchObject({
      status: 'planned',
      at: '2026-11-17T09:00:00.000Z',
    });

    // Inside the window (ORD-9, issue 9.8): a price may be corrected; what was handed over may not change.
    await shop.advance(days(3));
    expect(await codeOf(shop, orderId, 'ChangeOrderLine', { lineId: 'l2', unitPrice: rub(450) })).toBe('accepted');
    expect(await codeOf(shop, orderId, 'ChangeOrderLine', { lineId: 'l2', qty: 5 })).toBe('order-fulfilled');
    expect(await codeOf(shop, orderId, 'AddOrderLine', { line: cap })).toBe('order-fulfilled');
    expect(await codeOf(shop, orderId, 'RemoveOrderLine', { lineId: 'l1' })).toBe('order-fulfilled');

    // Not yet: 14 days after delivery is 17 November, 09:00.
    const early = await shop.advance(days(10) + hours(23));
    expect(early.timers).toEqual([]);
    expect(await kinds(shop, orderId)).toEqual(['prepayment']);
    const fired = await shop.advance(hours(2));
    expect(fired.timers.map((t) => `${t.key}: ${t.outcome}`)).toEqual(['closing-receipt: fired']);
    const receipts = await shop.queries.receipts(orderId);
    expect(receipts.map((r) => r.receipt.kind)).toEqual(['prepayment', 'full-settlement']);
    // The closing receipt lists the corrected price, the final composition (seed 003): 5,000 + 4 x 450, shipping
    // 300 less the 300 discount; the 200 paid beyond it stay an advance not offset, due back.
    expect(receipts[1]?.receipt.total).toEqual(rub(6800));
    expect(receipts[1]?.receipt.issuedAt).toBe('2026-11-17T09:00:00.000Z');
    expect(await lockedAt(shop, orderId)).toBeDefined();
    expect(await codeOf(shop, orderId, 'ChangeOrderLine', { lineId: 'l2', unitPrice: rub(400) })).toBe('order-locked');
  };

  it('REC-8: shop-wide 14 days: price corrections in the window, the closing receipt on day 14 by the timer', async () => {
    const shop = newShop({ trigger: 'days-after-delivery', days: 14 });
    await paidOrder(shop, 'o-1');
    await windowRuns(shop, 'o-1');
  });

  it('REC-8: per order 14 days, in a shop that closes on delivery', async () => {
    const shop = newShop();
    await paidOrder(shop, 'o-2', { closingReceipt: { trigger: 'days-after-delivery', days: 14 } });
    await windowRuns(shop, 'o-2');
  });

  it('REC-8/REC-7: goods returned in the window leave the closing receipt; the money goes back as an advance return', async () => {
    const shop = newShop({ trigger: 'days-after-delivery', days: 7 });
    await paidOrder(shop, 'o-1');
    await ship(shop, 'o-1');
    await deliver(shop, 'o-1');
    await shop.advance(days(2));
    await ok(shop, 'o-1', 'RefundPayment', { refundId: 'r-1', lines: [{ lineId: 'l2', qty: 1 }] });
    await shop.runUntilIdle();
    // The money of the returned pair goes back from the prepayment (REC-7), before any closing receipt.
    expect(await kinds(shop, 'o-1')).toEqual(['prepayment', 'advance']);
    const returned = (await shop.queries.receipts('o-1'))[1]!.receipt;
    expect(returned.operation).toBe('income-return');
    await shop.advance(days(6));
    const receipts = await shop.queries.receipts('o-1');
    const closing = receipts.at(-1)!.receipt;
    expect(closing.kind).toBe('full-settlement');
    const pairs = closing.items.filter((item) => item.lineId?.startsWith('l2')).reduce((n, i) => n + i.quantity, 0);
    expect(pairs).toBe(3);
    // The closing receipt offsets exactly what is still prepaid: nothing on credit, nothing left over.
    expect(closing.payments.credit.amount).toBe(0);
    expect(closing.payments.prepayment.amount).toBe(closing.total.amount);
    expect(closing.total.amount + returned.total.amount).toBe(rub(7000).amount);
  });
});

describe('REC-8/ORD-9: on a date', () => {
  const DATE = '2026-11-10T12:00:00.000Z';

  const closesOnDate = async (shop: Shop, orderId: string) => {
    await ship(shop, orderId);
    await deliver(shop, orderId);
    expect(await kinds(shop, orderId)).toEqual(['prepayment']);
    expect(await codeOf(shop, orderId, 'ChangeShippingFee', { shippingFee: rub(200) })).toBe('accepted');
    await shop.advance(days(9));
    expect(await kinds(shop, orderId)).toEqual(['prepayment']);
    await shop.advance(hours(4));
    expect(await kinds(shop, orderId)).toEqual(['prepayment', 'full-settlement']);
    const closing = (await shop.queries.receipts(orderId))[1]!.receipt;
    expect(closing.issuedAt).toBe(DATE);
    expect(closing.total).toEqual(rub(6900));
    expect(await lockedAt(shop, orderId)).toBeDefined();
  };

  it('REC-8: shop-wide: delivered before the date, the closing receipt goes out on the date', async () => {
    const shop = newShop({ trigger: 'date', at: DATE });
    await paidOrder(shop, 'o-1');
    await closesOnDate(shop, 'o-1');
  });

  it('REC-8: per order', async () => {
    const shop = newShop();
    await paidOrder(shop, 'o-2', { closingReceipt: { trigger: 'date', at: DATE } });
    await closesOnDate(shop, 'o-2');
  });

  it('REC-8: delivered after the date: the closing receipt goes out at the handover', async () => {
    const shop = newShop({ trigger: 'date', at: DATE });
    await paidOrder(shop, 'o-3');
    await shop.advance(days(12));
    expect(await kinds(shop, 'o-3')).toEqual(['prepayment']);
    await ship(shop, 'o-3');
    expect(await kinds(shop, 'o-3')).toEqual(['prepayment', 'full-settlement']);
    expect(await codeOf(shop, 'o-3', 'ChangeShippingFee', { shippingFee: rub(200) })).toBe('order-locked');
  });
});

describe('ORD-9 (issue 9.8): one code per meaning, whatever the reactors did yet', () => {
  it('ORD-9: due but not yet locked is order-locked with the trigger; locked is order-locked with the receipt', async () => {
    const clock = createVirtualClock(START);
    const shop = newShop({ trigger: 'days-after-delivery', days: 3 }, clock);
    await paidOrder(shop, 'o-1');
    await ship(shop, 'o-1');
    await deliver(shop, 'o-1');
    // Three days later, before the timer ran: the receipt is due, so the composition is final already.
    clock.advance(days(3));
    const due = await send(shop, 'o-1', 'ChangeShippingFee', { shippingFee: rub(100) });
    expect(E.isLeft(due) && due.left.code).toBe('order-locked');
    expect(detailsOf(due)).toMatchObject({
      closingDue: { trigger: 'days-after-delivery', days: 3 },
      handover: 'delivered',
    });
    await shop.runUntilIdle();
    const locked = await send(shop, 'o-1', 'ChangeShippingFee', { shippingFee: rub(100) });
    expect(E.isLeft(locked) && locked.left.code).toBe('order-locked');
    expect(detailsOf(locked)).toMatchObject({ lockedAt: expect.any(String) as unknown });
  });

  it('ORD-9: a customer may not choose the trigger at checkout (REC-8 is the shop\u2019s)', async () => {
    const shop = newShop();
    const customer = { kind: 'customer' as const, id: 'cust-olga' };
    const placed = await send(
      shop,
      'o-1',
      'PlaceOrder',
      checkoutData('o-1', { closingReceipt: { trigger: 'date', at: '2099-01-01T00:00:00Z' } }),
      customer,
    );
    expect(E.isLeft(placed) && placed.left.code).toBe('forbidden');
  });
});

describe('REC-8: ScheduleClosingReceipt changes one order', () => {
  it('REC-8: a return window closed early: rescheduled to "on delivery" after delivery, the timer closes it now', async () => {
    const shop = newShop({ trigger: 'days-after-delivery', days: 14 });
    await paidOrder(shop, 'o-1');
    await ship(shop, 'o-1');
    await deliver(shop, 'o-1');
    expect(await kinds(shop, 'o-1')).toEqual(['prepayment']);
    await shop.advance(days(1));
    await ok(shop, 'o-1', 'ScheduleClosingReceipt', {
      closingReceipt: { trigger: 'delivery' },
      note: 'the customer keeps everything',
    });
    await shop.runUntilIdle();
    expect(await kinds(shop, 'o-1')).toEqual(['prepayment', 'full-settlement']);
    expect(await lockedAt(shop, 'o-1')).toBeDefined();
    // Its moment has passed: no more rescheduling.
    expect(
      await codeOf(shop, 'o-1', 'ScheduleClosingReceipt', {
        closingReceipt: { trigger: 'days-after-delivery', days: 2 },
      }),
    ).toBe('order-locked');
  });

  it('REC-8: a window opened before delivery: the shop closes on delivery, this order 5 days after', async () => {
    const shop = newShop();
    await paidOrder(shop, 'o-1');
    await ok(shop, 'o-1', 'ScheduleClosingReceipt', { closingReceipt: { trigger: 'days-after-delivery', days: 5 } });
    await ship(shop, 'o-1');
    await deliver(shop, 'o-1');
    expect(await kinds(shop, 'o-1')).toEqual(['prepayment']);
    await shop.advance(days(5));
    expect(await kinds(shop, 'o-1')).toEqual(['prepayment', 'full-settlement']);
  });
});

describe('REC-4: a mixed order end to end', () => {
  const licence = {
    lineId: 'lic',
    sku: 'LIC-1Y',
    name: 'Licence, 1 year',
    qty: 1,
    unitPrice: rub(2000),
    vatRate: 'vat20',
    kind: 'digital',
  };

  it('REC-4: the licence settles at payment (its own full-settlement receipt), the shoes close at delivery', async () => {
    const shop = newShop();
    const lines = [checkoutData('o-1').lines[0], licence];
    await ok(
      shop,
      'o-1',
      'PlaceOrder',
      checkoutData('o-1', { lines, subtotal: rub(7000), shippingFee: rub(0), discount: rub(0), total: rub(7000) }),
    );
    await ok(shop, 'o-1', 'AuthorizePayment', { paymentId: 'o-1-pay', amount: rub(7000) }, provider);
    await ok(shop, 'o-1', 'CapturePayment', { paymentId: 'o-1-pay' }, provider);
    await shop.runUntilIdle();
    const paid = await shop.queries.receipts('o-1');
    expect(paid.map((r) => [r.receipt.kind, r.receipt.items.map((i) => i.lineId)])).toEqual([
      ['full-settlement', ['lic']],
      ['prepayment', ['l1']],
    ]);
    // The licence is handed over and settled; the order is not locked: the shoes are still to come.
    const view = await shop.queries.order('o-1');
    expect(view?.state.fulfillment.downloadsUnlocked).toBe(true);
    expect(view?.state.locked).toBeUndefined();
    await ship(shop, 'o-1');
    await deliver(shop, 'o-1');
    const closed = await shop.queries.receipts('o-1');
    expect(closed.map((r) => [r.receipt.kind, r.receipt.items.map((i) => i.lineId)])).toEqual([
      ['full-settlement', ['lic']],
      ['prepayment', ['l1']],
      ['full-settlement', ['l1']],
    ]);
    expect(closed[2]?.receipt.payments.prepayment.amount).toBe(rub(5000).amount);
    expect(await lockedAt(shop, 'o-1')).toBeDefined();
  });
});
