import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { orderStreamId } from '../order/events.js';
import { actors, eur, paymentMethods, sampleCheckout } from '../order/examples.js';
import { netCaptured, totalRefunded } from '../order/payment-status.js';
import { shippingPaid } from '../order/refund-shipping.js';
import type { OrderLine } from '../order/values.js';
import { receiptsCommandsFor } from '../receipts/from-order-events.js';
import { simulate } from '../receipts/simulate.js';
import { previewChange } from './preview.js';
import { begin, changeCmd, cup, orderCmd, placedOrder, pot, Shop, T, tea } from './test-support/harness.js';

/**
 * Issue 17: a return gives back the shipping fee when the shop chooses
 * (`refundShipping`), and names the returned marked units by their codes;
 * the income-return receipt lists exactly those positions for exactly the
 * money (REC-6, REC-7, PAY-5).
 */

const receiptsOf = (shop: Shop, orderId: string) => {
  const commands = receiptsCommandsFor(shop.history(orderId));
  if (E.isLeft(commands)) throw new Error(commands.left.message);
  const run = simulate(commands.right.map((c) => c.command));
  expect(run.outcomes.flatMap((o) => (E.isLeft(o.result) ? [o.result.left.code] : []))).toEqual([]);
  return run.state.issued.map((id) => run.state.receipts[id]?.receipt).filter((r) => r !== undefined);
};

const must = <A>(value: E.Either<{ message: string }, A>): A => {
  if (E.isLeft(value)) throw new Error(value.left.message);
  return value.right;
};

const returnOf = (shop: Shop, id: string, lineId: string, qty: number, confirm: Record<string, unknown>) => {
  begin(shop, id, 'return', T(10), actors.customer);
  shop.change(
    id,
    changeCmd('StageReturnItem', { item: { lineId, qty, reason: 'wrong-size' } }, T(11), actors.customer),
  );
  const confirmed = shop.change(id, changeCmd('ConfirmOrderChange', confirm, T(12)));
  if (confirmed !== undefined) return confirmed;
  shop.change(
    id,
    changeCmd('ReceiveReturn', { items: [{ lineId, qty, condition: 'sellable', restock: true }] }, T(13)),
  );
  return undefined;
};

