import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { rehydrate, type Money } from '@ordersource/core';
import { decodeOrderCommand, type OrderCommand } from './commands.js';
import { orderDecider } from './decider.js';
import { OrderEventCodec, type OrderEvent } from './events.js';
import { actors, command, paymentMethods, sampleCheckout } from './examples.js';
import { simulateOrder } from './simulate.js';
import type { OrderLine } from './values.js';

/** PAY-5/REC-7: refunds that name the goods that came back. */

const rub = (amount: number): Money => ({ amount, currency: 'RUB' });
const T = (d: number, h = 10): string => `2026-11-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:00:00Z`;

const lines: OrderLine[] = [
  { lineId: 'l1', sku: 'SNK', name: 'Shoes', qty: 1, unitPrice: rub(500_000), vatRate: 'vat20', kind: 'physical' },
  { lineId: 'l2', sku: 'SCK', name: 'Socks', qty: 4, unitPrice: rub(50_000), vatRate: 'vat20', kind: 'physical' },
];

/** The demo's order: 7,000.00 of goods, 300.00 shipping, 300.00 discount, paid by card. */
const checkout = sampleCheckout({
  lines,
  subtotal: rub(700_000),
  shippingFee: rub(30_000),
  discount: rub(30_000),
  total: rub(700_000),
  paymentMethod: paymentMethods.bankTransfer,
});

const run = (commands: readonly OrderCommand[], history: readonly OrderEvent[] = []) => {
  const result = simulateOrder(commands, history);
  if (E.isLeft(result))
    throw new Error(`${result.left.command.type}: ${result.left.error.code} ${result.left.error.message}`);
  return result.right;
};

const refusal = (history: readonly OrderEvent[], cmd: OrderCommand) => {
  const decided = orderDecider.decide(cmd, rehydrate(orderDecider, history));
  return E.isLeft(decided) ? decided.left : undefined;
};

const paid = () =>
  run([
    command('PlaceOrder', checkout, T(1), actors.customer),
    command('ConfirmOfflinePayment', { paymentId: 'pay-1' }, T(1, 12)),
  ]).events;

const delivered = () =>
  run([command('ShipOrder', { shipmentId: 's-1' }, T(3)), command('MarkDelivered', {}, T(4))], paid()).events;

const refund = (data: Extract<OrderCommand, { type: 'RefundPayment' }>['data'], d = 6) =>
  command('RefundPayment', data, T(d));

const refunded = (events: readonly OrderEvent[]) =>
  events.flatMap((e) => (e.type === 'PaymentRefunded' ? [e.data] : []));

