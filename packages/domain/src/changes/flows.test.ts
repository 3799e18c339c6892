import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { orderStreamId } from '../order/events.js';
import { actors, eur } from '../order/examples.js';
import { netCaptured, totalRefunded } from '../order/payment-status.js';
import { receiptsCommandsFor } from '../receipts/from-order-events.js';
import { simulate } from '../receipts/simulate.js';
import { exchangeOrderIdOf } from './plan.js';
import { previewChange } from './preview.js';
import { begin, changeCmd, cup, placedOrder, pot, Shop, T, tea } from './test-support/harness.js';
import { orderAtVersion, orderVersionsOf } from './versions.js';

/** The receipts the order's history issues (REC-1..REC-7), by kind and operation. */
const receiptsOf = (shop: Shop, orderId: string) => {
  const commands = receiptsCommandsFor(shop.history(orderId));
  if (E.isLeft(commands)) throw new Error(commands.left.message);
  const run = simulate(commands.right.map((c) => c.command));
  const refused = run.outcomes.flatMap((o) => (E.isLeft(o.result) ? [o.result.left.code] : []));
  expect(refused).toEqual([]);
  return run.state.issued.map((id) => run.state.receipts[id]?.receipt).filter((r) => r !== undefined);
};

describe('issue 17: staged edits (ORD-9, PAY-3, PAY-5)', () => {
  it('a staged edit changes nothing until committed, then the balance becomes one payment request with the link', () => {
    const shop = new Shop();
    placedOrder(shop, 'paid');
    const before = shop.history('o-1').length;
    expect(begin(shop, 'ch1', 'edit', T(10))).toBeUndefined();
    expect(
      shop.change('ch1', changeCmd('StageChangeAction', { action: { action: 'add-line', line: pot() } }, T(11))),
    ).toBeUndefined();
    expect(
      shop.change(
        'ch1',
        changeCmd('StageChangeAction', { action: { action: 'change-quantity', lineId: 'l2', qty: 1 } }, T(12)),
      ),
    ).toBeUndefined();
    expect(shop.history('o-1')).toHaveLength(before);
    // Preview: 900 + 700 + 2500 + 500 - 200 = 4400; 3300 paid, so 1100 due, no refund.
    const preview = previewChange(shop.get('ch1'), shop.history('o-1'), T(13));
    if (E.isLeft(preview)) throw new Error(preview.left.message);
    expect(preview.right.totals?.total.amount).toBe(4400);
    expect(preview.right.balanceDue).toBe(1100);
    expect(preview.right.refundOwed).toBe(0);
    expect(shop.history('o-1')).toHaveLength(before);
    shop.change(
      'ch1',
      changeCmd(
        'ConfirmOrderChange',
        { staffNote: 'phoned', paymentLink: { channel: 'sms', url: 'https://pay.example/ch1' } },
        T(14),
      ),
    );
    expect(shop.refusals).toEqual([]);
    const order = shop.state('o-1');
    expect(order.totals.total.amount).toBe(4400);
    const request = order.payments.find((p) => p.paymentId === 'ch1-balance');
    expect(request).toMatchObject({
      requested: 1100,
      status: 'pending',
      channel: 'sms',
      url: 'https://pay.example/ch1',
    });
    expect(shop.get('ch1').status).toBe('applied');
    // Order versions: placement and the change, each readable.
    const versions = orderVersionsOf(shop.history('o-1'));
    expect(versions.map((v) => v.changeId)).toEqual([null, 'ch1']);
    const last = versions[1];
    expect(last === undefined ? 0 : orderAtVersion(shop.history('o-1'), last.version).totals.total.amount).toBe(4400);
    expect(orderAtVersion(shop.history('o-1'), before - 1).totals.total.amount).toBe(3300);
  });

  it('an edit that lowers the total refunds the excess; an open request is replaced by one for the new balance', () => {
    const paid = new Shop();
    placedOrder(paid, 'paid');
    begin(paid, 'ch2', 'edit', T(10));
    paid.change('ch2', changeCmd('StageChangeAction', { action: { action: 'remove-line', lineId: 'l2' } }, T(11)));
    paid.change('ch2', changeCmd('ConfirmOrderChange', {}, T(12)));
    // 900 + 500 - 200 = 1200 left; 3300 paid: 2100 back.
    expect(totalRefunded(paid.state('o-1'))).toBe(2100);
    expect(netCaptured(paid.state('o-1'))).toBe(1200);

    const unpaid = new Shop();
    placedOrder(unpaid, 'placed');
    begin(unpaid, 'ch3', 'edit', T(10));
    unpaid.change('ch3', changeCmd('StageChangeAction', { action: { action: 'add-line', line: pot() } }, T(11)));
    unpaid.change('ch3', changeCmd('ConfirmOrderChange', { paymentLink: { channel: 'email' } }, T(12)));
    const payments = unpaid.state('o-1').payments;
    expect(payments.map((p) => [p.paymentId, p.status, p.requested])).toEqual([
      ['pay-1', 'voided', 3300],
      ['ch3-balance', 'pending', 5800],
    ]);
  });

  it('a discarded (canceled) or declined change leaves no trace but its own record', () => {
    const shop = new Shop();
    placedOrder(shop, 'paid');
    const before = JSON.stringify(shop.history('o-1'));
    begin(shop, 'ch4', 'edit', T(10));
    shop.change('ch4', changeCmd('StageChangeAction', { action: { action: 'add-line', line: pot() } }, T(11)));
    shop.change('ch4', changeCmd('CancelOrderChange', { reason: 'customer changed her mind' }, T(12)));
    expect(shop.get('ch4').status).toBe('canceled');
    expect(shop.change('ch4', changeCmd('ConfirmOrderChange', {}, T(13)))).toBe('change-closed');
    expect(JSON.stringify(shop.history('o-1'))).toBe(before);
  });

  it('an edit cannot begin once the composition is final (ORD-9): a return, exchange or claim instead', () => {
    const shop = new Shop();
    placedOrder(shop, 'delivered');
    expect(begin(shop, 'ch5', 'edit', T(10))).toBe('order-locked');
  });
});