describe('issue 17: shipping refunds after the closing receipt (REC-7, PAY-5)', () => {
  it('a return with refundShipping gives back the goods and the shipping paid, once; the receipt lists both', () => {
    const shop = new Shop();
    placedOrder(shop, 'delivered');
    const shipping = must(shippingPaid(shop.state('o-1')));
    // 500 shipping less its share of the 200 discount (net-prices.ts).
    expect(shipping).toBeGreaterThan(0);
    expect(shipping).toBeLessThan(500);
    expect(returnOf(shop, 'r1', 'l2', 1, { refundShipping: true })).toBeUndefined();
    expect(shop.refusals).toEqual([]);
    expect(shop.get('r1').status).toBe('applied');
    const refund = shop.history('o-1').flatMap((e) => (e.event.type === 'PaymentRefunded' ? [e.event.data] : []));
    expect(refund).toHaveLength(1);
    expect(refund[0]?.shipping?.amount).toBe(shipping);
    expect(refund[0]?.lines).toEqual([{ lineId: 'l2', qty: 1 }]);
    const state = shop.state('o-1');
    expect(state.shippingRefunded).toBe(shipping);
    // Money: held = total - the goods' and the shipping's value, to the minor unit.
    expect(netCaptured(state)).toBe(state.totals.total.amount - (refund[0]?.amount.amount ?? 0));
    const ret = receiptsOf(shop, 'o-1').find((r) => r.operation === 'income-return');
    expect(ret?.total.amount).toBe(totalRefunded(state));
    expect(ret?.items.map((i) => [i.lineId, i.quantity, i.amount.amount])).toEqual([
      ['l2', 1, (refund[0]?.amount.amount ?? 0) - shipping],
      ['shipping', 1, shipping],
    ]);
    // Never twice: a second return asking for shipping fails on the order, nothing refunded.
    expect(returnOf(shop, 'r2', 'l2', 1, { refundShipping: true })).toBeUndefined();
    expect(shop.get('r2').status).toBe('failed');
    expect(shop.get('r2').failed?.code).toBe('shipping-not-refundable');
    expect(totalRefunded(shop.state('o-1'))).toBe(refund[0]?.amount.amount);
    // The same return without shipping goes through.
    expect(returnOf(shop, 'r3', 'l2', 1, {})).toBeUndefined();
    expect(shop.get('r3').status).toBe('applied');
  });

  it('the preview shows the refund and the receipt with the shipping position before the shop confirms', () => {
    const shop = new Shop();
    placedOrder(shop, 'delivered');
    begin(shop, 'r1', 'return', T(10), actors.customer);
    shop.change(
      'r1',
      changeCmd('StageReturnItem', { item: { lineId: 'l2', qty: 1, reason: 'wrong-size' } }, T(11), actors.customer),
    );
    shop.change('r1', changeCmd('RequestOrderChange', {}, T(11), actors.customer));
    const shipping = must(shippingPaid(shop.state('o-1')));
    const without = must(previewChange(shop.get('r1'), shop.history('o-1'), T(12)));
    const withShipping = must(previewChange(shop.get('r1'), shop.history('o-1'), T(12), {}, { refundShipping: true }));
    expect(withShipping.refundOwed).toBe(without.refundOwed + shipping);
    expect(withShipping.receipts.flatMap((r) => r.items.map((i) => i.lineId))).toEqual(['l2', 'shipping']);
    // What the preview showed is what the commit does.
    shop.change('r1', changeCmd('ConfirmOrderChange', { refundShipping: true }, T(12)));
    shop.change(
      'r1',
      changeCmd('ReceiveReturn', { items: [{ lineId: 'l2', qty: 1, condition: 'sellable', restock: true }] }, T(13)),
    );
    expect(totalRefunded(shop.state('o-1'))).toBe(withShipping.refundOwed);
  });

  it('the order decider refunds shipping alone once, and never more than was paid for it', () => {
    const shop = new Shop();
    placedOrder(shop, 'delivered');
    const stream = orderStreamId('o-1');
    expect(shop.order(stream, orderCmd('RefundPayment', { refundId: 'sh-1', shipping: true }, T(20)))).toBeUndefined();
    const paid = must(shippingPaid(shop.state('o-1')));
    expect(totalRefunded(shop.state('o-1'))).toBe(paid);
    expect(shop.order(stream, orderCmd('RefundPayment', { refundId: 'sh-2', shipping: true }, T(21)))).toBe(
      'shipping-not-refundable',
    );
    // A stated amount must be the value exactly (lines + shipping): nothing more can be asked.
    expect(
      shop.order(
        stream,
        orderCmd(
          'RefundPayment',
          { refundId: 'sh-3', lines: [{ lineId: 'l1', qty: 1 }], shipping: true, amount: eur(9999) },
          T(22),
        ),
      ),
    ).toBe('shipping-not-refundable');
    const ret = receiptsOf(shop, 'o-1').filter((r) => r.operation === 'income-return');
    expect(ret.map((r) => r.items.map((i) => [i.lineId, i.amount.amount]))).toEqual([[['shipping', paid]]]);
  });

  it('a reversed shipping refund may be given again, and the receipts return the shipping position once (issue 9)', () => {
    const shop = new Shop();
    placedOrder(shop, 'delivered');
    const stream = orderStreamId('o-1');
    const paid = must(shippingPaid(shop.state('o-1')));
    expect(shop.order(stream, orderCmd('RefundPayment', { refundId: 'sh-1', shipping: true }, T(20)))).toBeUndefined();
    expect(
      shop.order(stream, orderCmd('ReverseRefund', { refundId: 'sh-1', amount: eur(paid) }, T(21), actors.provider)),
    ).toBeUndefined();
    // The money came back to the shop: the shipping is no longer given back, so it may be again.
    expect(shop.state('o-1').shippingRefunded ?? 0).toBe(0);
    expect(shop.order(stream, orderCmd('RefundPayment', { refundId: 'sh-2', shipping: true }, T(22)))).toBeUndefined();
    expect(shop.state('o-1').shippingRefunded).toBe(paid);
    const returns = receiptsOf(shop, 'o-1').filter((r) => r.operation === 'income-return');
    expect(returns.flatMap((r) => r.items.filter((i) => i.lineId === 'shipping'))).toHaveLength(1);
  });

  it('only a return or a refunded claim gives back shipping; not when the order charged none', () => {
    const shop = new Shop();
    placedOrder(shop, 'delivered');
    begin(shop, 'x1', 'exchange', T(10), actors.customer);
    shop.change('x1', changeCmd('StageReturnItem', { item: { lineId: 'l2', qty: 1, reason: 'wrong-size' } }, T(11)));
    shop.change('x1', changeCmd('StageChangeAction', { action: { action: 'add-line', line: pot('x1') } }, T(11)));
    expect(shop.change('x1', changeCmd('ConfirmOrderChange', { refundShipping: true }, T(12)))).toBe(
      'shipping-refund-not-allowed',
    );
    begin(shop, 'k1', 'claim', T(10), actors.admin, { resolution: 'replace' });
    shop.change('k1', changeCmd('StageReturnItem', { item: { lineId: 'l2', qty: 1, reason: 'damaged' } }, T(11)));
    expect(shop.change('k1', changeCmd('ConfirmOrderChange', { refundShipping: true }, T(12)))).toBe(
      'shipping-refund-not-allowed',
    );
    begin(shop, 'k2', 'claim', T(10), actors.admin, { resolution: 'refund' });
    shop.change('k2', changeCmd('StageReturnItem', { item: { lineId: 'l2', qty: 1, reason: 'damaged' } }, T(11)));
    expect(shop.change('k2', changeCmd('ConfirmOrderChange', { refundShipping: true }, T(12)))).toBeUndefined();
    expect(shop.get('k2').status).toBe('applied');
    expect(shop.state('o-1').shippingRefunded).toBe(must(shippingPaid(shop.state('o-1'))));

    const none = new Shop();
    placeWithoutShipping(none);
    expect(returnOf(none, 'r1', 'l2', 1, { refundShipping: true })).toBe('no-shipping-fee');
  });
});

