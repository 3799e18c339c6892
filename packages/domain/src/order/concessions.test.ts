import { describe, expect, it } from 'vitest';
import { rehydrate } from '@ordersource/core';
import { orderDecider } from './decider.js';
import type { OrderEvent } from './events.js';
import { actors, command, eur, paymentMethods, sampleCheckout } from './examples.js';
import {
  amountDueBack,
  balanceDue,
  charged,
  concessionsOf,
  financialStatus,
  netCaptured,
  paymentSecured,
  requestable,
} from './payment-status.js';
import { orderListItem } from './projections/orders.js';
import { returnedQty } from './quantities.js';
import type { OrderState } from './state.js';
import { refusal, run, types } from './test-support/decide.js';
import type { OrderLine } from './values.js';

/**
 * Issue 9 (PAY-2, PAY-3, ORD-8) and issue 17 (PAY-5, returns): what the
 * customer is charged for is the order total minus the concessions: refunds
 * of goods or shipping in full, and a refund naming neither for the part
 * beyond what was owed back when it succeeded. A refunded return is not owed
 * again, does not open a payment link, and does not block the rest of a split
 * shipment; a refund of excess stays one.
 */

const T0 = '2026-11-24T10:00:00Z';
const T1 = '2026-11-24T10:05:00Z';
const T2 = '2026-11-25T09:00:00Z';
const T3 = '2026-11-27T15:00:00Z';
const T4 = '2026-11-29T12:00:00Z';

const physical: OrderLine[] = [
  { lineId: 'a', sku: 'PRINT-A4', name: 'Print A4', qty: 2, unitPrice: eur(1500), vatRate: 'vat20', kind: 'physical' },
  { lineId: 'b', sku: 'FRAME', name: 'Frame', qty: 1, unitPrice: eur(3000), vatRate: 'vat20', kind: 'physical' },
];

/** Two prints and a frame with 5.00 shipping (65.00), paid in full by card and confirmed. */
const paid = (): readonly OrderEvent[] =>
  run([
    command(
      'PlaceOrder',
      sampleCheckout({ lines: physical, shippingFee: eur(500), discount: eur(0) }),
      T0,
      actors.customer,
    ),
    command('RecordSale', { paymentId: 'pay-1', amount: eur(6500) }, T1, actors.provider),
    command('ConfirmOrder', {}, T1, actors.system),
  ]).events;

/** ... and all of it shipped and delivered. */
const delivered = (): readonly OrderEvent[] =>
  run([command('ShipOrder', { shipmentId: 's1' }, T2), command('MarkDelivered', {}, T3)], paid()).events;

/** The money facts the portal, the payment links and the shipping gate read. */
const money = (state: OrderState) => ({
  charged: charged(state),
  balanceDue: balanceDue(state),
  requestable: requestable(state),
  amountDueBack: amountDueBack(state),
  paymentSecured: paymentSecured(state),
  financialStatus: financialStatus(state),
});

const link = (amount: number) =>
  command(
    'RequestPayment',
    { paymentId: 'link-1', amount: eur(amount), method: paymentMethods.card, channel: 'email' },
    T4,
  );

