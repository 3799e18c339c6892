import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { rehydrate, type Actor } from '@ordersource/core';
import { checkDeciderLaws, type Invariant } from '@ordersource/testing';
import { describe, expect, it } from 'vitest';
import { orderCmd, placedOrder, Shop, T, tea, cup } from '../changes/test-support/harness.js';
import { orderStreamId, type OrderEvent } from '../order/events.js';
import { actors, eur, paymentMethods, sampleCheckout } from '../order/examples.js';
import type { CreditCommand } from './commands.js';
import { creditDecider } from './decide.js';
import type { CreditEvent } from './events.js';
import { creditOwed, planRefundToCredit } from './refund.js';
import { creditBalance, type CreditState } from './state.js';
import { planCreditPayment } from './tender.js';
import { creditAccountStreamId } from './values.js';

/**
 * Issue 17 laws for store credit, 1,000 random runs each: the balance never
 * goes negative; issued - spent + released - reversed - expired = balance,
 * per currency; and the money law with credit: over a customer's orders,
 * money captured - money refunded = what she was charged for what she kept
 * + the credit she holds (credit issued - credit spent).
 */

const day = (d: number) => `2026-12-${String(d).padStart(2, '0')}T10:00:00.000Z`;
const currencies = ['EUR', 'RUB'] as const;

const commandArb = (state: CreditState): fc.Arbitrary<CreditCommand> => {
  const ids = state.grants.map((g) => g.creditId);
  const spends = Object.keys(state.spends);
  const money = fc.record({ amount: fc.integer({ min: 1, max: 5000 }), currency: fc.constantFrom(...currencies) });
  const meta = fc.record({
    commandId: fc.uuid(),
    actor: fc.constantFrom<Actor>(actors.system, actors.admin, actors.customer, actors.otherCustomer),
    at: fc.integer({ min: 1, max: 28 }).map(day),
  });
  const some = (xs: readonly string[]) => (xs.length === 0 ? fc.constant('none') : fc.constantFrom(...xs));
  return fc.oneof(
    fc.record({
      type: fc.constant('IssueCredit' as const),
      data: fc.record(
        {
          customerId: fc.constant('c-1'),
          creditId: fc.oneof(some(ids), fc.uuid()),
          amount: money,
          source: fc.constant({ kind: 'goodwill' as const, reason: 'law' }),
          expiresAt: fc.integer({ min: 1, max: 28 }).map(day),
        },
        { requiredKeys: ['customerId', 'creditId', 'amount', 'source'] },
      ),
      metadata: meta,
    }),
    fc.record({
      type: fc.constant('SpendCredit' as const),
      data: fc.record({
        customerId: fc.constant('c-1'),
        spendId: fc.oneof(some(spends), fc.uuid()),
        amount: money,
        orderId: fc.constant('o-9'),
        paymentId: fc.constant('p'),
      }),
      metadata: meta,
    }),
    fc.record({
      type: fc.constant('ReleaseCreditSpend' as const),
      data: fc.record({ customerId: fc.constant('c-1'), spendId: some(spends), reason: fc.constant('law') }),
      metadata: meta,
    }),
    fc.record({
      type: fc.constant('ReverseCredit' as const),
      data: fc.record(
        { customerId: fc.constant('c-1'), creditId: some(ids), reason: fc.constant('law'), amount: money },
        { requiredKeys: ['customerId', 'creditId', 'reason'] },
      ),
      metadata: meta,
    }),
    fc.record({
      type: fc.constant('ExpireCredit' as const),
      data: fc.record({
        customerId: fc.constant('c-1'),
        creditId: some(ids),
        dueAt: fc.constantFrom(...state.grants.map((g) => g.expiresAt ?? day(1)), day(1)),
      }),
      metadata: meta,
    }),
  );
};

const laws: Record<string, Invariant<CreditCommand, CreditEvent, CreditState>> = {
  'the balance never goes negative; no grant gives more than it had': (state) =>
    state.grants.every((g) => g.remaining >= 0 && g.remaining <= g.issued) &&
    currencies.every((c) => creditBalance(state, c) >= 0),
  'issued - spent + released - reversed - expired = balance, per currency': (state) =>
    currencies.every((c) => {
      const l = state.ledger[c] ?? { issued: 0, spent: 0, released: 0, reversed: 0, expired: 0 };
      const balance = creditBalance(state, c);
      return (
        l.issued - l.spent + l.released - l.reversed - l.expired === balance ||
        `${c}: ${l.issued} - ${l.spent} + ${l.released} - ${l.reversed} - ${l.expired} != ${balance}`
      );
    }),
  'a customer never spends another’s credit, nor issues any': (_state, _history, step) =>
    step.events.length === 0 ||
    step.command.metadata.actor.kind !== 'customer' ||
    (step.command.type === 'SpendCredit' && step.command.metadata.actor.id === 'c-1'),
};

/** One customer's orders and credit account, run as the runtime runs them (pure). */
class CreditShop {
  readonly shop = new Shop();
  readonly credit: CreditEvent[] = [];
  moneyRefunded = 0;
  private n = 0;
  account = (): CreditState => rehydrate(creditDecider, this.credit);
  send(command: CreditCommand): string | undefined {
    const decided = creditDecider.decide(command, this.account());
    if (E.isLeft(decided)) return decided.left.code;
    this.credit.push(...decided.right);
    return undefined;
  }
  id = (p: string) => `${p}-${++this.n}`;
}

type Op = Readonly<{ op: 'refund-credit' | 'refund-card' | 'order'; a: number; b: number }>;
const opArb: fc.Arbitrary<Op> = fc.record({
  op: fc.constantFrom('refund-credit', 'refund-card', 'order'),
  a: fc.nat(1000),
  b: fc.nat(1000),
});