const placeWithoutShipping = (shop: Shop) => {
  const stream = orderStreamId('o-1');
  const lines = [tea, cup];
  const subtotal = lines.reduce((s, l) => s + l.unitPrice.amount * l.qty, 0);
  shop.order(
    stream,
    orderCmd(
      'PlaceOrder',
      {
        ...placeData(lines),
        shippingFee: eur(0),
        discount: eur(0),
        subtotal: eur(subtotal),
        total: eur(subtotal),
      },
      T(0),
      actors.customer,
    ),
  );
  shop.order(stream, orderCmd('RecordSale', { paymentId: 'pay-1', amount: eur(subtotal) }, T(1), actors.provider));
  shop.order(stream, orderCmd('ConfirmOrder', {}, T(2)));
  shop.order(stream, orderCmd('ShipOrder', { shipmentId: 's1' }, T(3)));
  shop.order(stream, orderCmd('MarkDelivered', {}, T(4)));
};

const placeData = (lines: OrderLine[]) => sampleCheckout({ orderId: 'o-1', lines, paymentMethod: paymentMethods.card });

const CODES = ['0104601234567890215abcdEF', '0104601234567890215ghijKL', '0104601234567890215mnopQR'];
const boots: OrderLine = {
  lineId: 'lm',
  sku: 'BOOT-1',
  name: 'Boots',
  qty: 3,
  unitPrice: eur(3000),
  vatRate: 'vat20',
  kind: 'physical',
  marked: true,
};

