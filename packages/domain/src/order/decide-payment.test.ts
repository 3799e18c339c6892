import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { refusal, run } from './test-support/decide.js';
import { rehydrate } from '@ordersource/core';
import { orderDecider } from './decider.js';
import { actors, command, eur, paymentMethods, sampleCheckout } from './examples.js';
import { financialStatus, pixpaPaymentStatus } from './payment-status.js';
import type { PaymentMethod } from './values.js';

const T0 = '2026-11-24T10:00:00Z';
const T1 = '2026-11-24T10:05:00Z';
const T2 = '2026-11-24T11:00:00Z';
const TOTAL = 2100;

const placed = (method: PaymentMethod = paymentMethods.cardManual) =>
  run([command('PlaceOrder', sampleCheckout({ paymentMethod: method }), T0, actors.customer)]).events;
const authorize = (amount = TOTAL, paymentId = 'pay-1') =>
  command('AuthorizePayment', { paymentId, amount: eur(amount), providerMessage: 'Approved 00' }, T1, actors.provider);
const capture = (amount?: number, final?: boolean) =>
  command(
    'CapturePayment',
    {
      paymentId: 'pay-1',
      ...(amount === undefined ? {} : { amount: eur(amount) }),
      ...(final === undefined ? {} : { final }),
    },
    T2,
  );

describe('online payments (PAY-1)', () => {
  it('PAY-1: authorize, then capture in full; the provider message is kept', () => {
    const { state } = run([authorize(), capture()], placed());
    expect(state.payments[0]).toMatchObject({ status: 'captured', authorized: TOTAL, captured: TOTAL, released: 0 });
    expect(state.payments[0]?.messages[0]).toMatchObject({ event: 'PaymentAuthorized', message: 'Approved 00' });
    expect(financialStatus(state)).toBe('paid');
  });

  it('PAY-1: several partial captures, the last one final releases the rest', () => {
    const { state } = run([authorize(), capture(500, false), capture(700, false)], placed());
    expect(state.payments[0]).toMatchObject({ status: 'partially_captured', captured: 1200 });
    expect(financialStatus(state)).toBe('partially_paid');
    const after = run(
      [capture(300, true)],
      run([authorize(), capture(500, false), capture(700, false)], placed()).events,
    );
    expect(after.state.payments[0]).toMatchObject({ status: 'captured', captured: 1500, released: 600 });
  });

  it('PAY-1: a capture above what is authorized is refused', () => {
    const events = run([authorize(), capture(2000, false)], placed()).events;
    expect(refusal(events, capture(200))).toBe('capture-exceeds-authorized');
  });

  it('PAY-1: void releases the authorization; expiry likewise; a failed attempt keeps the gateway message', () => {
    const voided = run(
      [authorize(), command('VoidPayment', { paymentId: 'pay-1', reason: 'customer asked' }, T2)],
      placed(),
    );
    expect(voided.state.payments[0]).toMatchObject({ status: 'voided', released: TOTAL });
    expect(financialStatus(voided.state)).toBe('voided');
    const expired = run([authorize(), command('ExpirePayment', { paymentId: 'pay-1' }, T2, actors.provider)], placed());
    expect(financialStatus(expired.state)).toBe('expired');
    const failed = run(
      [
        command('FailPayment', { paymentId: 'pay-1', providerMessage: '51 insufficient funds' }, T1, actors.provider),
        authorize(),
      ],
      placed(),
    );
    expect(failed.state.payments[0]?.messages.map((m) => m.message)).toEqual(['51 insufficient funds', 'Approved 00']);
    expect(failed.state.payments[0]?.status).toBe('authorized');
  });

  it('PAY-1: a sale authorizes and captures in one step', () => {
    const { state } = run(
      [command('RecordSale', { paymentId: 'pay-1', amount: eur(TOTAL) }, T1, actors.provider)],
      placed(),
    );
    expect(state.payments[0]).toMatchObject({ status: 'captured', authorized: TOTAL, captured: TOTAL });
  });
});

