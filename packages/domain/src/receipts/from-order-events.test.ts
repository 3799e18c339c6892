import {
  createCommandHandler,
  createEnvelopeDecoder,
  createInMemoryEventStore,
  type Envelope,
  type EventStore,
} from '@ordersource/core';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { OrderCommand } from '../order/commands.js';
import { orderDecider } from '../order/decider.js';
import { OrderEventCodec, orderStreamId, type OrderEvent } from '../order/events.js';
import { actors, command, paymentMethods, sampleCheckout } from '../order/examples.js';
import type { OrderLine, PaymentMethod } from '../order/values.js';
import { receiptsDecider } from './decider.js';
import { ReceiptsEventCodec, receiptsStreamId, type ReceiptsEvent } from './events.js';
import type { TranslateOptions } from './from-order-events.js';
import type { Receipt } from './receipt.js';
import { syncOrderReceipts } from './sync.js';
import { rub } from './scenarios.js';

/**
 * End to end over one event store: the order decider writes the order stream,
 * the adapter turns its history into receipts commands, the receipts decider
 * issues receipts, and the lock reactor locks the order after the closing one.
 */

const ORDER = 'o-7000';
const T = (d: number, h = 10): string => `2026-11-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:00:00Z`;

const lines: OrderLine[] = [
  {
    lineId: 'l-sneakers',
    sku: 'SNK',
    name: 'Кроссовки беговые',
    qty: 1,
    unitPrice: rub(5000),
    vatRate: 'vat20',
    kind: 'physical',
  },
  {
    lineId: 'l-socks',
    sku: 'SCK',
    name: 'Носки спортивные',
    qty: 4,
    unitPrice: rub(500),
    vatRate: 'vat20',
    kind: 'physical',
    unit: 'пар',
  },
];

const checkout = (overrides: Partial<ReturnType<typeof sampleCheckout>> = {}) =>
  sampleCheckout({
    orderId: ORDER,
    lines,
    subtotal: rub(7000),
    shippingFee: rub(0),
    discount: rub(0),
    total: rub(7000),
    paymentMethod: paymentMethods.bankTransfer,
    ...overrides,
  });

const world = () => {
  const store = createInMemoryEventStore();
  const orders = createCommandHandler({
    store,
    decider: orderDecider,
    decodeEnvelope: createEnvelopeDecoder<OrderEvent>(OrderEventCodec),
  });
  const receipts = createCommandHandler({
    store,
    decider: receiptsDecider,
    decodeEnvelope: createEnvelopeDecoder<ReceiptsEvent>(ReceiptsEventCodec),
  });
  return { store, orders, receipts };
};

type World = ReturnType<typeof world>;

const read = async <Ev extends OrderEvent | ReceiptsEvent>(
  store: EventStore,
  streamId: string,
  decoder: (raw: Envelope) => E.Either<unknown, Envelope<Ev>>,
): Promise<Envelope<Ev>[]> => {
  const out: Envelope<Ev>[] = [];
  for await (const raw of store.read(streamId)) {
    const decoded = decoder(raw);
    if (E.isLeft(decoded)) throw new Error('undecodable event');
    out.push(decoded.right);
  }
  return out;
};

const decodeReceipts = createEnvelopeDecoder<ReceiptsEvent>(ReceiptsEventCodec);

const order = async (w: World, cmd: OrderCommand): Promise<E.Either<string, readonly OrderEvent[]>> => {
  const handled = await w.orders.handle(orderStreamId(ORDER), cmd);
  return E.isLeft(handled)
    ? E.left('code' in handled.left ? handled.left.code : handled.left.kind)
    : E.right(handled.right.events);
};

/** Run the receipts policy over the whole order history (again), then the lock. Idempotent. */
const pump = async (w: World, translate: TranslateOptions = {}): Promise<string[]> => {
  const report = await syncOrderReceipts({
    store: w.store,
    receipts: w.receipts,
    orders: w.orders,
    orderId: ORDER,
    translate,
  });
  if (E.isLeft(report)) throw new Error(report.left.message);
  return report.right.refused.map(({ error }) => ('code' in error ? error.code : error.kind));
};

const issued = async (w: World): Promise<Receipt[]> =>
  (await read<ReceiptsEvent>(w.store, receiptsStreamId(ORDER), decodeReceipts)).flatMap((envelope) =>
    envelope.event.type === 'ReceiptIssued' ? [envelope.event.data.receipt] : [],
  );