const deliveredMarked = (): Shop => {
  const shop = new Shop();
  placedOrder(shop, 'paid', 'o-1', [tea, boots]);
  const stream = orderStreamId('o-1');
  shop.order(stream, orderCmd('ConfirmOrder', {}, T(2)));
  expect(
    shop.order(
      stream,
      orderCmd(
        'ShipOrder',
        {
          shipmentId: 's1',
          lines: [
            { lineId: 'l1', qty: 2 },
            { lineId: 'lm', qty: 3, markingCodes: CODES },
          ],
        },
        T(3),
      ),
    ),
  ).toBeUndefined();
  shop.order(stream, orderCmd('MarkDelivered', {}, T(4)));
  return shop;
};

describe('issue 17: returned marked units by code (REC-6)', () => {
  it('the refund lines carry the returned units codes and the income-return receipt names them', () => {
    const shop = deliveredMarked();
    begin(shop, 'r1', 'return', T(10), actors.customer);
    expect(
      shop.change(
        'r1',
        changeCmd('StageReturnItem', { item: { lineId: 'lm', qty: 2, reason: 'wrong-size' } }, T(11), actors.customer),
      ),
    ).toBe('marking-codes-required');
    expect(
      shop.change(
        'r1',
        changeCmd(
          'StageReturnItem',
          { item: { lineId: 'lm', qty: 2, reason: 'wrong-size', units: [CODES[2] ?? '', CODES[0] ?? ''] } },
          T(11),
          actors.customer,
        ),
      ),
    ).toBeUndefined();
    shop.change('r1', changeCmd('ConfirmOrderChange', {}, T(12)));
    // One of the two named units arrived: the receipt must say which.
    const receive = (units?: string[]) =>
      shop.change(
        'r1',
        changeCmd(
          'ReceiveReturn',
          {
            items: [
              { lineId: 'lm', qty: 1, condition: 'sellable', restock: true, ...(units === undefined ? {} : { units }) },
            ],
          },
          T(13),
        ),
      );
    expect(receive()).toBe('received-units-required');
    expect(receive([CODES[1] ?? ''])).toBe('unknown-unit');
    expect(receive([CODES[0] ?? ''])).toBeUndefined();
    expect(shop.refusals).toEqual([]);
    const refund = shop.history('o-1').flatMap((e) => (e.event.type === 'PaymentRefunded' ? [e.event.data] : []));
    expect(refund.map((r) => r.lines)).toEqual([[{ lineId: 'lm', qty: 1, markingCodes: [CODES[0]] }]]);
    expect(shop.state('o-1').returnedCodes).toEqual({ lm: [CODES[0]] });
    const ret = receiptsOf(shop, 'o-1').find((r) => r.operation === 'income-return');
    expect(ret?.total.amount).toBe(refund[0]?.amount.amount);
    expect(ret?.items.map((i) => [i.lineId, i.quantity, i.markingCode])).toEqual([['lm', 1, CODES[0]]]);
  });

  it('every named unit arrived: the return names all their codes', () => {
    const shop = deliveredMarked();
    begin(shop, 'r1', 'return', T(10));
    shop.change(
      'r1',
      changeCmd(
        'StageReturnItem',
        { item: { lineId: 'lm', qty: 2, reason: 'wrong-size', units: [CODES[1] ?? '', CODES[2] ?? ''] } },
        T(11),
      ),
    );
    shop.change('r1', changeCmd('ConfirmOrderChange', { refundShipping: true }, T(12)));
    shop.change(
      'r1',
      changeCmd('ReceiveReturn', { items: [{ lineId: 'lm', qty: 2, condition: 'damaged', restock: false }] }, T(13)),
    );
    expect(shop.refusals).toEqual([]);
    expect(shop.restocked).toEqual([]);
    const ret = receiptsOf(shop, 'o-1').find((r) => r.operation === 'income-return');
    // A line whose net total does not divide by its units prices one unit a kopeck dearer (`lm~1`).
    expect(ret?.items.map((i) => [i.lineId?.split('~')[0], i.markingCode ?? null])).toEqual([
      ['lm', CODES[1]],
      ['lm', CODES[2]],
      ['shipping', null],
    ]);
    expect(ret?.total.amount).toBe(totalRefunded(shop.state('o-1')));
  });
});
