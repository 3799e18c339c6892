import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { placedOrder, orderCmd, Shop, T } from '../changes/test-support/harness.js';
import { receiptsCommandsFor } from '../receipts/from-order-events.js';
import { simulate } from '../receipts/simulate.js';
import { orderStreamId, type OrderEvent } from './events.js';
import { actors, eur } from './examples.js';
import { totalRefunded } from './payment-status.js';
import { shippingPaid, shippingPending } from './refund-shipping.js';

/**
 * Issue 17 (PAY-5, REC-7): the asynchronous refund (`RequestRefund`) gives
 * back the shipping as `RefundPayment { shipping: true }` does. The request
 * holds the shipping back (no second request or hand refund of it meanwhile);
 * the provider's success carries it (`PaymentRefunded.shipping`), and the
 * income-return receipt lists the shipping position from that outcome, never
 * from the request: a failure or a smaller success lists none.
 */

const stream = orderStreamId('o-1');
const returns = (shop: Shop) => {
  const commands = receiptsCommandsFor(shop.history('o-1'));
  if (E.isLeft(commands)) throw new Error(commands.left.message);
  const run = simulate(commands.right.map((c) => c.command));
  expect(run.outcomes.flatMap((o) => (E.isLeft(o.result) ? [o.result.left.code] : []))).toEqual([]);
  return run.state.issued
    .map((id) => run.state.receipts[id]?.receipt)
    .filter((r) => r !== undefined && r.operation === 'income-return')
    .map((r) => r!.items.map((i) => [i.lineId, i.amount.amount]));
};
const last = (shop: Shop, type: OrderEvent['type']) =>
  shop
    .history('o-1')
    .map((e) => e.event)
    .filter((e) => e.type === type)
    .at(-1);
const delivered = () => {
  const shop = new Shop();
  placedOrder(shop, 'delivered');
  const paid = shippingPaid(shop.state('o-1'));
  if (E.isLeft(paid)) throw new Error(paid.left.message);
  return { shop, shipping: paid.right };
};

describe('issue 17: RequestRefund gives the shipping back (PAY-5, REC-7)', () => {
  it('the request asks it, holds it back while pending, and the success carries it to the receipt', () => {
    const { shop, shipping } = delivered();
    expect(
      shop.order(
        stream,
        orderCmd(
          'RequestRefund',
          { refundId: 'rq-1', paymentId: 'pay-1', lines: [{ lineId: 'l1', qty: 1 }], shipping: true },
          T(20),
        ),
      ),
    ).toBeUndefined();
    const asked = last(shop, 'RefundRequested');
    expect(asked?.type === 'RefundRequested' && asked.data.shipping).toEqual(eur(shipping));
    const lineValue = asked?.type === 'RefundRequested' ? asked.data.amount.amount - shipping : 0;
    expect(lineValue).toBeGreaterThan(0);
    // Pending: nothing refunded, no receipt, and the shipping is spoken for.
    expect(totalRefunded(shop.state('o-1'))).toBe(0);
    expect(returns(shop)).toEqual([]);
    expect(
      shop.order(stream, orderCmd('RequestRefund', { refundId: 'rq-2', paymentId: 'pay-1', shipping: true }, T(21))),
    ).toBe('shipping-refund-pending');
    expect(shop.order(stream, orderCmd('RefundPayment', { refundId: 'h-1', shipping: true }, T(21)))).toBe(
      'shipping-refund-pending',
    );
    expect(shop.order(stream, orderCmd('ConfirmRefund', { refundId: 'rq-1' }, T(22), actors.provider))).toBeUndefined();
    const done = last(shop, 'PaymentRefunded');
    expect(done?.type === 'PaymentRefunded' && [done.data.amount.amount, done.data.shipping]).toEqual([
      lineValue + shipping,
      eur(shipping),
    ]);
    expect(shop.state('o-1').shippingRefunded).toBe(shipping);
    expect(returns(shop)).toEqual([
      [
        ['l1', lineValue],
        ['shipping', shipping],
      ],
    ]);
    // Given back once: neither way can ask it again.
    expect(
      shop.order(stream, orderCmd('RequestRefund', { refundId: 'rq-3', paymentId: 'pay-1', shipping: true }, T(23))),
    ).toBe('shipping-not-refundable');
  });

  it('shipping alone, a stated amount must be exactly its price; a failed request frees it for another', () => {
    const { shop, shipping } = delivered();
    expect(
      shop.order(
        stream,
        orderCmd(
          'RequestRefund',
          { refundId: 'rq-1', paymentId: 'pay-1', shipping: true, amount: eur(shipping + 1) },
          T(20),
        ),
      ),
    ).toBe('refund-amount-mismatch');
    expect(
      shop.order(stream, orderCmd('RequestRefund', { refundId: 'rq-1', paymentId: 'pay-1', shipping: true }, T(20))),
    ).toBeUndefined();
    expect(shop.order(stream, orderCmd('FailRefund', { refundId: 'rq-1' }, T(21), actors.provider))).toBeUndefined();
    expect(shop.state('o-1').shippingRefunded ?? 0).toBe(0);
    expect(returns(shop)).toEqual([]);
    expect(
      shop.order(stream, orderCmd('RequestRefund', { refundId: 'rq-2', paymentId: 'pay-1', shipping: true }, T(22))),
    ).toBeUndefined();
    expect(shop.order(stream, orderCmd('ConfirmRefund', { refundId: 'rq-2' }, T(23), actors.provider))).toBeUndefined();
    expect(returns(shop)).toEqual([[['shipping', shipping]]]);
  });

  it('the receipt follows the outcome: a success smaller than the shipping asked gives none of it back', () => {
    const { shop, shipping } = delivered();
    shop.order(stream, orderCmd('RequestRefund', { refundId: 'rq-1', paymentId: 'pay-1', shipping: true }, T(20)));
    expect(
      shop.order(
        stream,
        orderCmd('ConfirmRefund', { refundId: 'rq-1', amount: eur(shipping - 1) }, T(21), actors.provider),
      ),
    ).toBeUndefined();
    const done = last(shop, 'PaymentRefunded');
    expect(done?.type === 'PaymentRefunded' && done.data.shipping).toBeUndefined();
    expect(shop.state('o-1').shippingRefunded ?? 0).toBe(0);
    // What the adapter asks of the receipts names no shipping position (how a refund without goods after the
    // closing receipt is receipted is the receipts policy's own matter, not this one's).
    const commands = receiptsCommandsFor(shop.history('o-1'));
    if (E.isLeft(commands)) throw new Error(commands.left.message);
    const refund = commands.right.map((c) => c.command).filter((c) => JSON.stringify(c).includes('rq-1'));
    expect(refund.length).toBeGreaterThan(0);
    expect(JSON.stringify(refund)).not.toContain('"lineId":"shipping"');
  });
});