describe('issue 17: returns (REC-7, PAY-5, CUS-3)', () => {
  it('the customer requests a return of her own order; the shop confirms, receives, restocks and refunds exactly the goods', () => {
    const shop = new Shop();
    placedOrder(shop, 'delivered');
    expect(begin(shop, 'r1', 'return', T(10), actors.otherCustomer)).toBe('forbidden');
    expect(begin(shop, 'r1', 'return', T(10), actors.customer)).toBeUndefined();
    expect(
      shop.change(
        'r1',
        changeCmd('StageReturnItem', { item: { lineId: 'l2', qty: 4, reason: 'wrong-size' } }, T(11), actors.customer),
      ),
    ).toBe('return-exceeds-delivered');
    expect(
      shop.change(
        'r1',
        changeCmd('StageReturnItem', { item: { lineId: 'l2', qty: 2, reason: 'no-such' } }, T(11), actors.customer),
      ),
    ).toBe('unknown-reason');
    shop.change(
      'r1',
      changeCmd('StageReturnItem', { item: { lineId: 'l2', qty: 2, reason: 'wrong-size' } }, T(11), actors.customer),
    );
    shop.change('r1', changeCmd('RequestOrderChange', { note: 'too small' }, T(12), actors.customer));
    expect(shop.change('r1', changeCmd('ConfirmOrderChange', {}, T(13), actors.customer))).toBe('forbidden');
    shop.change('r1', changeCmd('ConfirmOrderChange', {}, T(13)));
    // Nothing is refunded before the goods arrive.
    expect(totalRefunded(shop.state('o-1'))).toBe(0);
    shop.change(
      'r1',
      changeCmd(
        'ReceiveReturn',
        {
          items: [
            { lineId: 'l2', qty: 1, condition: 'sellable', restock: true },
            { lineId: 'l2', qty: 1, condition: 'damaged', restock: false },
          ],
        },
        T(14),
      ),
    );
    expect(shop.refusals).toEqual([]);
    // Two cups at what was paid for them after the order discount (net-prices.ts).
    const refunded = totalRefunded(shop.state('o-1'));
    expect(refunded).toBeGreaterThan(0);
    expect(shop.state('o-1').returnedQty).toEqual({ l2: 2 });
    expect(shop.restocked).toEqual([expect.objectContaining({ lines: [{ lineId: 'l2', sku: 'CUP-1', qty: 1 }] })]);
    const receipts = receiptsOf(shop, 'o-1');
    const ret = receipts.find((r) => r.operation === 'income-return');
    expect(ret?.total.amount).toBe(refunded);
    expect(ret?.items.map((i) => [i.lineId, i.quantity])).toEqual([['l2', 2]]);
    // Never twice: the same cups cannot be returned again beyond what is left.
    begin(shop, 'r2', 'return', T(20));
    expect(
      shop.change('r2', changeCmd('StageReturnItem', { item: { lineId: 'l2', qty: 2, reason: 'wrong-size' } }, T(21))),
    ).toBe('return-exceeds-delivered');
  });

  it('a declined return leaves the order untouched', () => {
    const shop = new Shop();
    placedOrder(shop, 'delivered');
    const before = JSON.stringify(shop.history('o-1'));
    begin(shop, 'r3', 'return', T(10), actors.customer);
    shop.change(
      'r3',
      changeCmd('StageReturnItem', { item: { lineId: 'l1', qty: 1, reason: 'changed-mind' } }, T(11), actors.customer),
    );
    expect(shop.change('r3', changeCmd('DeclineOrderChange', { reason: 'too early' }, T(12)))).toBe(
      'change-not-requested',
    );
    shop.change('r3', changeCmd('RequestOrderChange', {}, T(12), actors.customer));
    shop.change('r3', changeCmd('DeclineOrderChange', { reason: 'return window closed' }, T(13)));
    expect(shop.get('r3').status).toBe('declined');
    expect(JSON.stringify(shop.history('o-1'))).toBe(before);
  });
});

