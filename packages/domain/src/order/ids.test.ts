import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { createCommandHandler, createInMemoryEventStore } from '@ordersource/core';
import type { OrderCommand } from './commands.js';
import { orderDecider } from './decider.js';
import { orderStreamId } from './events.js';
import { actors, command, eur, paymentMethods, sampleCheckout, sampleLines } from './examples.js';
import { decodeOrderEnvelope } from './policies/reactor-base.js';
import { refusal, run } from './test-support/decide.js';

/** Issue 8.4: ids that name a money movement or a document are used once in their order stream. */

const T = (h: number): string => `2026-11-24T${String(h).padStart(2, '0')}:00:00Z`;

const paid = () =>
  run([
    command('PlaceOrder', sampleCheckout({ paymentMethod: paymentMethods.bankTransfer }), T(8), actors.customer),
    command('ConfirmOfflinePayment', { paymentId: 'pay-1' }, T(9)),
  ]).events;

const refund = (refundId: string, amount: number) =>
  command('RefundPayment', { refundId, paymentId: 'pay-1', amount: eur(amount) }, T(10));

const details = (history: ReturnType<typeof paid>, cmd: OrderCommand) => {
  const decided = orderDecider.decide(cmd, run([], history).state);
  return E.isLeft(decided) ? decided.left : undefined;
};

describe('ids are unique in their order stream (issue 8.4)', () => {
  it('issue 8.4: a second RefundPayment with the same refundId (another commandId) is refused, naming the id', async () => {
    const store = createInMemoryEventStore();
    const handler = createCommandHandler({ store, decider: orderDecider, decodeEnvelope: decodeOrderEnvelope });
    const stream = orderStreamId('o-1');
    for (const cmd of [
      command('PlaceOrder', sampleCheckout({ paymentMethod: paymentMethods.bankTransfer }), T(8), actors.customer),
      command('ConfirmOfflinePayment', { paymentId: 'pay-1' }, T(9)),
      refund('r-1', 1000),
    ])
      expect(E.isRight(await handler.handle(stream, cmd))).toBe(true);
    const second = await handler.handle(stream, refund('r-1', 1000));
    expect(E.isLeft(second) && second.left).toMatchObject({
      kind: 'domain',
      code: 'duplicate-id',
      details: { idKind: 'refund', id: 'r-1' },
    });
    const refunds = [];
    for await (const e of store.read(stream)) if (e.event.type === 'PaymentRefunded') refunds.push(e);
    expect(refunds).toHaveLength(1);
  });

  it('issue 8.4: reuse with other content is refused too; a fresh id is accepted', () => {
    const history = run([refund('r-1', 500)], paid()).events;
    expect(details(history, refund('r-1', 700))?.message).toContain('refund id r-1');
    expect(refusal(history, refund('r-2', 700))).toBeUndefined();
  });

  it('issue 8.4: the ids a split refund derives (r-1-2) cannot be taken by a later refund', () => {
    // Two payments of 1,000 and 1,100; refunding 1,500 without a paymentId touches both: r-9 and r-9-2.
    const history = run(
      [
        command(
          'PlaceOrder',
          sampleCheckout({ paymentMethod: paymentMethods.bankTransfer, shippingFee: eur(0), discount: eur(0) }),
          T(8),
          actors.customer,
        ),
        command('VoidPayment', { paymentId: 'pay-1' }, T(8)),
        command(
          'RequestPayment',
          { paymentId: 'pay-a', amount: eur(1000), method: paymentMethods.bankTransfer, channel: 'email' },
          T(9),
        ),
        command(
          'RequestPayment',
          { paymentId: 'pay-b', amount: eur(800), method: paymentMethods.bankTransfer, channel: 'email' },
          T(9),
        ),
        command('ConfirmOfflinePayment', { paymentId: 'pay-a' }, T(9)),
        command('ConfirmOfflinePayment', { paymentId: 'pay-b' }, T(9)),
        command('RefundPayment', { refundId: 'r-9', amount: eur(1200) }, T(10)),
      ],
      [],
    ).events;
    expect(history.filter((e) => e.type === 'PaymentRefunded').map((e) => e.data)).toMatchObject([
      { refundId: 'r-9' },
      { refundId: 'r-9-2' },
    ]);
    expect(refusal(history, command('RefundPayment', { refundId: 'r-9-2', amount: eur(100) }, T(11)))).toBe(
      'duplicate-id',
    );
  });

  it('issue 8.4: a removed line id cannot come back with other content', () => {
    const history = run(
      [command('RemoveOrderLine', { lineId: 'l2' }, T(8))],
      run([command('PlaceOrder', sampleCheckout(), T(8), actors.customer)]).events,
    ).events;
    const line = { ...sampleLines[0]!, lineId: 'l2', sku: 'OTHER' };
    expect(refusal(history, command('AddOrderLine', { line }, T(9)))).toBe('duplicate-id');
  });

  it('issue 8.4: payment, invoice and shipment ids keep their own refusals', () => {
    const history = run(
      [command('IssueInvoice', { invoiceId: 'inv-1', basis: 'ordered' }, T(10))],
      run([command('ShipOrder', { shipmentId: 's-1' }, T(10))], paid()).events,
    ).events;
    const method = paymentMethods.bankTransfer;
    expect(
      refusal(
        history,
        command('RequestPayment', { paymentId: 'pay-1', amount: eur(1), method, channel: 'email' }, T(11)),
      ),
    ).toBe('payment-exists');
    expect(refusal(history, command('IssueInvoice', { invoiceId: 'inv-1', basis: 'ordered' }, T(11)))).toBe(
      'invoice-exists',
    );
  });
});