describe('payment status (PAY-2)', () => {
  it('PAY-2: the Shopify-like status maps onto Pixpa’s paid / pending / refunded', () => {
    const events = placed(paymentMethods.bankTransfer);
    expect(pixpaPaymentStatus(financialStatus(run([], events).state))).toBe('pending');
    const paid = run([command('ConfirmOfflinePayment', { paymentId: 'pay-1', note: 'wire received' }, T1)], events);
    expect(pixpaPaymentStatus(financialStatus(paid.state))).toBe('paid');
    const refunded = run(
      [command('RefundPayment', { paymentId: 'pay-1', refundId: 'r1', external: true, reason: 'order cancelled' }, T2)],
      paid.events,
    );
    expect(financialStatus(refunded.state)).toBe('refunded');
    expect(pixpaPaymentStatus(financialStatus(refunded.state))).toBe('refunded');
  });

  it('PAY-2: authorized and partially refunded', () => {
    expect(financialStatus(run([authorize()], placed()).state)).toBe('authorized');
    const part = run(
      [authorize(), capture(), command('RefundPayment', { paymentId: 'pay-1', refundId: 'r1', amount: eur(100) }, T2)],
      placed(),
    );
    expect(financialStatus(part.state)).toBe('partially_refunded');
    expect(pixpaPaymentStatus('partially_refunded')).toBe('paid');
  });
});

describe('payment links (PAY-3)', () => {
  it('PAY-3: a link for a part of the order is paid only in its exact amount, never less', () => {
    const events = run(
      [
        command('VoidPayment', { paymentId: 'pay-1', reason: 'split in two links' }, T1),
        command(
          'RequestPayment',
          { paymentId: 'link-1', amount: eur(1000), method: paymentMethods.card, channel: 'telegram' },
          T1,
        ),
        command(
          'RequestPayment',
          { paymentId: 'link-2', amount: eur(1100), method: paymentMethods.card, channel: 'qr' },
          T1,
        ),
      ],
      placed(),
    ).events;
    expect(refusal(events, authorize(999, 'link-1'))).toBe('amount-mismatch');
    expect(refusal(events, command('RecordSale', { paymentId: 'link-1', amount: eur(900) }, T2, actors.provider))).toBe(
      'amount-mismatch',
    );
    const paid = run([command('RecordSale', { paymentId: 'link-1', amount: eur(1000) }, T2, actors.provider)], events);
    expect(financialStatus(paid.state)).toBe('partially_paid');
  });

  it('PAY-3: a link cannot ask for more than is still owed and not already held', () => {
    const events = run([authorize(1000 + 1100)], placed()).events;
    expect(
      refusal(
        events,
        command(
          'RequestPayment',
          { paymentId: 'x', amount: eur(1), method: paymentMethods.card, channel: 'email' },
          T2,
        ),
      ),
    ).toBe('amount-exceeds-balance');
  });
});

describe('offline payments (PAY-4)', () => {
  it('PAY-4: an admin confirms a bank transfer; a customer or a provider may not', () => {
    const events = placed(paymentMethods.bankTransfer);
    expect(refusal(events, command('ConfirmOfflinePayment', { paymentId: 'pay-1' }, T1, actors.customer))).toBe(
      'forbidden',
    );
    expect(refusal(events, command('ConfirmOfflinePayment', { paymentId: 'pay-1' }, T1, actors.provider))).toBe(
      'forbidden',
    );
    const { state, events: after } = run([command('ConfirmOfflinePayment', { paymentId: 'pay-1' }, T1)], events);
    expect(after.at(-2)).toMatchObject({ type: 'PaymentCaptured', data: { mode: 'offline', amount: eur(TOTAL) } });
    expect(financialStatus(state)).toBe('paid');
  });
});

describe('order-level actions (Pixpa)', () => {
  it('PAY-2/PAY-4: "mark as paid" on the order confirms the one payment awaited', () => {
    const { state } = run(
      [command('ConfirmOfflinePayment', { note: 'paid at the studio', notify: { email: true, sms: false } }, T1)],
      placed(paymentMethods.bankTransfer),
    );
    expect(pixpaPaymentStatus(financialStatus(state))).toBe('paid');
    const two = run(
      [
        command('VoidPayment', { paymentId: 'pay-1' }, T1),
        command(
          'RequestPayment',
          { paymentId: 'a', amount: eur(1000), method: paymentMethods.bankTransfer, channel: 'email' },
          T1,
        ),
        command(
          'RequestPayment',
          { paymentId: 'b', amount: eur(1100), method: paymentMethods.bankTransfer, channel: 'email' },
          T1,
        ),
      ],
      placed(paymentMethods.bankTransfer),
    );
    expect(refusal(two.events, command('ConfirmOfflinePayment', {}, T2))).toBe('payment-ambiguous');
  });

  it('PAY-5: an order-level refund is taken from the payments, newest first, never more than received', () => {
    const paidTwice = run(
      [
        command('VoidPayment', { paymentId: 'pay-1' }, T1),
        command(
          'RequestPayment',
          { paymentId: 'a', amount: eur(1000), method: paymentMethods.card, channel: 'email' },
          T1,
        ),
        command(
          'RequestPayment',
          { paymentId: 'b', amount: eur(1100), method: paymentMethods.card, channel: 'sms' },
          T1,
        ),
        command('RecordSale', { paymentId: 'a', amount: eur(1000) }, T1, actors.provider),
        command('RecordSale', { paymentId: 'b', amount: eur(1100) }, T1, actors.provider),
      ],
      placed(),
    );
    expect(refusal(paidTwice.events, command('RefundPayment', { refundId: 'r', amount: eur(2101) }, T2))).toBe(
      'refund-exceeds-captured',
    );
    const refunded = run(
      [command('RefundPayment', { refundId: 'r', amount: eur(1500), external: true }, T2)],
      paidTwice.events,
    );
    expect(refunded.events.slice(-2).map((e) => e.data)).toMatchObject([
      { paymentId: 'b', refundId: 'r', amount: eur(1100) },
      { paymentId: 'a', refundId: 'r-2', amount: eur(400) },
    ]);
    const all = run([command('RefundPayment', { refundId: 'r9' }, T2)], refunded.events);
    expect(financialStatus(all.state)).toBe('refunded');
  });
});