const request = (paymentId: string, amount: number, method: PaymentMethod = paymentMethods.bankTransfer) =>
  command('RequestPayment', { paymentId, amount: rub(amount), method, channel: 'email' }, T(1, 11));

describe('receipts from order events, end to end', () => {
  it('REC-3/REC-5/ORD-9: an order of 7,000 paid 5,000 then 2,000 and delivered; then the order is locked', async () => {
    const w = world();
    expect(E.isRight(await order(w, command('PlaceOrder', checkout(), T(1), actors.customer)))).toBe(true);
    // Open requests count against the balance (PAY-3, issue 9.2): the checkout request gives way to the two parts.
    await order(w, command('VoidPayment', { paymentId: 'pay-1' }, T(1, 11)));
    await order(w, request('pay-a', 5000));
    await order(w, request('pay-b', 2000));
    expect(E.isRight(await order(w, command('ConfirmOfflinePayment', { paymentId: 'pay-a' }, T(1, 12))))).toBe(true);
    expect(await pump(w)).toEqual([]);
    expect(E.isRight(await order(w, command('ConfirmOfflinePayment', { paymentId: 'pay-b' }, T(2))))).toBe(true);
    expect(E.isRight(await order(w, command('ShipOrder', { shipmentId: 's-1' }, T(3))))).toBe(true);
    expect(E.isRight(await order(w, command('MarkDelivered', {}, T(4))))).toBe(true);
    // The policy runs again over the whole history: nothing is receipted twice.
    expect(await pump(w)).toEqual([]);
    expect(await pump(w)).toEqual([]);
    const receipts = await issued(w);
    expect(receipts.map((r) => [r.kind, r.paymentMethod, r.total.amount, r.payments.prepayment.amount])).toEqual([
      ['advance', 3, 500_000, 0],
      ['advance', 3, 200_000, 0],
      ['full-settlement', 4, 700_000, 700_000],
    ]);
    // Ids come from the money movement (payment and capture number) and the handover: stable and readable.
    expect(receipts.map((r) => r.receiptId)).toEqual([
      'o-7000/payment/pay-a:capture-1/advance',
      'o-7000/payment/pay-b:capture-1/advance',
      'o-7000/handover/delivered/closing',
    ]);
    expect(receipts[2]!.items.map((item) => [item.lineId, item.quantity, item.unit, item.vat])).toEqual([
      ['l-sneakers', 1, 'шт', 'vat20'],
      ['l-socks', 4, 'пар', 'vat20'],
    ]);
    const locked = await order(w, command('ChangeOrderLine', { lineId: 'l-socks', qty: 5 }, T(5)));
    expect(locked).toEqual(E.left('order-locked'));
  });

  it('REC-3/REC-5: an order paid in full, then changed (an item added), paid again and delivered', async () => {
    const w = world();
    await order(
      w,
      command('PlaceOrder', checkout({ paymentMethod: paymentMethods.bankTransfer }), T(1), actors.customer),
    );
    expect(E.isRight(await order(w, command('ConfirmOfflinePayment', { paymentId: 'pay-1' }, T(1, 12))))).toBe(true);
    const cap: OrderLine = {
      lineId: 'l-cap',
      sku: 'CAP',
      name: 'Кепка',
      qty: 1,
      unitPrice: rub(1000),
      vatRate: 'vat20',
      kind: 'physical',
    };
    expect(E.isRight(await order(w, command('AddOrderLine', { line: cap }, T(2))))).toBe(true);
    await order(w, request('pay-2', 1000));
    expect(E.isRight(await order(w, command('ConfirmOfflinePayment', { paymentId: 'pay-2' }, T(2, 12))))).toBe(true);
    await order(w, command('ShipOrder', { shipmentId: 's-1' }, T(3)));
    await order(w, command('MarkDelivered', {}, T(4)));
    expect(await pump(w)).toEqual([]);
    expect((await issued(w)).map((r) => [r.kind, r.total.amount])).toEqual([
      ['prepayment', 700_000],
      ['advance', 100_000],
      ['full-settlement', 800_000],
    ]);
  });

  it('REC-1/REC-5: cash on delivery: one full-settlement receipt paid in cash when the courier takes the money', async () => {
    const w = world();
    await order(
      w,
      command('PlaceOrder', checkout({ paymentMethod: paymentMethods.cashOnDelivery }), T(1), actors.customer),
    );
    await order(w, command('ShipOrder', { shipmentId: 's-1' }, T(3)));
    expect(E.isRight(await order(w, command('ConfirmOfflinePayment', { paymentId: 'pay-1' }, T(4))))).toBe(true);
    expect(await pump(w)).toEqual([]);
    const [receipt] = await issued(w);
    expect(receipt).toMatchObject({ kind: 'full-settlement', payments: { cash: rub(7000), prepayment: rub(0) } });
  });

  it('REC-4: a licence sold online settles at once when it is paid', async () => {
    const w = world();
    const licence: OrderLine = {
      lineId: 'l-lic',
      sku: 'LIC',
      name: 'Лицензия ПО',
      qty: 1,
      unitPrice: rub(2990),
      vatRate: 'none',
      kind: 'digital',
    };
    await order(
      w,
      command(
        'PlaceOrder',
        checkout({ lines: [licence], subtotal: rub(2990), total: rub(2990), paymentMethod: paymentMethods.card }),
        T(1),
        actors.customer,
      ),
    );
    expect(
      E.isRight(
        await order(w, command('RecordSale', { paymentId: 'pay-1', amount: rub(2990) }, T(1, 1), actors.provider)),
      ),
    ).toBe(true);
    expect(await pump(w)).toEqual([]);
    expect((await issued(w)).map((r) => [r.kind, r.paymentMethod, r.payments.electronic.amount])).toEqual([
      ['full-settlement', 4, 299_000],
    ]);
  });

  it('REC-7: a full refund before delivery returns the advance', async () => {
    const w = world();
    await order(w, command('PlaceOrder', checkout(), T(1), actors.customer));
    await order(w, command('VoidPayment', { paymentId: 'pay-1' }, T(1, 11)));
    await order(w, request('pay-a', 5000));
    await order(w, command('ConfirmOfflinePayment', { paymentId: 'pay-a' }, T(1, 12)));
    expect(E.isRight(await order(w, command('RefundPayment', { paymentId: 'pay-a', refundId: 'rf-1' }, T(2))))).toBe(
      true,
    );
    expect(await pump(w)).toEqual([]);
    expect((await issued(w)).map((r) => [r.kind, r.operation, r.total.amount])).toEqual([
      ['advance', 'income', 500_000],
      ['advance', 'income-return', 500_000],
    ]);
  });

  it('REC-6 (issue 9.5): three marked pairs are scanned at packing, closed as three positions with their codes, one returned by its code', async () => {
    const w = world();
    const codes = [1, 2, 3].map((n) => `0104600439931256215Mr7RfeH6J8r${n}\u001d91EE06`);
    const shoes: OrderLine = {
      lineId: 'l-shoes',
      sku: 'SH',
      name: 'Туфли',
      qty: 3,
      unitPrice: rub(7000),
      vatRate: 'vat20',
      kind: 'physical',
      marked: true,
    };
    const placed = checkout({ lines: [shoes], subtotal: rub(21000), total: rub(21000) });
    expect(E.isRight(await order(w, command('PlaceOrder', placed, T(1), actors.customer)))).toBe(true);
    await order(w, command('ConfirmOfflinePayment', { paymentId: 'pay-1' }, T(1, 12)));
    expect(await pump(w)).toEqual([]);
    const [prepayment] = await issued(w);
    // The prepayment lists the goods; the codes are not known yet and a prepayment carries none.
    expect(prepayment!.items).toHaveLength(1);
    expect(prepayment!.items[0]).toMatchObject({ quantity: 3, subject: 'marked-goods' });
    expect(prepayment!.items[0]!.markingCode).toBeUndefined();
    // Packing scans one code per pair; the shipment without them is refused.
    expect(await order(w, command('ShipOrder', { shipmentId: 's1' }, T(2)))).toEqual(E.left('marking-codes-required'));
    const ship = command(
      'ShipOrder',
      { shipmentId: 's1', lines: [{ lineId: 'l-shoes', qty: 3, markingCodes: codes }] },
      T(2),
    );
    expect(E.isRight(await order(w, ship))).toBe(true);
    await order(w, command('MarkDelivered', {}, T(4)));
    expect(await pump(w)).toEqual([]);
    const closing = (await issued(w)).at(-1)!;
    expect(closing.kind).toBe('full-settlement');
    expect(closing.items.map((item) => [item.quantity, item.markingCode, item.subject])).toEqual(
      codes.map((code) => [1, code, 'marked-goods']),
    );
    // One pair comes back, named by its code; the return receipt lists exactly it.
    const back = (code: string, refundId: string) =>
      command('RefundPayment', { refundId, lines: [{ lineId: 'l-shoes', qty: 1, markingCodes: [code] }] }, T(6));
    expect(E.isRight(await order(w, back(codes[1]!, 'rf-1')))).toBe(true);
    expect(await pump(w)).toEqual([]);
    const returned = (await issued(w)).at(-1)!;
    expect(returned.operation).toBe('income-return');
    expect(returned.items.map((item) => item.markingCode)).toEqual([codes[1]]);
    expect(returned.total.amount).toBe(700_000);
    // The same unit never comes back twice.
    expect(await order(w, back(codes[1]!, 'rf-2'))).toEqual(E.left('marking-code-returned'));
  });

  it('REC-2: shipping becomes a service position and the discount is spread without losing a kopeck', async () => {
    const w = world();
    const odd: OrderLine = {
      lineId: 'l-tea',
      sku: 'TEA',
      name: 'Чай',
      qty: 3,
      unitPrice: rub(100),
      vatRate: 'vat10',
      kind: 'physical',
    };
    await order(
      w,
      command(
        'PlaceOrder',
        checkout({
          lines: [odd],
          subtotal: rub(300),
          shippingFee: rub(100),
          discount: { amount: 1, currency: 'RUB' },
          total: { amount: 39_999, currency: 'RUB' },
        }),
        T(1),
        actors.customer,
      ),
    );
    await order(w, command('ConfirmOfflinePayment', { paymentId: 'pay-1' }, T(1, 12)));
    expect(await pump(w)).toEqual([]);
    const [prepayment] = await issued(w);
    expect(prepayment!.total).toEqual({ amount: 39_999, currency: 'RUB' });
    expect(
      prepayment!.items.map((item) => [item.lineId, item.quantity, item.price.amount, item.vat, item.subject]),
    ).toEqual([
      ['l-tea', 1, 9_999, 'vat10_110', 'goods'],
      ['l-tea~1', 2, 10_000, 'vat10_110', 'goods'],
      ['shipping', 1, 10_000, 'vat20_120', 'service'],
    ]);
  });

  it('REC-5/PAY-1: captured after delivery: the goods go out on credit (1214 = 6), the capture repays it (1214 = 7)', async () => {
    const w = world();
    await order(
      w,
      command('PlaceOrder', checkout({ paymentMethod: paymentMethods.cardAfterDelivery }), T(1), actors.customer),
    );
    expect(
      E.isRight(
        await order(
          w,
          command('AuthorizePayment', { paymentId: 'pay-1', amount: rub(7000) }, T(1, 1), actors.provider),
        ),
      ),
    ).toBe(true);
    await order(w, command('ConfirmOrder', {}, T(1, 2)));
    expect(E.isRight(await order(w, command('ShipOrder', { shipmentId: 's-1' }, T(3))))).toBe(true);
    expect(E.isRight(await order(w, command('MarkDelivered', {}, T(4))))).toBe(true);
    expect(await pump(w)).toEqual([]);
    expect(E.isRight(await order(w, command('CaptureOnDelivery', {}, T(4, 11), actors.system)))).toBe(true);
    // Issue 9: capture on delivery is a request; the provider's report of the capture is the money received.
    expect(
      E.isRight(await order(w, command('CapturePayment', { paymentId: 'pay-1' }, T(4, 12), actors.provider))),
    ).toBe(true);
    expect(await pump(w)).toEqual([]);
    expect(
      (await issued(w)).map((r) => [r.kind, r.paymentMethod, r.payments.credit.amount, r.payments.electronic.amount]),
    ).toEqual([
      ['credit-handover', 6, 700_000, 0],
      ['credit-repayment', 7, 0, 700_000],
    ]);
  });

  it('REC-7: a full refund after delivery returns every line as settled goods', async () => {
    const w = world();
    await order(w, command('PlaceOrder', checkout(), T(1), actors.customer));
    await order(w, command('ConfirmOfflinePayment', { paymentId: 'pay-1' }, T(1, 12)));
    await order(w, command('ShipOrder', { shipmentId: 's-1' }, T(3)));
    await order(w, command('MarkDelivered', {}, T(4)));
    expect(E.isRight(await order(w, command('RefundPayment', { paymentId: 'pay-1', refundId: 'rf-1' }, T(6))))).toBe(
      true,
    );
    expect(await pump(w)).toEqual([]);
    const refund = (await issued(w)).at(-1)!;
    expect([refund.kind, refund.operation, refund.paymentMethod, refund.total.amount]).toEqual([
      'full-settlement',
      'income-return',
      4,
      700_000,
    ]);
    expect(refund.items.map((item) => [item.lineId, item.quantity])).toEqual([
      ['l-sneakers', 1],
      ['l-socks', 4],
    ]);
  });

  it('REC-7/PAY-5 (issue 9): a partial refund after delivery naming no lines is recorded unassigned, never refused; an admin names its goods and the return follows', async () => {
    const w = world();
    await order(w, command('PlaceOrder', checkout(), T(1), actors.customer));
    await order(w, command('ConfirmOfflinePayment', { paymentId: 'pay-1' }, T(1, 12)));
    await order(w, command('ShipOrder', { shipmentId: 's-1' }, T(3)));
    await order(w, command('MarkDelivered', {}, T(4)));
    await order(w, command('RefundPayment', { paymentId: 'pay-1', refundId: 'rf-1', amount: rub(1000) }, T(6)));
    expect(await pump(w)).toEqual([]);
    const stream = receiptsStreamId(ORDER);
    const unassigned = (await read<ReceiptsEvent>(w.store, stream, decodeReceipts)).flatMap((e) =>
      e.event.type === 'RefundGoodsUnassigned' ? [e.event.data] : [],
    );
    expect(unassigned).toEqual([
      { orderId: ORDER, movementId: 'pay-1:refund-rf-1', amount: rub(1000), means: 'electronic' },
    ]);
    expect((await issued(w)).filter((r) => r.operation === 'income-return')).toEqual([]);
    // The admin finds the socks came back: two pairs at 500.
    const assign = (commandId: string, lines: readonly { lineId: string; qty: number }[]) =>
      w.receipts.handle(stream, {
        type: 'AssignRefundGoods',
        data: { movementId: 'pay-1:refund-rf-1', lines },
        metadata: { commandId, actor: actors.admin, at: T(7) },
      });
    const assigned = await assign('assign-1', [{ lineId: 'l-socks', qty: 2 }]);
    expect(E.isRight(assigned)).toBe(true);
    const back = (await issued(w)).filter((r) => r.operation === 'income-return');
    expect(back.map((r) => [r.kind, r.paymentMethod, r.total, r.items.map((i) => [i.lineId, i.quantity])])).toEqual([
      ['full-settlement', 4, rub(1000), [['l-socks', 2]]],
    ]);
    const again = await assign('assign-2', [{ lineId: 'l-socks', qty: 2 }]);
    expect(E.isLeft(again) && 'code' in again.left && again.left.code).toBe('already-assigned');
  });

  it('PAY-5/REC-7 (issue 9): a refund asked with lines that the provider confirms for less returns those goods priced pro rata, for the money confirmed', async () => {
    const w = world();
    await order(w, command('PlaceOrder', checkout(), T(1), actors.customer));
    await order(w, command('ConfirmOfflinePayment', { paymentId: 'pay-1' }, T(1, 12)));
    await order(w, command('ShipOrder', { shipmentId: 's-1' }, T(3)));
    await order(w, command('MarkDelivered', {}, T(4)));
    const asked = await order(
      w,
      command('RequestRefund', { paymentId: 'pay-1', refundId: 'rf-1', lines: [{ lineId: 'l-socks', qty: 2 }] }, T(5)),
    );
    expect(E.isRight(asked)).toBe(true);
    const confirmed = await order(
      w,
      command('ConfirmRefund', { refundId: 'rf-1', amount: rub(700), providerEventId: 'evt-1' }, T(6), actors.provider),
    );
    expect(E.isRight(confirmed)).toBe(true);
    expect(await pump(w)).toEqual([]);
    const back = (await issued(w)).filter((r) => r.operation === 'income-return');
    expect(
      back.map((r) => [r.kind, r.total, r.items.map((i) => [i.lineId, i.quantity, i.price.amount, i.amount.amount])]),
    ).toEqual([['full-settlement', rub(700), [['l-socks', 2, 35_000, 70_000]]]]);
  });

  it('PAY-5/REC-7 (issue 9): part of a refund of goods reversed before its success was reported: the goods come back priced to the money left on the books', async () => {
    const w = world();
    await order(w, command('PlaceOrder', checkout(), T(1), actors.customer));
    await order(w, command('ConfirmOfflinePayment', { paymentId: 'pay-1' }, T(1, 12)));
    await order(w, command('ShipOrder', { shipmentId: 's-1' }, T(3)));
    await order(w, command('MarkDelivered', {}, T(4)));
    await order(
      w,
      command('RequestRefund', { paymentId: 'pay-1', refundId: 'rf-1', lines: [{ lineId: 'l-socks', qty: 2 }] }, T(5)),
    );
    const reversed = await order(
      w,
      command('ReverseRefund', { refundId: 'rf-1', amount: rub(300), providerEventId: 'evt-1' }, T(6), actors.provider),
    );
    expect(E.isRight(reversed)).toBe(true);
    await order(w, command('ConfirmRefund', { refundId: 'rf-1', providerEventId: 'evt-2' }, T(7), actors.provider));
    expect(await pump(w)).toEqual([]);
    const back = (await issued(w)).filter((r) => r.operation === 'income-return');
    expect(back.map((r) => [r.total, r.items.map((i) => [i.lineId, i.quantity, i.amount.amount])])).toEqual([
      [rub(700), [['l-socks', 2, 70_000]]],
    ]);
  });

  it('REC-7/PAY-5: a partial refund after delivery with its lines prints an income return listing those goods', async () => {
    const w = world();
    await order(w, command('PlaceOrder', checkout(), T(1), actors.customer));
    await order(w, command('ConfirmOfflinePayment', { paymentId: 'pay-1' }, T(1, 12)));
    await order(w, command('ShipOrder', { shipmentId: 's-1' }, T(3)));
    await order(w, command('MarkDelivered', {}, T(4)));
    expect(await pump(w)).toEqual([]);
    const refunded = await order(
      w,
      command('RefundPayment', { paymentId: 'pay-1', refundId: 'rf-1', lines: [{ lineId: 'l-socks', qty: 2 }] }, T(6)),
    );
    expect(E.isRight(refunded) && refunded.right[0]?.data).toMatchObject({ amount: rub(1000) });
    expect(await pump(w)).toEqual([]);
    const refund = (await issued(w)).at(-1)!;
    expect(refund).toMatchObject({
      kind: 'full-settlement',
      operation: 'income-return',
      paymentMethod: 4,
      total: rub(1000),
      payments: { electronic: rub(1000), prepayment: rub(0), credit: rub(0) },
    });
    expect(refund.items.map((item) => [item.lineId, item.name, item.quantity, item.price.amount, item.vat])).toEqual([
      ['l-socks', 'Носки спортивные', 2, 50_000, 'vat20'],
    ]);
    // The order stays locked; the rest of the socks can come back later, never more than were sold.
    expect(
      await order(
        w,
        command(
          'RefundPayment',
          { paymentId: 'pay-1', refundId: 'rf-2', lines: [{ lineId: 'l-socks', qty: 3 }] },
          T(7),
        ),
      ),
    ).toEqual(E.left('return-exceeds-ordered'));
  });

  it('REC-7/REC-2: with an order discount the return is priced as the receipts printed the goods, kopeck for kopeck', async () => {
    const w = world();
    const discounted = checkout({ shippingFee: rub(300), discount: rub(300), total: rub(7000) });
    await order(w, command('PlaceOrder', discounted, T(1), actors.customer));
    await order(w, command('ConfirmOfflinePayment', { paymentId: 'pay-1' }, T(1, 12)));
    await order(w, command('ShipOrder', { shipmentId: 's-1' }, T(3)));
    await order(w, command('MarkDelivered', {}, T(4)));
    for (const [refundId, day] of [
      ['rf-1', 6],
      ['rf-2', 7],
    ] as const)
      expect(
        E.isRight(
          await order(w, command('RefundPayment', { refundId, lines: [{ lineId: 'l-socks', qty: 2 }] }, T(day))),
        ),
      ).toBe(true);
    expect(await pump(w)).toEqual([]);
    const receipts = await issued(w);
    const closing = receipts.find((r) => r.receiptId.endsWith('/closing'))!;
    expect(closing.items.map((item) => [item.lineId, item.quantity, item.price.amount])).toEqual([
      ['l-sneakers', 1, 479_452],
      ['l-socks', 3, 47_945],
      ['l-socks~1', 1, 47_946],
      ['shipping', 1, 28_767],
    ]);
    const returns = receipts.filter((r) => r.operation === 'income-return');
    expect(returns.map((r) => [r.total.amount, r.items.map((item) => [item.lineId, item.quantity])])).toEqual([
      [95_890, [['l-socks', 2]]],
      [
        95_891,
        [
          ['l-socks', 1],
          ['l-socks~1', 1],
        ],
      ],
    ]);
  });
});
