import { createInMemoryEventStore, createProjectionRunner } from '@ordersource/core';
import { orderStreamId } from '@ordersource/domain';
import { reconciliationProjection, receiptsStreamId } from '@ordersource/domain/receipts';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { createShop } from './shop.js';
import { admin, checkoutData, customer, provider, raw, rub } from './test-support/orders.js';

/**
 * Issue 9 (PAY-5, REC-7), through the running shop: a refund the provider
 * reports after delivery naming no goods (made in its dashboard) is recorded
 * on the receipts stream unassigned, never refused by the receipts reactor;
 * the reconciliation shows it; an admin's `AssignRefundGoods`, sent to the
 * receipts stream like any command, issues the income return for it.
 */

const AT = '2026-11-01T10:00:00.000Z';

describe('issue 9: a provider refund after delivery naming no goods, through createShop', () => {
  it('PAY-5/REC-7: no refusal in runUntilIdle, the reconciliation shows the unassigned money, AssignRefundGoods issues its income return', async () => {
    const shop = createShop({ store: createInMemoryEventStore() });
    const stream = orderStreamId('o-1');
    const send = async (streamId: string, type: string, data: unknown, actor = admin) => {
      const result = await shop.execute(streamId, raw(type, data, actor, AT));
      if (E.isLeft(result)) throw new Error(`${type}: ${result.left.message}`);
      return result.right;
    };
    await send(stream, 'PlaceOrder', checkoutData('o-1'), customer);
    await send(stream, 'AuthorizePayment', { paymentId: 'o-1-pay', amount: rub(7000) }, provider);
    await send(stream, 'CapturePayment', { paymentId: 'o-1-pay' }, provider);
    // The order's reactors record the paid order before it can ship (ORD-2).
    expect((await shop.runUntilIdle()).refusals).toEqual([]);
    await send(stream, 'ShipOrder', { shipmentId: 'o-1-s', carrier: 'CDEK' });
    await send(stream, 'MarkDelivered', {});
    expect((await shop.runUntilIdle()).refusals).toEqual([]);

    // The bank refunds 1,500 from its dashboard: a fact the shop never asked for, naming no goods.
    await send(
      stream,
      'ConfirmRefund',
      { refundId: 'dash-1', paymentId: 'o-1-pay', amount: rub(1500), providerEventId: 'evt-dash-1' },
      provider,
    );
    const drained = await shop.runUntilIdle();
    expect(drained.refusals).toEqual([]);
    expect(drained.parked).toEqual([]);

    const reconciliation = createProjectionRunner(shop.store, reconciliationProjection);
    await reconciliation.catchUp();
    expect(reconciliation.state()['o-1']).toMatchObject({
      closed: true,
      moneyReceived: 700_000,
      moneyReturned: 0,
      unassignedRefund: 150_000,
      unassignedRefunds: { 'o-1-pay:refund-dash-1': 150_000 },
    });

    // The admin finds the shoes came back (worth more than 1,500: priced pro rata to the money).
    await send(receiptsStreamId('o-1'), 'AssignRefundGoods', {
      movementId: 'o-1-pay:refund-dash-1',
      lines: [{ lineId: 'l1', qty: 1 }],
    });
    expect((await shop.runUntilIdle()).refusals).toEqual([]);
    const records = await shop.queries.receipts('o-1');
    const back = records.map((record) => record.receipt).filter((receipt) => receipt.operation === 'income-return');
    expect(back.map((r) => [r.kind, r.paymentMethod, r.total, r.items.map((i) => [i.lineId, i.quantity])])).toEqual([
      ['full-settlement', 4, rub(1500), [['l1', 1]]],
    ]);
    await reconciliation.catchUp();
    expect(reconciliation.state()['o-1']).toMatchObject({ moneyReturned: 150_000, unassignedRefund: 0 });

    // A customer may not name a refund's goods.
    const forbidden = await shop.execute(
      receiptsStreamId('o-1'),
      raw(
        'AssignRefundGoods',
        { movementId: 'o-1-pay:refund-dash-1', lines: [{ lineId: 'l2', qty: 1 }] },
        customer,
        AT,
      ),
    );
    expect(E.isLeft(forbidden) && 'code' in forbidden.left && forbidden.left.code).toBe('forbidden');
  });
});
