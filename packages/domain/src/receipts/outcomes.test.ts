import { describe, expect, it } from 'vitest';
import { actors, command, paymentMethods, sampleCheckout } from '../order/examples.js';
import type { OrderLine } from '../order/values.js';
import { rub } from './scenarios.js';
import { brief, orderWorld } from './test-support/order-world.js';

/**
 * Issue 9.3 seen from the receipts (REC-1, REC-7, PAY-1, PAY-5): a receipt
 * follows what the provider reports as done, never what the shop asked.
 * The order decider writes requests and outcomes, the sync translates the
 * history, the receipts decider issues; after every step we look at what was
 * printed.
 */

const ORDER = 'o-async';
const T = (d: number, h = 10): string => `2026-11-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:00:00Z`;

const lines: OrderLine[] = [
  { lineId: 'l-kettle', sku: 'KTL', name: 'Чайник', qty: 1, unitPrice: rub(4000), vatRate: 'vat20', kind: 'physical' },
  { lineId: 'l-cups', sku: 'CUP', name: 'Чашка', qty: 2, unitPrice: rub(1500), vatRate: 'vat20', kind: 'physical' },
];

const world = () => orderWorld(ORDER);

/** 7,000.00 paid by card and captured (a sale): one 100% prepayment (REC-3). */
const paidOrder = async () => {
  const w = world();
  const checkout = sampleCheckout({
    orderId: ORDER,
    lines,
    subtotal: rub(7000),
    shippingFee: rub(0),
    discount: rub(0),
    total: rub(7000),
    paymentMethod: paymentMethods.card,
  });
  expect(await w.act(command('PlaceOrder', checkout, T(1), actors.customer))).toEqual([]);
  expect(
    await w.act(
      command(
        'RecordSale',
        { paymentId: 'pay-1', amount: rub(7000), providerEventId: 'evt-1' },
        T(1, 11),
        actors.provider,
      ),
    ),
  ).toEqual([]);
  // ORD-2: the payment policy records the order once the sale is in.
  expect(await w.act(command('RecordOrder', {}, T(1, 11), actors.system))).toEqual([]);
  expect((await w.printed()).map(brief)).toEqual([['income', 'prepayment', 1, 700_000]]);
  return w;
};

const delivered = async () => {
  const w = await paidOrder();
  expect(await w.act(command('ShipOrder', { shipmentId: 's-1' }, T(2)))).toEqual([]);
  expect(await w.act(command('MarkDelivered', {}, T(3)))).toEqual([]);
  expect((await w.printed()).map(brief).at(-1)).toEqual(['income', 'full-settlement', 4, 700_000]);
  return w;
};

