import { describe, expect, it } from 'vitest';
import { orderDecider } from './decider.js';
import { actors, command, eur, paymentMethods, sampleCheckout } from './examples.js';
import { lapsedPayments, openRequested, requestable } from './payment-status.js';
import { refusal, run } from './test-support/decide.js';
import * as E from 'fp-ts/lib/Either.js';

/** Issue 9.2 (PAY-3): open payment links count against the balance; authorizations carry their expiry. */

const T = (h: number): string => `2026-11-24T${String(h).padStart(2, '0')}:00:00Z`;
const card = paymentMethods.card;
const link = (paymentId: string, amount: number, at = T(9)) =>
  command('RequestPayment', { paymentId, amount: eur(amount), method: card, channel: 'telegram' }, at);

const placed = () => run([command('PlaceOrder', sampleCheckout(), T(8), actors.customer)]).events;

describe('payment links never exceed the order (issue 9.2, PAY-3)', () => {
  it('PAY-3/issue 9.2: a chat link for the full total beside the open checkout request is refused, naming the open request', () => {
    const decided = orderDecider.decide(link('pay-2', 2100), run([], placed()).state);
    expect(E.isLeft(decided) && decided.left).toMatchObject({
      code: 'amount-exceeds-balance',
      details: { requested: 2100, requestable: 0, openRequests: [{ paymentId: 'pay-1', requested: 2100 }] },
    });
  });

  it('PAY-3/issue 9.2: once the older request is voided the link may be sent; parts may add up to the total, not beyond', () => {
    const history = run([command('VoidPayment', { paymentId: 'pay-1' }, T(9))], placed()).events;
    const { state, events } = run([link('pay-2', 1000), link('pay-3', 1100)], history);
    expect(openRequested(state)).toBe(2100);
    expect(requestable(state)).toBe(0);
    expect(refusal(events, link('pay-4', 1))).toBe('amount-exceeds-balance');
  });

  it('PAY-3/issue 9.2: a failed attempt still counts (the payer may retry it); an expired one no longer does', () => {
    const failed = run(
      [command('FailPayment', { paymentId: 'pay-1', providerMessage: 'declined' }, T(9), actors.provider)],
      placed(),
    ).events;
    expect(refusal(failed, link('pay-2', 2100))).toBe('amount-exceeds-balance');
    const expired = run([command('ExpirePayment', { paymentId: 'pay-1' }, T(10))], failed).events;
    expect(refusal(expired, link('pay-2', 2100))).toBeUndefined();
  });

  it('PAY-1/issue 9.2: an authorization carries the expiry the provider sent; lapsedPayments lists it once passed', () => {
    const { state } = run(
      [command('AuthorizePayment', { paymentId: 'pay-1', amount: eur(2100), expiresAt: T(20) }, T(9), actors.provider)],
      placed(),
    );
    expect(state.payments[0]?.authorizationExpiresAt).toBe(T(20));
    expect(lapsedPayments(state, T(19))).toEqual([]);
    expect(lapsedPayments(state, T(20)).map((p) => p.paymentId)).toEqual(['pay-1']);
    const { state: after } = run(
      [
        command('AuthorizePayment', { paymentId: 'pay-1', amount: eur(2100), expiresAt: T(20) }, T(9), actors.provider),
        command('ExpirePayment', { paymentId: 'pay-1' }, T(20), actors.system),
      ],
      placed(),
    );
    expect(after.payments[0]).toMatchObject({ status: 'expired', released: 2100 });
    expect(lapsedPayments(after, T(21))).toEqual([]);
  });
});