type Step = Readonly<{
  k: 'request' | 'request-lines' | 'hand' | 'confirm' | 'confirm-less' | 'fail' | 'reverse';
  pick: number;
}>;
const stepArb: fc.Arbitrary<Step> = fc.record({
  k: fc.constantFrom('request', 'request-lines', 'hand', 'confirm', 'confirm-less', 'fail', 'reverse'),
  pick: fc.nat(9),
});

describe('issue 17 law: the shipping comes back once, whichever way it is asked (1,000 runs, PAY-5, REC-7)', () => {
  it('never two requests holding it, never more given back than paid, every outcome carrying only what was asked', () => {
    let confirmedWithShipping = 0;
    let refusedWhilePending = 0;
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 12 }), (steps) => {
        const { shop, shipping } = delivered();
        const asked = new Map<string, number>();
        steps.forEach((step, i) => {
          const at = T(20 + i);
          const refunds = shop.state('o-1').refunds ?? [];
          const some = refunds[step.pick % Math.max(1, refunds.length)]?.refundId ?? `rq-${i}`;
          const refused = shop.order(
            stream,
            step.k === 'request'
              ? orderCmd('RequestRefund', { refundId: `rq-${i}`, paymentId: 'pay-1', shipping: true }, at)
              : step.k === 'request-lines'
                ? orderCmd(
                    'RequestRefund',
                    { refundId: `rq-${i}`, paymentId: 'pay-1', shipping: true, lines: [{ lineId: 'l2', qty: 1 }] },
                    at,
                  )
                : step.k === 'hand'
                  ? orderCmd('RefundPayment', { refundId: `h-${i}`, shipping: true }, at)
                  : step.k === 'confirm'
                    ? orderCmd('ConfirmRefund', { refundId: some }, at, actors.provider)
                    : step.k === 'confirm-less'
                      ? orderCmd(
                          'ConfirmRefund',
                          { refundId: some, amount: eur(Math.max(1, shipping - 1)) },
                          at,
                          actors.provider,
                        )
                      : step.k === 'fail'
                        ? orderCmd('FailRefund', { refundId: some }, at, actors.provider)
                        : orderCmd('ReverseRefund', { refundId: some }, at, actors.provider),
          );
          if (refused === 'shipping-refund-pending') refusedWhilePending += 1;
          const e = last(shop, 'RefundRequested');
          if (e?.type === 'RefundRequested' && e.data.shipping !== undefined)
            asked.set(e.data.refundId, e.data.shipping.amount);
          const state = shop.state('o-1');
          const holding = (state.refunds ?? []).filter(
            (r) => r.status === 'pending' && r.pending > 0 && (r.shippingAsked ?? 0) > 0,
          );
          expect(holding.length).toBeLessThanOrEqual(1);
          // Given back at most once; asked by one request at a time (a failed one's late success is a fact).
          expect(state.shippingRefunded ?? 0).toBeLessThanOrEqual(shipping);
          expect(shippingPending(state)).toBeLessThanOrEqual(shipping);
        });
        // Every success of a request carries at most the shipping that request asked, and only when it covers it.
        for (const { event } of shop.history('o-1'))
          if (
            event.type === 'PaymentRefunded' &&
            event.data.request === 'settled' &&
            event.data.shipping !== undefined
          ) {
            confirmedWithShipping += 1;
            expect(event.data.shipping.amount).toBeLessThanOrEqual(asked.get(event.data.refundId) ?? 0);
            expect(event.data.amount.amount).toBeGreaterThanOrEqual(event.data.shipping.amount);
          }
      }),
      { numRuns: 1000 },
    );
    // Not vacuous: many requests' successes carried the shipping, many second asks were refused while one waited.
    // Unseeded on purpose: over seeds 1-12 these ran 167-216 and 605-663, far above the floors (100 and 200).
    expect(confirmedWithShipping).toBeGreaterThan(100);
    expect(refusedWhilePending).toBeGreaterThan(200);
  });
});