describe('receipts follow payment outcomes, not requests (issue 9.3)', () => {
  it('REC-7/PAY-5: a pending refund prints nothing, a failed one nothing; the confirmed retry returns the advance once', async () => {
    const w = await paidOrder();
    expect(
      await w.act(command('RequestRefund', { refundId: 'rf-1', paymentId: 'pay-1', amount: rub(1500) }, T(2))),
    ).toEqual([]);
    expect(await w.printed()).toHaveLength(1);
    expect(await w.act(command('FailRefund', { refundId: 'rf-1' }, T(2, 12), actors.provider))).toEqual([]);
    expect(await w.printed()).toHaveLength(1);
    expect(
      await w.act(command('RequestRefund', { refundId: 'rf-2', paymentId: 'pay-1', amount: rub(1500) }, T(3))),
    ).toEqual([]);
    expect(await w.printed()).toHaveLength(1);
    expect(await w.act(command('ConfirmRefund', { refundId: 'rf-2' }, T(3, 12), actors.provider))).toEqual([]);
    const receipts = await w.printed();
    // Only the confirmed refund is receipted: before the closing receipt, a return of the advance (REC-7).
    expect(receipts.map(brief)).toEqual([
      ['income', 'prepayment', 1, 700_000],
      ['income-return', 'advance', 3, 150_000],
    ]);
    expect(receipts[1]!.receiptId).toBe(`${ORDER}/refund/pay-1:refund-rf-2/return`);
    expect(receipts[1]!.offsets).toEqual([{ receiptId: receipts[0]!.receiptId, amount: rub(1500) }]);
  });

  it('REC-1/PAY-5: a refund reversed after its return receipt is money received again: an income receipt (an advance before the closing receipt)', async () => {
    const w = await paidOrder();
    await w.act(command('RequestRefund', { refundId: 'rf-1', paymentId: 'pay-1', amount: rub(1500) }, T(2)));
    await w.act(command('ConfirmRefund', { refundId: 'rf-1' }, T(2, 12), actors.provider));
    expect(await w.act(command('ReverseRefund', { refundId: 'rf-1' }, T(3), actors.provider))).toEqual([]);
    const receipts = await w.printed();
    expect(receipts.map(brief)).toEqual([
      ['income', 'prepayment', 1, 700_000],
      ['income-return', 'advance', 3, 150_000],
      ['income', 'advance', 3, 150_000],
    ]);
    expect(receipts[2]!.receiptId).toBe(`${ORDER}/payment/pay-1:refund-rf-1-reversed-1/advance`);
    // Delivery closes on everything held: the prepayment's 5,500 left and the 1,500 that came back.
    expect(await w.act(command('ShipOrder', { shipmentId: 's-1' }, T(4)))).toEqual([]);
    expect(await w.act(command('MarkDelivered', {}, T(5)))).toEqual([]);
    const closing = (await w.printed()).at(-1)!;
    expect([...brief(closing), closing.payments.prepayment.amount, closing.payments.credit.amount]).toEqual([
      'income',
      'full-settlement',
      4,
      700_000,
      700_000,
      0,
    ]);
  });

  it('REC-7/PAY-5: after the closing receipt a failed return of goods prints nothing; the confirmed retry lists the goods once', async () => {
    const w = await delivered();
    const back = { lines: [{ lineId: 'l-cups', qty: 1 }] };
    expect(await w.act(command('RequestRefund', { refundId: 'rf-1', paymentId: 'pay-1', ...back }, T(4)))).toEqual([]);
    await w.act(command('FailRefund', { refundId: 'rf-1' }, T(4, 12), actors.provider));
    expect(await w.printed()).toHaveLength(2);
    await w.act(command('RequestRefund', { refundId: 'rf-2', paymentId: 'pay-1', ...back }, T(5)));
    expect(await w.act(command('ConfirmRefund', { refundId: 'rf-2' }, T(5, 12), actors.provider))).toEqual([]);
    const receipts = await w.printed();
    expect(receipts.map(brief).slice(2)).toEqual([['income-return', 'full-settlement', 4, 150_000]]);
    expect(receipts[2]!.items.map((item) => [item.lineId, item.quantity])).toEqual([['l-cups', 1]]);
  });

  it('REC-1/REC-7/PAY-5: a return of goods reversed after the closing receipt is money in again (an advance), and the retry returns that advance', async () => {
    const w = await delivered();
    await w.act(
      command('RequestRefund', { refundId: 'rf-1', paymentId: 'pay-1', lines: [{ lineId: 'l-cups', qty: 1 }] }, T(4)),
    );
    await w.act(command('ConfirmRefund', { refundId: 'rf-1' }, T(4, 12), actors.provider));
    expect(await w.act(command('ReverseRefund', { refundId: 'rf-1' }, T(5), actors.provider))).toEqual([]);
    expect((await w.printed()).map(brief).slice(2)).toEqual([
      ['income-return', 'full-settlement', 4, 150_000],
      ['income', 'advance', 3, 150_000],
    ]);
    // The cup is back in the shop (its return receipt stands) and the money is the customer's again: the retry
    // gives back money only, so it returns the advance the reversal made, and nothing is left unoffset.
    const retried = await w.act(
      command('RequestRefund', { refundId: 'rf-2', paymentId: 'pay-1', amount: rub(1500) }, T(6)),
    );
    expect(retried).toEqual([]);
    expect(await w.act(command('ConfirmRefund', { refundId: 'rf-2' }, T(6, 12), actors.provider))).toEqual([]);
    const receipts = await w.printed();
    expect(receipts.map(brief).slice(4)).toEqual([['income-return', 'advance', 3, 150_000]]);
    expect(receipts[4]!.offsets).toEqual([{ receiptId: receipts[3]!.receiptId, amount: rub(1500) }]);
  });

  it('REC-1/PAY-1: an authorization and a requested capture print nothing, a failed capture nothing; the capture reported prints the prepayment', async () => {
    const w = world();
    const checkout = sampleCheckout({
      orderId: ORDER,
      lines,
      subtotal: rub(7000),
      shippingFee: rub(0),
      discount: rub(0),
      total: rub(7000),
      paymentMethod: paymentMethods.cardManual,
    });
    expect(await w.act(command('PlaceOrder', checkout, T(1), actors.customer))).toEqual([]);
    await w.act(command('AuthorizePayment', { paymentId: 'pay-1', amount: rub(7000) }, T(1, 11), actors.provider));
    expect(await w.act(command('RequestCapture', { paymentId: 'pay-1' }, T(2)))).toEqual([]);
    expect(await w.printed()).toEqual([]);
    expect(await w.act(command('FailCapture', { paymentId: 'pay-1' }, T(2, 12), actors.provider))).toEqual([]);
    expect(await w.printed()).toEqual([]);
    expect(await w.act(command('RequestCapture', { paymentId: 'pay-1' }, T(3)))).toEqual([]);
    expect(await w.act(command('CapturePayment', { paymentId: 'pay-1' }, T(3, 12), actors.provider))).toEqual([]);
    const receipts = await w.printed();
    expect(receipts.map(brief)).toEqual([['income', 'prepayment', 1, 700_000]]);
    expect(receipts[0]!.receiptId).toBe(`${ORDER}/payment/pay-1:capture-1/prepayment`);
  });

  it('REC-1/PAY-1: a chargeback lost after the closing receipt prints no receipt', async () => {
    const w = await delivered();
    expect(
      await w.act(
        command('OpenDispute', { disputeId: 'dp-1', paymentId: 'pay-1', amount: rub(7000) }, T(5), actors.provider),
      ),
    ).toEqual([]);
    expect(await w.act(command('CloseDispute', { disputeId: 'dp-1', outcome: 'lost' }, T(6), actors.provider))).toEqual(
      [],
    );
    // The card scheme took the money; the shop returned nothing itself, so no income return (seed 003: "после совершения возврата").
    expect((await w.printed()).map(brief)).toEqual([
      ['income', 'prepayment', 1, 700_000],
      ['income', 'full-settlement', 4, 700_000],
    ]);
  });
});