describe('refunds with returned lines (PAY-5, REC-7)', () => {
  it('PAY-5/REC-7: returned lines without an amount refund what was paid for them, net of the order discount', () => {
    // 300.00 discount spread by value: the socks carry 82.19 of it, so 4 pairs cost 1,917.81 (3 x 479.45 + 479.46).
    const { events, state } = run([refund({ refundId: 'r1', lines: [{ lineId: 'l2', qty: 2 }] })], delivered());
    const [data] = refunded(events);
    expect(data).toMatchObject({
      paymentId: 'pay-1',
      refundId: 'r1',
      amount: rub(95_890),
      lines: [{ lineId: 'l2', qty: 2 }],
    });
    expect(state.returnedQty).toEqual({ l2: 2 });
    expect(state.payments[0]?.refunded).toBe(95_890);
    // The next two pairs are the cheaper one left and the one a kopeck dearer.
    const rest = run([refund({ refundId: 'r2', lines: [{ lineId: 'l2', qty: 2 }] }, 7)], run([], events).events);
    expect(refunded(rest.events).at(-1)?.amount).toEqual(rub(95_891));
    expect(rest.state.returnedQty).toEqual({ l2: 4 });
  });

  it('PAY-5/REC-7: a stated amount must be exactly the value of the returned lines', () => {
    const history = delivered();
    expect(
      refunded(
        run([refund({ refundId: 'r1', amount: rub(95_890), lines: [{ lineId: 'l2', qty: 2 }] })], history).events,
      ),
    ).toHaveLength(1);
    expect(
      refusal(history, refund({ refundId: 'r1', amount: rub(100_000), lines: [{ lineId: 'l2', qty: 2 }] })),
    ).toMatchObject({
      code: 'refund-amount-mismatch',
      details: { amount: 100_000, linesValue: 95_890 },
    });
  });

  it('PAY-5: a returned line must be on the order and not returned beyond what was ordered', () => {
    const history = delivered();
    expect(refusal(history, refund({ refundId: 'r1', lines: [{ lineId: 'l9', qty: 1 }] }))?.code).toBe('unknown-line');
    expect(refusal(history, refund({ refundId: 'r1', lines: [{ lineId: 'l2', qty: 5 }] }))?.code).toBe(
      'return-exceeds-ordered',
    );
    const after = run([refund({ refundId: 'r1', lines: [{ lineId: 'l2', qty: 3 }] })], history).events;
    expect(refusal(after, refund({ refundId: 'r2', lines: [{ lineId: 'l2', qty: 2 }] }, 7))).toMatchObject({
      code: 'return-exceeds-ordered',
      details: { lineId: 'l2', qty: 2, ordered: 4, returned: 3 },
    });
  });

  it('PAY-5: never more than was captured, with or without lines', () => {
    const after = run([refund({ refundId: 'r1', amount: rub(650_000) })], delivered()).events;
    expect(refusal(after, refund({ refundId: 'r2', lines: [{ lineId: 'l2', qty: 2 }] }, 7))?.code).toBe(
      'refund-exceeds-captured',
    );
    expect(
      refusal(after, refund({ refundId: 'r2', paymentId: 'pay-1', lines: [{ lineId: 'l2', qty: 2 }] }, 7))?.code,
    ).toBe('refund-exceeds-captured');
  });

  it('PAY-5: a return is refunded from one payment, so one receipt lists its goods; it never spans payments', () => {
    const split = run([
      command('PlaceOrder', { ...checkout, paymentMethod: paymentMethods.bankTransfer }, T(1), actors.customer),
      command('VoidPayment', { paymentId: 'pay-1' }, T(1, 11)),
      command(
        'RequestPayment',
        { paymentId: 'pay-a', amount: rub(350_000), method: paymentMethods.bankTransfer, channel: 'email' },
        T(1, 11),
      ),
      command(
        'RequestPayment',
        { paymentId: 'pay-b', amount: rub(350_000), method: paymentMethods.bankTransfer, channel: 'email' },
        T(1, 11),
      ),
      command('ConfirmOfflinePayment', { paymentId: 'pay-a' }, T(1, 12)),
      command('ConfirmOfflinePayment', { paymentId: 'pay-b' }, T(1, 13)),
      command('ShipOrder', { shipmentId: 's-1' }, T(3)),
      command('MarkDelivered', {}, T(4)),
    ]).events;
    const socks = run([refund({ refundId: 'r1', lines: [{ lineId: 'l2', qty: 2 }] })], split).events;
    expect(refunded(socks)).toMatchObject([{ paymentId: 'pay-b', amount: rub(95_890) }]);
    expect(refusal(split, refund({ refundId: 'r1', lines: [{ lineId: 'l1', qty: 1 }] }))?.code).toBe(
      'refund-spans-payments',
    );
  });

  it('PAY-5: a refund without lines is unchanged and its event carries none (older streams read the same)', () => {
    const { events } = run([refund({ refundId: 'r1', amount: rub(100_000) })], delivered());
    const [data] = refunded(events);
    expect(data).not.toHaveProperty('lines');
    for (const event of events) expect(E.isRight(OrderEventCodec.decode(event))).toBe(true);
  });

  it('PAY-5: units refunded as returned before delivery keep their line: it cannot be removed or reduced below them', () => {
    const history = run([refund({ refundId: 'r1', lines: [{ lineId: 'l2', qty: 2 }] }, 2)], paid()).events;
    expect(refusal(history, command('RemoveOrderLine', { lineId: 'l2' }, T(2, 11)))?.code).toBe('line-returned');
    expect(refusal(history, command('ChangeOrderLine', { lineId: 'l2', qty: 1 }, T(2, 11)))?.code).toBe(
      'line-returned',
    );
    expect(refusal(history, command('ChangeOrderLine', { lineId: 'l2', qty: 2 }, T(2, 11)))).toBeUndefined();
  });

  it('PAY-5: the boundary names the field and the rule of bad returned lines', () => {
    const decode = (data: unknown) =>
      decodeOrderCommand({ type: 'RefundPayment', data, metadata: { commandId: 'c', actor: actors.admin, at: T(6) } });
    const messages = (data: unknown) => {
      const decoded = decode(data);
      return E.isLeft(decoded) ? decoded.left.message : 'accepted';
    };
    expect(messages({ refundId: 'r1', lines: [] })).toMatch(/lines.*at least one line when given/);
    expect(
      messages({
        refundId: 'r1',
        lines: [
          { lineId: 'l2', qty: 1 },
          { lineId: 'l2', qty: 1 },
        ],
      }),
    ).toMatch(/lines\.1\.lineId.*each line named once/);
    expect(messages({ refundId: 'r1', lines: [{ lineId: 'l2', qty: 0 }] })).toMatch(/lines\.0\.qty/);
    expect(messages({ refundId: 'r1', lines: [{ lineId: 'l2', qty: 2 }] })).toBe('accepted');
  });
});