const run = (ops: readonly Op[]): CreditShop => {
  const s = new CreditShop();
  placedOrder(s.shop, 'delivered', 'o-1');
  const orderIds = ['o-1'];
  ops.forEach((op, i) => {
    const at = T(10 + i);
    const orderId = orderIds[op.a % orderIds.length] as string;
    const state = s.shop.state(orderId);
    if (op.op === 'order') {
      const next = `o-${orderIds.length + 1}`;
      const streamId = orderStreamId(next);
      s.shop.order(
        streamId,
        orderCmd(
          'PlaceOrder',
          sampleCheckout({ orderId: next, lines: [tea, cup], paymentMethod: paymentMethods.card }),
          at,
          actors.customer,
        ),
      );
      orderIds.push(next);
      const total = s.shop.state(next).totals.total.amount;
      const fromCredit = Math.min(creditBalance(s.account(), 'EUR'), Math.max(1, (op.b * total) / 1000) | 0);
      s.shop.order(streamId, orderCmd('VoidPayment', { paymentId: 'pay-1', reason: 'split tender' }, at));
      if (fromCredit > 0) {
        const plan = planCreditPayment(s.shop.state(next), {
          paymentId: 'credit',
          amount: eur(fromCredit),
          actor: actors.customer,
          at,
        });
        if (E.isLeft(plan)) throw new Error(plan.left.message);
        expect(s.send(plan.right.spend)).toBeUndefined();
        for (const command of plan.right.orderCommands) expect(s.shop.order(streamId, command)).toBeUndefined();
      }
      if (total > fromCredit) {
        s.shop.order(
          streamId,
          orderCmd(
            'RequestPayment',
            { paymentId: 'card', amount: eur(total - fromCredit), method: paymentMethods.card, channel: 'email' },
            at,
          ),
        );
        s.shop.order(
          streamId,
          orderCmd('RecordSale', { paymentId: 'card', amount: eur(total - fromCredit) }, at, actors.provider),
        );
      }
      s.shop.order(streamId, orderCmd('ConfirmOrder', {}, at));
      s.shop.order(streamId, orderCmd('ShipOrder', { shipmentId: 's1' }, at));
      s.shop.order(streamId, orderCmd('MarkDelivered', {}, at));
      return;
    }
    // A return of one unit of a line, refunded to credit or to the tender (credit-paid money comes back as credit).
    const line = state.lines[op.b % state.lines.length];
    if (line === undefined) return;
    const lines = [{ lineId: line.lineId, qty: 1 }];
    const refundId = s.id('r');
    if (op.op === 'refund-credit') {
      const plan = planRefundToCredit(state, { refundId, lines, actor: actors.admin, at });
      if (E.isLeft(plan)) return;
      expect(s.shop.order(plan.right.orderStreamId, plan.right.refund)).toBeUndefined();
      expect(s.send(plan.right.issue.command)).toBeUndefined();
      return;
    }
    const before = s.shop.history(orderId).length;
    if (s.shop.order(orderStreamId(orderId), orderCmd('RefundPayment', { refundId, lines }, at)) !== undefined) return;
    const events: OrderEvent[] = s.shop
      .history(orderId)
      .slice(before)
      .map((e) => e.event);
    const owed = creditOwed(state, events, 'original');
    const refunded = events.reduce((sum, e) => sum + (e.type === 'PaymentRefunded' ? e.data.amount.amount : 0), 0);
    s.moneyRefunded += refunded - owed;
    if (owed > 0)
      expect(
        s.send({
          type: 'IssueCredit',
          data: {
            customerId: 'c-1',
            creditId: refundId,
            amount: eur(owed),
            source: { kind: 'refund', orderId, refundId },
          },
          metadata: { commandId: refundId, actor: actors.system, at },
        }),
      ).toBeUndefined();
  });
  return s;
};

describe('issue 17 laws: store credit', () => {
  it('the credit decider: balance never negative, the ledger adds up, customers spend only their own (1,000 runs)', () => {
    checkDeciderLaws({
      decider: creditDecider,
      commands: commandArb,
      invariants: laws,
      numRuns: 1000,
      maxCommands: 20,
    });
  });

  it('money balances to the minor unit with credit: captured - refunded in money = kept + credit held (1,000 runs)', () => {
    let spentSome = 0;
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 8 }), (ops) => {
        const s = run(ops);
        const account = s.account();
        let moneyCaptured = 0;
        let kept = 0;
        for (const streamId of s.shop.orders.keys()) {
          const state = s.shop.state(streamId.slice('order-'.length));
          for (const p of state.payments) if (p.method.code !== 'store-credit') moneyCaptured += p.captured;
          // Every refund here names returned units: what she kept is what she paid less what came back.
          kept += state.payments.reduce((sum, p) => sum + p.captured - p.refunded, 0);
        }
        const ledger = account.ledger['EUR'] ?? { issued: 0, spent: 0, released: 0, reversed: 0, expired: 0 };
        if (ledger.spent > 0) spentSome += 1;
        expect(creditBalance(account, 'EUR')).toBe(ledger.issued - ledger.spent);
        expect(creditBalance(account, 'EUR')).toBeGreaterThanOrEqual(0);
        expect(moneyCaptured - s.moneyRefunded).toBe(kept + ledger.issued - ledger.spent);
        expect(account.customerId === null || account.customerId === 'c-1').toBe(true);
        expect(creditAccountStreamId('c-1')).toBe('credit-c-1');
      }),
      { numRuns: 1000 },
    );
    // Not vacuous: many runs paid an order with credit.
    expect(spentSome).toBeGreaterThan(100);
  });
});