describe('refunds (PAY-5)', () => {
  it('PAY-5: partial refunds then the rest; never more than captured', () => {
    const paid = run([authorize(), capture()], placed()).events;
    const part = run([command('RefundPayment', { paymentId: 'pay-1', refundId: 'r1', amount: eur(600) }, T2)], paid);
    expect(part.state.payments[0]?.refunded).toBe(600);
    expect(
      refusal(part.events, command('RefundPayment', { paymentId: 'pay-1', refundId: 'r2', amount: eur(1501) }, T2)),
    ).toBe('refund-exceeds-captured');
    const full = run([command('RefundPayment', { paymentId: 'pay-1', refundId: 'r2' }, T2)], part.events);
    expect(full.state.payments[0]?.refunded).toBe(TOTAL);
    expect(refusal(full.events, command('RefundPayment', { paymentId: 'pay-1', refundId: 'r3' }, T2))).toBe(
      'nothing-to-refund',
    );
  });

  it('PAY-5: nothing captured, nothing to refund; a cancelled order still refunds', () => {
    expect(
      refusal(run([authorize()], placed()).events, command('RefundPayment', { paymentId: 'pay-1', refundId: 'r' }, T2)),
    ).toBe('nothing-to-refund');
    const cancelled = run([authorize(), capture(), command('CancelOrder', { reason: 'out of stock' }, T2)], placed());
    const refunded = run([command('RefundPayment', { paymentId: 'pay-1', refundId: 'r' }, T2)], cancelled.events);
    expect(financialStatus(refunded.state)).toBe('refunded');
  });
});

describe('invoices (PAY-7)', () => {
  it('PAY-7: an "ordered quantities" invoice covers the order and is reconciled with the payment', () => {
    const { state, events } = run(
      [authorize(), command('IssueInvoice', { invoiceId: 'inv-1', basis: 'ordered' }, T1, actors.system), capture()],
      placed(),
    );
    expect(state.invoices[0]).toMatchObject({ amount: TOTAL, paid: TOTAL, shippingFee: 500, discount: 200 });
    expect(events.filter((e) => e.type === 'InvoicePaymentReconciled')).toHaveLength(1);
  });

  it('PAY-7: "delivered quantities" invoices only what was delivered (digital lines once unlocked)', () => {
    const { state } = run(
      [
        command('RecordSale', { paymentId: 'pay-1', amount: eur(TOTAL) }, T1, actors.provider),
        command('ConfirmOrder', {}, T1),
        command('ShipOrder', { shipmentId: 's1', lines: [{ lineId: 'l1', qty: 1 }] }, T1),
        command('MarkDelivered', { shipmentId: 's1' }, T2),
        command('IssueInvoice', { invoiceId: 'inv-1', basis: 'delivered' }, T2, actors.system),
      ],
      placed(),
    );
    expect(state.invoices[0]?.lines).toEqual([
      { lineId: 'l1', qty: 1, amount: 450 },
      { lineId: 'l2', qty: 1, amount: 900 },
    ]);
    expect(state.invoices[0]).toMatchObject({ amount: 450 + 900 + 500 - 200, paid: 450 + 900 + 500 - 200 });
  });

  it('PAY-7: nothing new to invoice issues nothing', () => {
    const events = run([command('IssueInvoice', { invoiceId: 'inv-1', basis: 'ordered' }, T1)], placed()).events;
    const again = orderDecider.decide(
      command('IssueInvoice', { invoiceId: 'inv-2', basis: 'ordered' }, T1),
      rehydrate(orderDecider, events),
    );
    expect(again).toEqual(E.right([]));
  });
});