describe('issue 17: exchanges and claims (REC-5, REC-7)', () => {
  it('an exchange: the returned cups pay for the tea pot, the difference is one payment request, receipts on both sides', () => {
    const shop = new Shop();
    placedOrder(shop, 'delivered');
    begin(shop, 'x1', 'exchange', T(10), actors.customer);
    shop.change(
      'x1',
      changeCmd('StageReturnItem', { item: { lineId: 'l2', qty: 3, reason: 'changed-mind' } }, T(11), actors.customer),
    );
    shop.change(
      'x1',
      changeCmd('StageChangeAction', { action: { action: 'add-line', line: pot() } }, T(11), actors.customer),
    );
    shop.change('x1', changeCmd('RequestOrderChange', {}, T(12), actors.customer));
    const preview = previewChange(shop.get('x1'), shop.history('o-1'), T(12));
    if (E.isLeft(preview)) throw new Error(preview.left.message);
    shop.change('x1', changeCmd('ConfirmOrderChange', { paymentLink: { channel: 'email' } }, T(13)));
    shop.change(
      'x1',
      changeCmd('ReceiveReturn', { items: [{ lineId: 'l2', qty: 3, condition: 'sellable', restock: true }] }, T(14)),
    );
    expect(shop.refusals).toEqual([]);
    const original = shop.state('o-1');
    const moved = totalRefunded(original);
    const exchangeId = exchangeOrderIdOf(shop.get('x1'));
    const exchange = shop.state(exchangeId);
    expect(exchange.totals.total.amount).toBe(2500);
    expect(exchange.payments.map((p) => [p.paymentId, p.status, p.captured, p.requested])).toEqual([
      ['x1-checkout', 'voided', 0, 2500],
      ['x1-transfer', 'captured', moved, moved],
      ['x1-balance', 'pending', 0, 2500 - moved],
    ]);
    expect(preview.right.transferred).toBe(moved);
    expect(preview.right.balanceDue).toBe(2500 - moved);
    // The original's income-return lists exactly the cups for exactly the value moved.
    const ret = receiptsOf(shop, 'o-1').find((r) => r.operation === 'income-return');
    expect([ret?.total.amount, ret?.items.map((i) => i.lineId)]).toEqual([moved, ['l2']]);
    // The preview foresaw that receipt and the replacement order's advance.
    expect(preview.right.receipts.map((r) => [r.orderId, r.operation, r.total.amount])).toEqual(
      receiptsOf(shop, 'o-1')
        .filter((r) => r.operation === 'income-return')
        .map((r) => [r.orderId, r.operation, r.total.amount])
        .concat(receiptsOf(shop, exchangeId).map((r) => [r.orderId, r.operation, r.total.amount])),
    );
    expect(shop.get('x1')).toMatchObject({ status: 'applied', applied: { exchangeOrderId: exchangeId } });
    expect(shop.history(exchangeId)[0]?.streamId).toBe(orderStreamId(exchangeId));
  });

  it('a claim for a damaged cup: a replacement at no charge, paid by the claimed value; or a refund', () => {
    const replace = new Shop();
    placedOrder(replace, 'delivered');
    expect(begin(replace, 'k1', 'claim', T(10))).toBe('resolution-required');
    begin(replace, 'k1', 'claim', T(10), actors.customer, { resolution: 'replace' });
    replace.change(
      'k1',
      changeCmd('StageReturnItem', { item: { lineId: 'l2', qty: 1, reason: 'damaged' } }, T(11), actors.customer),
    );
    replace.change('k1', changeCmd('RequestOrderChange', {}, T(12), actors.customer));
    replace.change('k1', changeCmd('ConfirmOrderChange', {}, T(13)));
    expect(replace.refusals).toEqual([]);
    const claimed = totalRefunded(replace.state('o-1'));
    const replacement = replace.state(exchangeOrderIdOf(replace.get('k1')));
    expect(replacement.lines.map((l) => [l.lineId, l.sku, l.qty])).toEqual([['l2-r', 'CUP-1', 1]]);
    expect(replacement.totals.total.amount).toBe(claimed);
    expect(netCaptured(replacement)).toBe(claimed);
    expect(replacement.payments.filter((p) => p.status === 'pending')).toEqual([]);

    const refund = new Shop();
    placedOrder(refund, 'delivered');
    begin(refund, 'k2', 'claim', T(10), actors.admin, { resolution: 'refund' });
    refund.change('k2', changeCmd('StageReturnItem', { item: { lineId: 'l1', qty: 2, reason: 'missing' } }, T(11)));
    refund.change('k2', changeCmd('ConfirmOrderChange', {}, T(12)));
    expect(refund.refusals).toEqual([]);
    expect(refund.state('o-1').returnedQty).toEqual({ l1: 2 });
    const ret = receiptsOf(refund, 'o-1').find((r) => r.operation === 'income-return');
    expect(ret?.total.amount).toBe(totalRefunded(refund.state('o-1')));
  });

  it('a change the order refuses when it is applied is recorded failed and sends nothing', () => {
    const shop = new Shop();
    placedOrder(shop, 'delivered');
    begin(shop, 'r9', 'return', T(10));
    shop.change('r9', changeCmd('StageReturnItem', { item: { lineId: 'l1', qty: 2, reason: 'changed-mind' } }, T(11)));
    shop.change('r9', changeCmd('ConfirmOrderChange', {}, T(12)));
    // Meanwhile the shop refunded the whole order by hand.
    shop.order(orderStreamId('o-1'), {
      type: 'RefundPayment',
      data: {
        refundId: 'manual',
        lines: [
          { lineId: 'l1', qty: 2 },
          { lineId: 'l2', qty: 3 },
        ],
      },
      metadata: { commandId: 'manual', actor: actors.admin, at: T(13) },
    });
    const before = shop.history('o-1').length;
    shop.change(
      'r9',
      changeCmd('ReceiveReturn', { items: [{ lineId: 'l1', qty: 2, condition: 'sellable', restock: true }] }, T(14)),
    );
    expect(shop.get('r9')).toMatchObject({ status: 'failed', failed: { code: 'return-exceeds-ordered' } });
    expect(shop.history('o-1')).toHaveLength(before);
  });

  it('ids are stable: applying the same ready change again appends nothing', () => {
    const shop = new Shop();
    placedOrder(shop, 'paid');
    begin(shop, 'ch7', 'edit', T(10));
    shop.change(
      'ch7',
      changeCmd('StageChangeAction', { action: { action: 'add-line', line: pot('n7', 2, eur(100).amount) } }, T(11)),
    );
    shop.change('ch7', changeCmd('ConfirmOrderChange', {}, T(12)));
    const after = shop.history('o-1').length;
    const commandIds = shop.get('ch7').applied?.commandIds ?? [];
    expect(commandIds.length).toBeGreaterThan(0);
    expect(commandIds.every((id) => shop.handled.has(id))).toBe(true);
    expect(shop.history('o-1')).toHaveLength(after);
    expect(tea.lineId).toBe('l1');
    expect(cup.lineId).toBe('l2');
  });
});
