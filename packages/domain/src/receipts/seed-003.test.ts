import { describe, expect, it } from 'vitest';
import { actors, command, paymentMethods, sampleCheckout } from '../order/examples.js';
import type { OrderLine } from '../order/values.js';
import { rub } from './scenarios.js';
import { brief, orderWorld } from './test-support/order-world.js';

/**
 * Seed 003 (RetailCRM, "Автоматизация оплат и чеков") on returns, through the
 * order decider and its payment provider's answers:
 *   «Чек возврата денег (или /и товара) — после совершения возврата за услугу или товар»
 *   «Возврат денег — передаем информацию о возврате аванса. Увы, из интерфейса RetailCRM
 *    можно сделать только полный возврат. Частичный возврат доступен только из ЛК банка.»
 */

const ORDER = 'SO-003';
const T = (d: number, h = 10): string => `2026-11-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:00:00Z`;

const lines: OrderLine[] = [
  {
    lineId: 'l-sneakers',
    sku: 'SNK',
    name: 'Кроссовки',
    qty: 1,
    unitPrice: rub(5000),
    vatRate: 'vat20',
    kind: 'physical',
  },
  {
    lineId: 'l-socks',
    sku: 'SCK',
    name: 'Носки',
    qty: 4,
    unitPrice: rub(500),
    vatRate: 'vat20',
    kind: 'physical',
    unit: 'пар',
  },
];

/** 7,000.00 paid online by invoice of 5,000.00 (an advance: the amounts differ, REC-3). */
const advancePaid = async () => {
  const w = orderWorld(ORDER);
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
  expect(await w.act(command('VoidPayment', { paymentId: 'pay-1' }, T(1, 11)))).toEqual([]);
  const link = { paymentId: 'inv-1', amount: rub(5000), method: paymentMethods.card, channel: 'telegram' } as const;
  expect(await w.act(command('RequestPayment', link, T(1, 11)))).toEqual([]);
  expect(
    await w.act(command('RecordSale', { paymentId: 'inv-1', amount: rub(5000) }, T(1, 12), actors.provider)),
  ).toEqual([]);
  expect((await w.printed()).map(brief)).toEqual([['income', 'advance', 3, 500_000]]);
  return w;
};

describe('seed 003 — RetailCRM: return receipts follow the return made (REC-1, REC-7, PAY-5)', () => {
  it('REC-7/PAY-5: the full refund from the shop is receipted once the bank made it: a return of the advance, for all of it', async () => {
    const w = await advancePaid();
    // «только полный возврат» from the shop's UI: the request names no amount, so all that can be refunded.
    expect(await w.act(command('RequestRefund', { refundId: 'rf-1', paymentId: 'inv-1' }, T(2)))).toEqual([]);
    // «после совершения возврата»: asked is not made; nothing is printed yet.
    expect(await w.printed()).toHaveLength(1);
    expect(await w.act(command('ConfirmRefund', { refundId: 'rf-1' }, T(2, 12), actors.provider))).toEqual([]);
    const receipts = await w.printed();
    expect(receipts.map(brief)).toEqual([
      ['income', 'advance', 3, 500_000],
      ['income-return', 'advance', 3, 500_000],
    ]);
    expect(receipts[1]!.items.map((item) => [item.name, item.subject, item.vat])).toEqual([
      ['Аванс', 'payment', 'vat20_120'],
    ]);
  });

  it('REC-7/PAY-5: a partial refund made in the bank cabinet, never asked for by the shop, is receipted as it is reported', async () => {
    const w = await advancePaid();
    // «Частичный возврат доступен только из ЛК банка»: the shop learns of it from the provider's report.
    expect(
      await w.act(
        command(
          'ConfirmRefund',
          { refundId: 'bank-77', paymentId: 'inv-1', amount: rub(1200), providerEventId: 'evt-bank-77' },
          T(3),
          actors.provider,
        ),
      ),
    ).toEqual([]);
    const receipts = await w.printed();
    expect(receipts.map(brief)).toEqual([
      ['income', 'advance', 3, 500_000],
      ['income-return', 'advance', 3, 120_000],
    ]);
    expect(receipts[1]!.receiptId).toBe(`${ORDER}/refund/inv-1:refund-bank-77/return`);
    // The same report delivered again prints nothing more.
    await w.act(
      command(
        'ConfirmRefund',
        { refundId: 'bank-77', paymentId: 'inv-1', amount: rub(1200), providerEventId: 'evt-bank-77' },
        T(3, 1),
        actors.provider,
      ),
    );
    expect(await w.printed()).toHaveLength(2);
  });

  it('REC-1/REC-7: a refund the bank could not make prints nothing; the advance stays whole for the closing receipt', async () => {
    const w = await advancePaid();
    await w.act(command('RequestRefund', { refundId: 'rf-1', paymentId: 'inv-1', amount: rub(1000) }, T(2)));
    expect(await w.act(command('FailRefund', { refundId: 'rf-1' }, T(2, 12), actors.provider))).toEqual([]);
    expect((await w.printed()).map(brief)).toEqual([['income', 'advance', 3, 500_000]]);
    // The rest is paid (another advance) and the goods delivered: the closing receipt offsets the first advance whole (REC-5).
    const rest = { paymentId: 'inv-2', amount: rub(2000), method: paymentMethods.card, channel: 'telegram' } as const;
    await w.act(command('RequestPayment', rest, T(3)));
    await w.act(command('RecordSale', { paymentId: 'inv-2', amount: rub(2000) }, T(3, 1), actors.provider));
    await w.act(command('RecordOrder', {}, T(3, 2), actors.system));
    expect(await w.act(command('ShipOrder', { shipmentId: 's-1' }, T(3, 11)))).toEqual([]);
    expect(await w.act(command('MarkDelivered', {}, T(4)))).toEqual([]);
    const receipts = await w.printed();
    expect(receipts.map(brief)).toEqual([
      ['income', 'advance', 3, 500_000],
      ['income', 'advance', 3, 200_000],
      ['income', 'full-settlement', 4, 700_000],
    ]);
    expect(receipts[2]!.offsets.map((offset) => [offset.receiptId, offset.amount.amount])).toEqual([
      [receipts[0]!.receiptId, 500_000],
      [receipts[1]!.receiptId, 200_000],
    ]);
  });
});
