import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { Envelope } from '@ordersource/core';
import { receiptsCommandsFor } from '../receipts/from-order-events.js';
import type { OrderCommand } from './commands.js';
import { orderStreamId, type OrderEvent } from './events.js';
import { actors, command, eur, paymentMethods, sampleCheckout } from './examples.js';
import { handedOver } from './handover.js';
import { refusal, run, types } from './test-support/decide.js';
import type { OrderLine } from './values.js';

/** Issue 9.4 (FUL-3, REC-4): downloads follow the money. */

const T0 = '2026-11-24T10:00:00Z';
const T1 = '2026-11-24T10:05:00Z';
const T2 = '2026-11-25T10:00:00Z';

const ebook: OrderLine = {
  lineId: 'l2',
  sku: 'EBOOK-7',
  name: 'Tea e-book',
  qty: 1,
  unitPrice: eur(900),
  vatRate: 'vat10',
  kind: 'digital',
};

const digitalCheckout = sampleCheckout({
  lines: [ebook],
  shippingFee: eur(0),
  discount: eur(0),
  paymentMethod: paymentMethods.cardManual,
});

const authorized = () =>
  run([
    command('PlaceOrder', digitalCheckout, T0, actors.customer),
    command('AuthorizePayment', { paymentId: 'pay-1', amount: eur(900) }, T1, actors.provider),
  ]);

/** The order's events as the store hands them to the receipts adapter. */
const envelopes = (events: readonly OrderEvent[]): Envelope<OrderEvent>[] =>
  events.map((event, version) => ({
    event,
    eventId: `e-${version}`,
    streamId: orderStreamId('o-1'),
    streamVersion: version,
    globalPosition: String(version),
    occurredAt: T1,
    recordedAt: T1,
    actor: actors.system,
    schemaVersion: 1,
  }));

const receiptsTypes = (events: readonly OrderEvent[]): string[] => {
  const commands = receiptsCommandsFor(envelopes(events));
  if (E.isLeft(commands)) throw new Error(commands.left.message);
  return commands.right.map(({ command: c }) => c.type);
};

describe('issue 9.4: downloads follow the money (FUL-3)', () => {
  it('FUL-3: an authorization opens the downloads; a void locks them again and the order is not fulfilled', () => {
    const { events, state } = authorized();
    expect(state.fulfillment).toMatchObject({ downloadsUnlocked: true, status: 'fulfilled' });
    const voided = run([command('VoidPayment', { paymentId: 'pay-1' }, T2)], events);
    expect(types(voided.events).slice(-2)).toEqual(['PaymentVoided', 'DownloadsLocked']);
    expect(voided.state.fulfillment.downloadsUnlocked).toBe(false);
    expect(voided.state.fulfillment.status).toBe('unfulfilled');
    expect(voided.state.fulfillment.fulfilledAt).toBeUndefined();
    // Nothing was handed over: the composition may change again (ORD-9).
    expect(handedOver(voided.state)).toBeUndefined();
    expect(refusal(voided.events, command('ChangeOrderLine', { lineId: 'l2', qty: 2 }, T2))).toBeUndefined();
  });

  it('FUL-3: an expiry locks them too; a new payment opens them again and fulfills the order', () => {
    const { events } = authorized();
    const expired = run([command('ExpirePayment', { paymentId: 'pay-1' }, T2, actors.provider)], events);
    expect(types(expired.events).at(-1)).toBe('DownloadsLocked');
    const paidAgain = run(
      [
        command(
          'RequestPayment',
          { paymentId: 'link-2', amount: eur(900), method: paymentMethods.card, channel: 'email' },
          T2,
        ),
        command('RecordSale', { paymentId: 'link-2', amount: eur(900) }, T2, actors.provider),
      ],
      expired.events,
    );
    expect(types(paidAgain.events).slice(-3)).toEqual(['PaymentCaptured', 'DownloadsUnlocked', 'OrderFulfilled']);
  });

  it('FUL-3: a refund does not lock what the customer paid for; a capture keeps them open', () => {
    const { events } = authorized();
    const captured = run([command('CapturePayment', { paymentId: 'pay-1' }, T1, actors.provider)], events);
    expect(captured.state.fulfillment.downloadsUnlocked).toBe(true);
    const refunded = run([command('RefundPayment', { refundId: 'r-1', amount: eur(100) }, T2)], captured.events);
    expect(types(refunded.events)).not.toContain('DownloadsLocked');
  });

  it('REC-4: the handover receipt waits for money: none for an authorization that was voided, one at the capture', () => {
    const { events } = authorized();
    expect(receiptsTypes(events)).toEqual(['RecordComposition']);
    const voided = run([command('VoidPayment', { paymentId: 'pay-1' }, T2)], events);
    expect(receiptsTypes(voided.events)).toEqual(['RecordComposition']);
    const captured = run([command('CapturePayment', { paymentId: 'pay-1' }, T1, actors.provider)], events);
    expect(receiptsTypes(captured.events)).toEqual(['RecordComposition', 'RecordPayment', 'RecordHandover']);
    // A sale hands over at once, as before (downloads unlocked, then fulfilled: the second handover issues nothing).
    const sale = run([
      command('PlaceOrder', { ...digitalCheckout, paymentMethod: paymentMethods.card }, T0, actors.customer),
      command('RecordSale', { paymentId: 'pay-1', amount: eur(900) }, T1, actors.provider),
    ] satisfies OrderCommand[]);
    expect(receiptsTypes(sale.events)).toEqual([
      'RecordComposition',
      'RecordPayment',
      'RecordHandover',
      'RecordHandover',
    ]);
  });
});

describe('downloads of a line removed since (ORD-6/FUL-1 law, seed 3)', () => {
  it('FUL-3: an expiry that leaves the order unpaid locks downloads unlocked earlier, even once their line is gone', () => {
    const unlocked = run([
      command('PlaceOrder', sampleCheckout({ paymentMethod: paymentMethods.cardManual }), T0, actors.customer),
      command('AuthorizePayment', { paymentId: 'pay-1', amount: eur(2100) }, T1, actors.provider),
      command('RemoveOrderLine', { lineId: 'l2' }, T1),
    ]);
    expect(unlocked.state.fulfillment.downloadsUnlocked).toBe(true);
    expect(unlocked.state.lines.some((line) => line.kind === 'digital')).toBe(false);
    const expired = run([command('ExpirePayment', { paymentId: 'pay-1' }, T2, actors.system)], unlocked.events);
    expect(types(expired.events.slice(unlocked.events.length))).toEqual(['PaymentExpired', 'DownloadsLocked']);
    expect(expired.state.fulfillment.downloadsUnlocked).toBe(false);
  });
});