describe('what the customer is charged for after refunds (issue 9 PAY-2/PAY-3/ORD-8, issue 17 PAY-5)', () => {
  it('PAY-2/PAY-3/PAY-5: after a refunded return nothing is owed and no payment link can be requested for the returned goods', () => {
    const history = delivered();
    const back = run(
      [command('RefundPayment', { refundId: 'r1', lines: [{ lineId: 'a', qty: 1 }], reason: 'returned' }, T4)],
      history,
    );
    expect(back.events.at(-1)).toMatchObject({ type: 'PaymentRefunded', data: { amount: eur(1500) } });
    expect(netCaptured(back.state)).toBe(5000);
    expect(concessionsOf(back.state)).toBe(1500);
    expect(money(back.state)).toEqual({
      charged: 5000,
      balanceDue: 0,
      requestable: 0,
      amountDueBack: 0,
      paymentSecured: true,
      financialStatus: 'partially_refunded',
    });
    // The admin list and the customer's portal read the same (they showed the refunded 15.00 as due).
    expect(orderListItem(back.state)).toMatchObject({ balanceDue: 0, paymentStatus: 'paid' });
    expect(refusal(back.events, link(1500))).toBe('amount-exceeds-balance');
    expect(refusal(back.events, link(1))).toBe('amount-exceeds-balance');
  });

  it('PAY-5: the shipping refunded with a return is not owed again either', () => {
    const back = run(
      [command('RefundPayment', { refundId: 'r1', lines: [{ lineId: 'b', qty: 1 }], shipping: true }, T4)],
      delivered(),
    );
    expect(back.events.at(-1)).toMatchObject({
      type: 'PaymentRefunded',
      data: { amount: eur(3500), shipping: eur(500) },
    });
    expect(concessionsOf(back.state)).toBe(3500);
    expect(balanceDue(back.state)).toBe(0);
    expect(requestable(back.state)).toBe(0);
  });

  it('PAY-5: the shipping asked back by a refund request is not owed again once the provider confirms it', () => {
    const history = delivered();
    const asked = run([command('RequestRefund', { refundId: 'q1', paymentId: 'pay-1', shipping: true }, T4)], history);
    expect(money(asked.state)).toEqual(money(rehydrate(orderDecider, history)));
    const confirmed = run([command('ConfirmRefund', { refundId: 'q1' }, T4, actors.provider)], asked.events);
    expect(confirmed.events.at(-1)).toMatchObject({
      type: 'PaymentRefunded',
      data: { amount: eur(500), shipping: eur(500) },
    });
    expect(concessionsOf(confirmed.state)).toBe(500);
    expect(money(confirmed.state)).toMatchObject({ charged: 6000, balanceDue: 0, requestable: 0, amountDueBack: 0 });
  });

  it('PAY-5: a requested return refund changes nothing while pending or failed; its success is the concession', () => {
    const history = delivered();
    const before = money(rehydrate(orderDecider, history));
    const asked = run(
      [command('RequestRefund', { refundId: 'q1', paymentId: 'pay-1', lines: [{ lineId: 'a', qty: 2 }] }, T4)],
      history,
    );
    expect(types(asked.events.slice(history.length))).toEqual(['RefundRequested']);
    expect(money(asked.state)).toEqual(before);
    expect(concessionsOf(asked.state)).toBe(0);
    const failed = run([command('FailRefund', { refundId: 'q1' }, T4, actors.provider)], asked.events);
    expect(money(failed.state)).toEqual(before);
    expect(concessionsOf(failed.state)).toBe(0);
    const confirmed = run([command('ConfirmRefund', { refundId: 'q1' }, T4, actors.provider)], asked.events);
    expect(confirmed.events.at(-1)).toMatchObject({ type: 'PaymentRefunded', data: { amount: eur(3000) } });
    expect(concessionsOf(confirmed.state)).toBe(3000);
    expect(money(confirmed.state)).toMatchObject({ charged: 3500, balanceDue: 0, requestable: 0, amountDueBack: 0 });
  });

  it('ORD-8/PAY-5: on a split shipment, a delivered line returned and refunded does not block the rest from shipping', () => {
    const first = run(
      [
        command('ShipOrder', { shipmentId: 's1', lines: [{ lineId: 'a', qty: 2 }] }, T2),
        command('MarkDelivered', { shipmentId: 's1' }, T3),
        command('RefundPayment', { refundId: 'r1', lines: [{ lineId: 'a', qty: 1 }] }, T3),
      ],
      paid(),
    );
    expect(paymentSecured(first.state)).toBe(true);
    expect(refusal(first.events, command('ShipOrder', { shipmentId: 's2' }, T4))).toBeUndefined();
    const rest = run([command('ShipOrder', { shipmentId: 's2' }, T4)], first.events);
    expect(rest.state.fulfillment.status).toBe('shipped');
    // Only money really missing blocks it: a plain refund of what was not owed back is a concession too, but a
    // lost chargeback is not.
    const short = run(
      [
        command('OpenDispute', { disputeId: 'd1', paymentId: 'pay-1', amount: eur(1000) }, T3, actors.provider),
        command('CloseDispute', { disputeId: 'd1', outcome: 'lost' }, T3, actors.provider),
      ],
      first.events,
    );
    expect(balanceDue(short.state)).toBe(1000);
    expect(refusal(short.events, command('ShipOrder', { shipmentId: 's2' }, T4))).toBe('payment-not-confirmed');
  });

  it('PAY-5: a plain compensation refund on a paid order leaves nothing owed', () => {
    const comp = run(
      [command('RefundPayment', { refundId: 'c1', paymentId: 'pay-1', amount: eur(500), reason: 'late delivery' }, T4)],
      delivered(),
    );
    expect(concessionsOf(comp.state)).toBe(500);
    expect(money(comp.state)).toMatchObject({ charged: 6000, balanceDue: 0, requestable: 0, amountDueBack: 0 });
    expect(refusal(comp.events, link(500))).toBe('amount-exceeds-balance');
  });

  it('PAY-5 (issue 9.1): a refund of the excess after an edit lowered the total is no concession: balance and amount due back 0', () => {
    const edited = run([command('ChangeOrderLine', { lineId: 'b', unitPrice: eur(1000) }, T2)], paid());
    expect(edited.state.totals.total.amount).toBe(4500);
    expect(amountDueBack(edited.state)).toBe(2000);
    const excess = run(
      [command('RefundPayment', { refundId: 'x1', paymentId: 'pay-1', amount: eur(2000) }, T2)],
      edited.events,
    );
    expect(concessionsOf(excess.state)).toBe(0);
    expect(money(excess.state)).toMatchObject({ charged: 4500, balanceDue: 0, requestable: 0, amountDueBack: 0 });
    // RefundExcess gives back the same, and it is no concession either.
    const byCommand = run([command('RefundExcess', { refundId: 'x2' }, T2)], edited.events);
    expect(concessionsOf(byCommand.state)).toBe(0);
    expect(money(byCommand.state)).toMatchObject({ balanceDue: 0, amountDueBack: 0 });
    // Beyond the excess, the rest is a compensation: 2500 refunded, 2000 owed back, 500 given.
    const more = run(
      [command('RefundPayment', { refundId: 'x3', paymentId: 'pay-1', amount: eur(2500) }, T2)],
      edited.events,
    );
    expect(concessionsOf(more.state)).toBe(500);
    expect(money(more.state)).toMatchObject({ charged: 4000, balanceDue: 0, amountDueBack: 0 });
    // The bank sends 300 of it back: she has 2200 back, of which 2000 was owed her, so 200 is the compensation now
    // (the compensation comes off first: the excess went back first).
    const bounced = run(
      [command('ReverseRefund', { refundId: 'x3', amount: eur(300) }, T3, actors.provider)],
      more.events,
    );
    expect(concessionsOf(bounced.state)).toBe(200);
    expect(money(bounced.state)).toMatchObject({ charged: 4300, balanceDue: 0, amountDueBack: 0 });
  });

  it('PAY-5: a reversed return refund undoes its concession: the money facts are as before the refund', () => {
    const history = delivered();
    const before = money(rehydrate(orderDecider, history));
    const back = run([command('RefundPayment', { refundId: 'r1', lines: [{ lineId: 'a', qty: 1 }] }, T4)], history);
    const reversed = run([command('ReverseRefund', { refundId: 'r1' }, T4, actors.provider)], back.events);
    expect(reversed.events.at(-1)).toMatchObject({ type: 'RefundReversed', data: { amount: eur(1500) } });
    expect(concessionsOf(reversed.state)).toBe(0);
    expect(returnedQty(reversed.state, 'a')).toBe(0);
    expect(money(reversed.state)).toMatchObject({ ...before, financialStatus: 'paid' });
    // Its retry counts once again.
    const retried = run(
      [command('RefundPayment', { refundId: 'r2', lines: [{ lineId: 'a', qty: 1 }] }, T4)],
      reversed.events,
    );
    expect(concessionsOf(retried.state)).toBe(1500);
    expect(balanceDue(retried.state)).toBe(0);
  });

  it('PAY-3/PAY-5: on a part-paid order a refunded return lowers what is still owed by its value, no more', () => {
    // On account (ships before it is paid): the invoice request is replaced by a link for a part, which is paid.
    const history = run([
      command(
        'PlaceOrder',
        sampleCheckout({
          lines: physical,
          shippingFee: eur(500),
          discount: eur(0),
          paymentMethod: paymentMethods.invoiceOnAccount,
        }),
        T0,
        actors.customer,
      ),
      command('VoidPayment', { paymentId: 'pay-1', reason: 'pays a part by card now' }, T1),
      command(
        'RequestPayment',
        { paymentId: 'pay-2', amount: eur(3000), method: paymentMethods.card, channel: 'email' },
        T1,
      ),
      command('RecordSale', { paymentId: 'pay-2', amount: eur(3000) }, T1, actors.provider),
      command('ConfirmOrder', {}, T1, actors.system),
      command('ShipOrder', { shipmentId: 's1' }, T2),
      command('MarkDelivered', {}, T3),
    ]);
    expect(balanceDue(history.state)).toBe(3500);
    const back = run(
      [command('RefundPayment', { refundId: 'r1', lines: [{ lineId: 'a', qty: 1 }] }, T4)],
      history.events,
    );
    // She paid 3000 and got 1500 back for a print she returned: of the 5000 she keeps, 3500 is still owed (not 5000).
    expect(money(back.state)).toMatchObject({ charged: 5000, balanceDue: 3500, requestable: 3500, amountDueBack: 0 });
    expect(refusal(back.events, link(3500))).toBeUndefined();
    expect(refusal(back.events, link(3501))).toBe('amount-exceeds-balance');
  });

  it('PAY-5: a cancelled order still costs nothing: all that is held is due back, nothing is owed', () => {
    const cancelled = run([command('CancelOrder', { reason: 'changed her mind' }, T2)], paid());
    expect(money(cancelled.state)).toMatchObject({ charged: 0, balanceDue: 0, requestable: 0, amountDueBack: 6500 });
  });
});
