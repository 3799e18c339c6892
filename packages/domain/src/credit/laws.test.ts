import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { applyEvents, rehydrate, type Actor } from '@ordersource/core';
import { checkDeciderLaws, type Invariant } from '@ordersource/testing';
import { describe, expect, it } from 'vitest';
import { orderCmd, placedOrder, Shop, T, tea, cup } from '../changes/test-support/harness.js';
import { orderDecider } from '../order/decider.js';
import { orderStreamId, type OrderEvent } from '../order/events.js';
import { actors, eur, paymentMethods, sampleCheckout } from '../order/examples.js';
import type { CreditCommand } from './commands.js';
import { creditDecider } from './decide.js';
import type { CreditEvent } from './events.js';
import { goodwillGivenBack, goodwillSpentOn, planGoodwillReturn, planGoodwillReversal } from './goodwill-return.js';
import { creditOwed, planRefundToCredit } from './refund.js';
import { creditBalance, spendableCredit, type CreditState } from './state.js';
import { planCreditPayment, planGoodwillDiscount } from './tender.js';
import { creditAccountStreamId, fundOf } from './values.js';
import { receiptsCommandsFor } from '../receipts/from-order-events.js';
import { signedMoneyOf, type Receipt } from '../receipts/receipt.js';
import { simulate } from '../receipts/simulate.js';
import { creditAccountReceipts, creditAdvancesHeld } from '../receipts/store-credit.js';

/**
 * Issue 17 laws for store credit, 1,000 random runs each: the balance never
 * goes negative; issued - spent + released - reversed - expired = balance,
 * per currency; and the money law with credit: over a customer's orders,
 * money captured - money refunded = what she was charged for what she kept
 * + the credit she holds (credit issued - credit spent).
 */

const day = (d: number) => `2026-12-${String(d).padStart(2, '0')}T10:00:00.000Z`;
const currencies = ['EUR', 'RUB'] as const;

/**
 * The generator for `checkDeciderLaws`: state-aware, so spends and reversals
 * aim at the balance (often just beyond it), ids mostly name existing grants
 * and spends, and both currencies mix.
 */
const commandArb = (state: CreditState): fc.Arbitrary<CreditCommand> => {
  const ids = state.grants.map((g) => g.creditId);
  const spends = Object.keys(state.spends);
  const currency = fc.constantFrom(...currencies);
  const near = (c: string) => {
    const balance = creditBalance(state, c);
    return fc.oneof(
      fc.integer({ min: 1, max: 5000 }),
      fc.integer({ min: 1, max: 300 }).map((k) => balance + k),
      fc.integer({ min: 1, max: 100 }).map((pct) => Math.max(1, Math.floor((balance * pct) / 100))),
    );
  };
  const money = currency.chain((c) => near(c).map((amount) => ({ amount, currency: c })));
  const meta = fc.record({
    commandId: fc.uuid(),
    actor: fc.constantFrom<Actor>(actors.system, actors.system, actors.admin, actors.customer, actors.otherCustomer),
    at: fc.integer({ min: 1, max: 28 }).map(day),
  });
  const some = (xs: readonly string[]) => (xs.length === 0 ? fc.constant('none') : fc.constantFrom(...xs));
  return fc.oneof(
    fc.record({
      type: fc.constant('IssueCredit' as const),
      data: fc.record(
        {
          customerId: fc.constant('c-1'),
          creditId: fc.oneof({ weight: 1, arbitrary: some(ids) }, { weight: 4, arbitrary: fc.uuid() }),
          amount: fc.record({ amount: fc.integer({ min: 1, max: 5000 }), currency }),
          source: fc.constant({ kind: 'goodwill' as const, reason: 'law' }),
          expiresAt: fc.integer({ min: 1, max: 28 }).map(day),
        },
        { requiredKeys: ['customerId', 'creditId', 'amount', 'source'] },
      ),
      metadata: meta,
    }),
    {
      weight: 3,
      arbitrary: fc.record({
        type: fc.constant('SpendCredit' as const),
        data: fc.record({
          customerId: fc.constant('c-1'),
          spendId: fc.oneof({ weight: 1, arbitrary: some(spends) }, { weight: 4, arbitrary: fc.uuid() }),
          amount: money,
          orderId: fc.constant('o-9'),
          paymentId: fc.constant('p'),
        }),
        metadata: meta,
      }),
    },
    fc.record({
      type: fc.constant('ReleaseCreditSpend' as const),
      data: fc.record({ customerId: fc.constant('c-1'), spendId: some(spends), reason: fc.constant('law') }),
      metadata: meta,
    }),
    fc.record({
      type: fc.constant('ReverseCredit' as const),
      data: fc.record(
        {
          customerId: fc.constant('c-1'),
          creditId: some(ids),
          reason: fc.constant('law'),
          amount: money,
          // A reversed refund's reversal: takes what is left, the rest is her debt.
          shortfall: fc.constant('record' as const),
        },
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
  // A message inside `every` would be truthy and pass: collect the mismatches, answer true only when there are none.
  'issued - spent + released - reversed - expired = balance, per currency': (state) => {
    const wrong = currencies.flatMap((c) => {
      const l = state.ledger[c] ?? { issued: 0, spent: 0, released: 0, reversed: 0, expired: 0 };
      const balance = creditBalance(state, c);
      return l.issued - l.spent + l.released - l.reversed - l.expired === balance
        ? []
        : [`${c}: ${l.issued} - ${l.spent} + ${l.released} - ${l.reversed} - ${l.expired} != ${balance}`];
    });
    return wrong.length === 0 || wrong.join('; ');
  },
  // Issue 17: a reversal that records its shortfall takes what is left, never more, and the rest is her debt.
  'a recorded shortfall: taken + unrecovered = asked, taken within the grant, the debt their sum': (
    state,
    history,
    step,
  ) => {
    const wrong: string[] = [];
    if (step.command.type === 'ReverseCredit' && step.command.data.shortfall === 'record') {
      const d = step.command.data;
      const asked = d.amount?.amount;
      for (const e of step.events)
        if (
          e.type === 'CreditReversed' &&
          asked !== undefined &&
          e.data.amount.amount + (e.data.unrecovered?.amount ?? 0) !== asked
        )
          wrong.push(`${d.creditId}: ${e.data.amount.amount} + ${e.data.unrecovered?.amount ?? 0} != ${asked}`);
    }
    for (const c of currencies) {
      const owed = history.reduce(
        (sum, e) =>
          sum + (e.type === 'CreditReversed' && e.data.unrecovered?.currency === c ? e.data.unrecovered.amount : 0),
        0,
      );
      if ((state.debt?.[c] ?? 0) !== owed) wrong.push(`${c}: debt ${state.debt?.[c] ?? 0} != ${owed}`);
    }
    return wrong.length === 0 || wrong.join('; ');
  },
  'a customer never spends another’s credit, nor issues any': (_state, _history, step) =>
    step.events.length === 0 ||
    step.command.metadata.actor.kind !== 'customer' ||
    (step.command.type === 'SpendCredit' && step.command.metadata.actor.id === 'c-1'),
};

/**
 * The model-based law. Each step is an intent relative to the account as it
 * stands (spend just beyond what can be spent, exactly it, or a part; reverse
 * more than is left; expire before or at the due time; two spends decided on
 * the same read, the second retried on the fresh state as the command handler
 * retries a version conflict), interpreted against the current state. The
 * test knows from its own arithmetic whether each must pass or be refused,
 * and keeps its own ledger from the events (not the decider's).
 */
type Intent =
  | Readonly<{ k: 'issue'; cur: number; amount: number; expiresIn: number | null; goodwill: boolean }>
  | Readonly<{ k: 'spend'; cur: number; mode: 'over' | 'exact' | 'part'; x: number }>
  | Readonly<{ k: 'race'; cur: number; a: number; b: number }>
  | Readonly<{ k: 'release'; pick: number }>
  | Readonly<{ k: 'reverse'; pick: number; mode: 'over' | 'all' | 'part'; x: number }>
  | Readonly<{ k: 'expire'; pick: number; early: boolean }>
  | Readonly<{ k: 'tick'; days: number }>;

const intentArb: fc.Arbitrary<Intent> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant('issue' as const),
      cur: fc.nat(1),
      amount: fc.integer({ min: 1, max: 5000 }),
      expiresIn: fc.option(fc.integer({ min: 1, max: 6 })),
      goodwill: fc.boolean(),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      k: fc.constant('spend' as const),
      cur: fc.nat(1),
      mode: fc.constantFrom('over' as const, 'exact' as const, 'part' as const),
      x: fc.integer({ min: 1, max: 400 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant('race' as const),
      cur: fc.nat(1),
      a: fc.integer({ min: 30, max: 100 }),
      b: fc.integer({ min: 30, max: 100 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('release' as const), pick: fc.nat(50) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant('reverse' as const),
      pick: fc.nat(50),
      mode: fc.constantFrom('over' as const, 'all' as const, 'part' as const),
      x: fc.integer({ min: 1, max: 400 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('expire' as const), pick: fc.nat(50), early: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('tick' as const), days: fc.integer({ min: 1, max: 3 }) }) },
);

type Tally = { spendRefused: number; raceRefused: number; staleWouldOverdraw: number; reverseRefused: number };
type Ledger = Record<string, { issued: number; spent: number; released: number; reversed: number; expired: number }>;

const ledgerOf = (events: readonly CreditEvent[]): Ledger => {
  const out: Ledger = {};
  const spendCurrency = new Map<string, string>();
  const row = (c: string) => (out[c] ??= { issued: 0, spent: 0, released: 0, reversed: 0, expired: 0 });
  for (const e of events) {
    if (e.type === 'CreditIssued') row(e.data.amount.currency).issued += e.data.amount.amount;
    if (e.type === 'CreditSpent') {
      row(e.data.amount.currency).spent += e.data.amount.amount;
      spendCurrency.set(e.data.spendId, e.data.amount.currency);
    }
    if (e.type === 'CreditSpendReleased') row(e.data.amount.currency).released += e.data.amount.amount;
    if (e.type === 'CreditReversed') row(e.data.amount.currency).reversed += e.data.amount.amount;
    if (e.type === 'CreditExpired') row(e.data.amount.currency).expired += e.data.amount.amount;
  }
  return out;
};

/** The grants' remaining money, summed without the decider's helpers: must equal the test's own ledger. */
const remainingOf = (state: CreditState, c: string) =>
  state.grants.reduce((sum, g) => (g.currency === c ? sum + g.remaining : sum), 0);

const interpret = (intents: readonly Intent[], decider = creditDecider) => {
  const events: CreditEvent[] = [];
  let state = decider.initialState;
  let clock = Date.parse(day(1));
  let n = 0;
  const tally: Tally = { spendRefused: 0, raceRefused: 0, staleWouldOverdraw: 0, reverseRefused: 0 };
  const at = () => new Date(clock).toISOString();
  const meta = () => ({ commandId: `k-${++n}`, actor: actors.system, at: at() });
  const decide = (command: CreditCommand, on: CreditState = state) => decider.decide(command, on);
  const append = (decided: E.Either<unknown, readonly CreditEvent[]>) => {
    if (E.isLeft(decided)) return;
    events.push(...decided.right);
    state = applyEvents(decider, state, decided.right);
  };
  const spendOf = (cur: string, amount: number): CreditCommand => ({
    type: 'SpendCredit',
    data: { customerId: 'c-1', spendId: `s-${++n}`, amount: { amount, currency: cur }, orderId: 'o-9', paymentId: 'p' },
    metadata: meta(),
  });
  const check = (label: string) => {
    const ledger = ledgerOf(events);
    for (const c of currencies) {
      const l = ledger[c] ?? { issued: 0, spent: 0, released: 0, reversed: 0, expired: 0 };
      const balance = l.issued - l.spent + l.released - l.reversed - l.expired;
      expect(balance, `${label}: ${c} balance below zero`).toBeGreaterThanOrEqual(0);
      expect(remainingOf(state, c), `${label}: ${c} grants vs issued - spent + released - reversed - expired`).toBe(
        balance,
      );
      expect(creditBalance(state, c), `${label}: ${c} creditBalance`).toBe(balance);
    }
    for (const g of state.grants) expect(g.remaining >= 0 && g.remaining <= g.issued, label).toBe(true);
  };
  intents.forEach((intent, i) => {
    const label = `step ${i} ${JSON.stringify(intent)}`;
    switch (intent.k) {
      case 'tick':
        clock += intent.days * 86_400_000;
        break;
      case 'issue': {
        const cur = currencies[intent.cur] as string;
        const expiresAt =
          intent.expiresIn === null ? {} : { expiresAt: new Date(clock + intent.expiresIn * 86_400_000).toISOString() };
        const decided = decide({
          type: 'IssueCredit',
          data: {
            customerId: 'c-1',
            creditId: `cr-${++n}`,
            amount: { amount: intent.amount, currency: cur },
            source: intent.goodwill
              ? { kind: 'goodwill', reason: 'law' }
              : { kind: 'refund', orderId: 'o-1', refundId: `r-${n}` },
            ...expiresAt,
          },
          metadata: meta(),
        });
        expect(E.isRight(decided), label).toBe(true);
        append(decided);
        break;
      }
      case 'spend': {
        const cur = currencies[intent.cur] as string;
        const spendable = spendableCredit(state, cur, at());
        const amount =
          intent.mode === 'over' || spendable === 0
            ? spendable + intent.x
            : intent.mode === 'exact'
              ? spendable
              : Math.max(1, Math.floor((spendable * Math.min(intent.x, 100)) / 100));
        const decided = decide(spendOf(cur, amount));
        if (amount > spendable) {
          expect(E.isLeft(decided) && decided.left.code, label).toBe('insufficient-credit');
          tally.spendRefused += 1;
        } else expect(E.isRight(decided) && decided.right.length, label).toBe(1);
        append(decided);
        break;
      }
      case 'race': {
        // Two spends decided on the same read, each within what can be spent; the second writer's append meets
        // a version conflict and is decided again on the state the first one left (the command handler's retry).
        const cur = currencies[intent.cur] as string;
        const spendable = spendableCredit(state, cur, at());
        if (spendable === 0) break;
        const read = state;
        const a = spendOf(cur, Math.max(1, Math.floor((spendable * intent.a) / 100)));
        const b = spendOf(cur, Math.max(1, Math.floor((spendable * intent.b) / 100)));
        const first = decide(a, read);
        const stale = decide(b, read);
        expect(E.isRight(first) && E.isRight(stale), label).toBe(true);
        append(first);
        const askedB = b.type === 'SpendCredit' ? b.data.amount.amount : 0;
        const left = spendableCredit(state, cur, at());
        if (E.isRight(stale) && askedB > left) tally.staleWouldOverdraw += 1;
        const retried = decide(b);
        if (askedB > left) {
          expect(E.isLeft(retried) && retried.left.code, label).toBe('insufficient-credit');
          tally.raceRefused += 1;
        } else expect(E.isRight(retried), label).toBe(true);
        append(retried);
        break;
      }
      case 'release': {
        const spends = Object.values(state.spends);
        const spend = spends[intent.pick % Math.max(1, spends.length)];
        if (spend === undefined) break;
        const decided = decide({
          type: 'ReleaseCreditSpend',
          data: { customerId: 'c-1', spendId: spend.spendId, reason: 'law' },
          metadata: meta(),
        });
        expect(E.isRight(decided) && decided.right.length, label).toBe(spend.released ? 0 : 1);
        append(decided);
        break;
      }
      case 'reverse': {
        const grant = state.grants[intent.pick % Math.max(1, state.grants.length)];
        if (grant === undefined) break;
        const amount =
          intent.mode === 'all'
            ? undefined
            : intent.mode === 'over'
              ? grant.remaining + intent.x
              : Math.max(1, Math.floor((grant.remaining * Math.min(intent.x, 100)) / 100));
        const decided = decide({
          type: 'ReverseCredit',
          data: {
            customerId: 'c-1',
            creditId: grant.creditId,
            reason: 'law',
            ...(amount === undefined ? {} : { amount: { amount, currency: grant.currency } }),
          },
          metadata: meta(),
        });
        const asked = amount ?? grant.remaining;
        if (asked > grant.remaining || asked === 0) {
          expect(E.isLeft(decided), label).toBe(true);
          tally.reverseRefused += 1;
        } else expect(E.isRight(decided) && decided.right.length, label).toBe(1);
        append(decided);
        break;
      }
      case 'expire': {
        const dated = state.grants.filter((g) => g.expiresAt !== undefined);
        const grant = dated[intent.pick % Math.max(1, dated.length)];
        if (grant === undefined || grant.expiresAt === undefined) break;
        const dueAt = grant.expiresAt;
        const when = intent.early ? Math.min(clock, Date.parse(dueAt) - 1) : Math.max(clock, Date.parse(dueAt));
        const decided = decide({
          type: 'ExpireCredit',
          data: { customerId: 'c-1', creditId: grant.creditId, dueAt },
          metadata: { ...meta(), at: new Date(when).toISOString() },
        });
        if (grant.remaining === 0) expect(E.isRight(decided) && decided.right.length, label).toBe(0);
        else if (intent.early) expect(E.isLeft(decided) && decided.left.code, label).toBe('credit-not-expired');
        else expect(E.isRight(decided) && decided.right[0]?.data.amount.amount, label).toBe(grant.remaining);
        append(decided);
        break;
      }
    }
    check(label);
  });
  return { events, state, tally };
};

/** An order's receipts as the adapter and the receipts decider make them; no receipts command may be refused. */
const receiptsOf = (shop: Shop, orderId: string): Receipt[] => {
  const commands = receiptsCommandsFor(shop.history(orderId));
  if (E.isLeft(commands)) throw new Error(commands.left.message);
  const run = simulate(commands.right.map((c) => c.command));
  const refused = run.outcomes.flatMap((o) =>
    E.isLeft(o.result) ? [`${o.command.type}: ${o.result.left.message}`] : [],
  );
  expect(refused, `order ${orderId}`).toEqual([]);
  return run.events.flatMap((e) => (e.type === 'ReceiptIssued' ? [e.data.receipt] : []));
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

type Op = Readonly<{ op: 'refund-credit' | 'refund-card' | 'order' | 'goodwill'; a: number; b: number }>;
const opArb: fc.Arbitrary<Op> = fc.record({
  op: fc.constantFrom('refund-credit', 'refund-card', 'order', 'goodwill'),
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
    if (op.op === 'goodwill') {
      // Credit given for nothing (a late parcel): no money behind it.
      expect(
        s.send({
          type: 'IssueCredit',
          data: {
            customerId: 'c-1',
            creditId: s.id('gw'),
            amount: eur(1 + op.b),
            source: { kind: 'goodwill', reason: 'law' },
          },
          metadata: { commandId: s.id('gwc'), actor: actors.admin, at },
        }),
      ).toBeUndefined();
      return;
    }
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
      s.shop.order(streamId, orderCmd('VoidPayment', { paymentId: 'pay-1', reason: 'split tender' }, at));
      // Goodwill first, as a discount (up to half the order), then credit paid for as a tender, then the card.
      const goodwill = Math.min(
        spendableCredit(s.account(), 'EUR', at, 'goodwill'),
        (s.shop.state(next).totals.total.amount / 2) | 0,
      );
      if (goodwill > 0) {
        const plan = planGoodwillDiscount(s.shop.state(next), {
          discountId: 'gw',
          amount: eur(goodwill),
          actor: actors.customer,
          at,
        });
        if (E.isLeft(plan)) throw new Error(plan.left.message);
        expect(s.send(plan.right.spend)).toBeUndefined();
        for (const command of plan.right.orderCommands) expect(s.shop.order(streamId, command)).toBeUndefined();
      }
      const total = s.shop.state(next).totals.total.amount;
      const fromCredit = Math.min(
        spendableCredit(s.account(), 'EUR', at, 'money'),
        Math.max(1, (op.b * total) / 1000) | 0,
      );
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

  it('balance never negative under overspends, races, releases, reversals and expiries in two currencies (1,000 runs)', () => {
    let runsWithRefusal = 0;
    let runsWithRaceRefusal = 0;
    let runsWithStaleOverdraw = 0;
    let runsMixingCurrencies = 0;
    let runsWithExpiry = 0;
    let runsWithRelease = 0;
    let refusals = 0;
    fc.assert(
      fc.property(fc.array(intentArb, { minLength: 12, maxLength: 40 }), (intents) => {
        const { events, tally } = interpret(intents);
        refusals += tally.spendRefused + tally.raceRefused;
        if (tally.spendRefused + tally.raceRefused > 0) runsWithRefusal += 1;
        if (tally.raceRefused > 0) runsWithRaceRefusal += 1;
        if (tally.staleWouldOverdraw > 0) runsWithStaleOverdraw += 1;
        const spentIn = new Set(events.flatMap((e) => (e.type === 'CreditSpent' ? [e.data.amount.currency] : [])));
        if (spentIn.size === 2) runsMixingCurrencies += 1;
        if (events.some((e) => e.type === 'CreditExpired')) runsWithExpiry += 1;
        if (events.some((e) => e.type === 'CreditSpendReleased')) runsWithRelease += 1;
      }),
      { numRuns: 1000, seed: 1 },
    );
    // Not vacuous: most runs see an overspend refused, many a race the retry refuses (whose stale decision
    // would have overdrawn the account), and histories mix currencies, expire and release.
    expect(runsWithRefusal).toBeGreaterThan(900);
    expect(refusals).toBeGreaterThan(4000);
    expect(runsWithRaceRefusal).toBeGreaterThan(400);
    expect(runsWithStaleOverdraw).toBe(runsWithRaceRefusal);
    expect(runsMixingCurrencies).toBeGreaterThan(250);
    expect(runsWithExpiry).toBeGreaterThan(250);
    expect(runsWithRelease).toBeGreaterThan(400);
  });

  it('money and receipts balance with credit as destination and tender, goodwill as a discount (1,000 runs, REC-1, REC-3, REC-5, REC-7)', () => {
    let spentSome = 0;
    let goodwillSome = 0;
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
        // Money-backed credit only: goodwill was never money, and spent it lowered a price (a discount).
        const held = account.grants
          .filter((g) => fundOf(g.source) === 'money')
          .reduce((sum, g) => sum + g.remaining, 0);
        const goodwillSpent = s.credit.reduce(
          (sum, e) =>
            e.type === 'CreditSpent' && e.data.paymentId.startsWith('discount:') ? sum + e.data.amount.amount : sum,
          0,
        );
        if (goodwillSpent > 0) goodwillSome += 1;
        expect(moneyCaptured - s.moneyRefunded).toBe(kept + held);
        // 54-FZ: the receipts balance the money with credit as destination and tender. Per order, income -
        // returns = captured - refunded (store credit included: it moved an advance); the account's receipts
        // hold what money-backed credit is left; over all of them, new money = the card's money in less out.
        let orderReceipts = 0;
        for (const streamId of s.shop.orders.keys()) {
          const orderId = streamId.slice('order-'.length);
          const receipts = receiptsOf(s.shop, orderId);
          const state = s.shop.state(orderId);
          const net = state.payments.reduce((sum, p) => sum + p.captured - p.refunded, 0);
          const signed = receipts.reduce((sum, r) => sum + signedMoneyOf(r), 0);
          expect(signed, `order ${orderId}: income - returns vs captured - refunded`).toBe(net);
          orderReceipts += signed;
        }
        const accountReceipts = creditAccountReceipts(s.credit, { accountId: creditAccountStreamId('c-1') });
        expect(creditAdvancesHeld(accountReceipts, 'EUR')).toBe(held);
        expect(accountReceipts.every((r) => r.kind === 'advance')).toBe(true);
        expect(orderReceipts + creditAdvancesHeld(accountReceipts, 'EUR')).toBe(moneyCaptured - s.moneyRefunded);
        expect(account.customerId === null || account.customerId === 'c-1').toBe(true);
        expect(creditAccountStreamId('c-1')).toBe('credit-c-1');
      }),
      { numRuns: 1000 },
    );
    // Not vacuous: many runs paid an order with credit, many spent goodwill as a discount. Unseeded on purpose:
    // over seeds 1-12 these ran 395-448 and 277-319, so floors of 100 leave a wide margin to any run's luck.
    expect(spentSome).toBeGreaterThan(100);
    expect(goodwillSome).toBeGreaterThan(100);
  });
});

/**
 * One order with goodwill spent on it as a discount, then returns of random
 * units (and the shipping) to the card, or a cancellation before shipping;
 * after every order event `planGoodwillReturn` runs, as the runtime's
 * reactor does, and its `IssueCredit` goes to the account.
 */
type GoodwillStep = Readonly<
  { k: 'return'; line: number; qty: number } | { k: 'shipping' } | { k: 'cancel' } | { k: 'reverse'; pick: number }
>;
const goodwillStepArb: fc.Arbitrary<GoodwillStep> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ k: fc.constant('return' as const), line: fc.nat(1), qty: fc.integer({ min: 1, max: 3 }) }),
  },
  { weight: 1, arbitrary: fc.constant({ k: 'shipping' as const }) },
  { weight: 1, arbitrary: fc.constant({ k: 'cancel' as const }) },
  // The bank bounces a refund: its goods count as sold again, the goodwill they brought back is taken back.
  { weight: 2, arbitrary: fc.record({ k: fc.constant('reverse' as const), pick: fc.nat(9) }) },
);

const goodwillReturnRun = (goodwillPct: number, ship: boolean, steps: readonly GoodwillStep[]) => {
  const shop = new Shop();
  const credit: CreditEvent[] = [];
  const account = () => rehydrate(creditDecider, credit);
  const send = (command: CreditCommand) => {
    const decided = creditDecider.decide(command, account());
    if (E.isLeft(decided)) throw new Error(`${command.type}: ${decided.left.message}`);
    credit.push(...decided.right);
  };
  const streamId = orderStreamId('o-1');
  const must = (refused: string | undefined) => expect(refused).toBeUndefined();
  must(
    shop.order(
      streamId,
      orderCmd(
        'PlaceOrder',
        sampleCheckout({ orderId: 'o-1', lines: [tea, cup], paymentMethod: paymentMethods.card }),
        T(0),
        actors.customer,
      ),
    ),
  );
  must(shop.order(streamId, orderCmd('VoidPayment', { paymentId: 'pay-1', reason: 'goodwill first' }, T(1))));
  const goodwill = Math.max(1, Math.floor((shop.state('o-1').totals.total.amount * goodwillPct) / 100));
  send({
    type: 'IssueCredit',
    data: { customerId: 'c-1', creditId: 'gw', amount: eur(goodwill), source: { kind: 'goodwill', reason: 'law' } },
    metadata: { commandId: 'gw', actor: actors.admin, at: T(1) },
  });
  const plan = planGoodwillDiscount(shop.state('o-1'), {
    discountId: 'd',
    amount: eur(goodwill),
    actor: actors.customer,
    at: T(2),
  });
  if (E.isLeft(plan)) throw new Error(plan.left.message);
  send(plan.right.spend);
  for (const command of plan.right.orderCommands) must(shop.order(streamId, command));
  const total = shop.state('o-1').totals.total;
  must(
    shop.order(
      streamId,
      orderCmd(
        'RequestPayment',
        { paymentId: 'card', amount: total, method: paymentMethods.card, channel: 'email' },
        T(3),
      ),
    ),
  );
  must(shop.order(streamId, orderCmd('RecordSale', { paymentId: 'card', amount: total }, T(3), actors.provider)));
  if (ship) {
    must(shop.order(streamId, orderCmd('ConfirmOrder', {}, T(4))));
    must(shop.order(streamId, orderCmd('ShipOrder', { shipmentId: 's1' }, T(4))));
    must(shop.order(streamId, orderCmd('MarkDelivered', {}, T(4))));
  }
  const back: number[] = [];
  let reversals = 0;
  let seen = shop.history('o-1').length;
  steps.forEach((step, i) => {
    const at = T(10 + i);
    const line = [tea, cup][step.k === 'return' ? step.line : 0] as typeof tea;
    const succeeded = (shop.state('o-1').refunds ?? []).filter((r) => r.status === 'succeeded');
    const bounced = step.k === 'reverse' ? succeeded[step.pick % Math.max(1, succeeded.length)] : undefined;
    if (step.k === 'reverse' && bounced === undefined) return;
    const command =
      bounced !== undefined
        ? orderCmd('ReverseRefund', { refundId: bounced.refundId }, at, actors.provider)
        : step.k === 'cancel'
          ? orderCmd('CancelOrder', { reason: 'law' }, at)
          : step.k === 'shipping'
            ? orderCmd('RefundPayment', { refundId: `r-${i}`, shipping: true }, at)
            : orderCmd(
                'RefundPayment',
                { refundId: `r-${i}`, lines: [{ lineId: line.lineId, qty: step.k === 'return' ? step.qty : 1 }] },
                at,
              );
    if (shop.order(streamId, command) !== undefined) return;
    const history = shop.history('o-1');
    for (let v = seen; v < history.length; v += 1) {
      const event = history[v]!.event;
      const order = rehydrate(
        orderDecider,
        history.slice(0, v + 1).map((e) => e.event),
      );
      if (event.type === 'RefundReversed') {
        const reversal = planGoodwillReversal(order, account(), {
          refundId: event.data.refundId,
          commandId: `gr-${v}`,
          at,
        });
        if (reversal === undefined) continue;
        send(reversal.command);
        back.push(-(reversal.command.data.amount?.amount ?? 0));
        reversals += 1;
        continue;
      }
      if (event.type !== 'PaymentRefunded' && event.type !== 'OrderCancelled') continue;
      const cause = event.type === 'PaymentRefunded' ? `refund:${event.data.refundId}` : 'cancelled';
      const input = { cause, commandId: `gb-${v}`, at, reason: 'law' };
      const planned = planGoodwillReturn(order, account(), input);
      if (planned === undefined) continue;
      expect(planned.amount).toBeGreaterThan(0);
      send(planned.command);
      back.push(planned.amount);
      // Redelivered: the grant for this cause is there, nothing more is planned.
      expect(planGoodwillReturn(order, account(), input)).toBeUndefined();
    }
    seen = history.length;
  });
  return { shop, account: account(), goodwill, back, reversals };
};

describe('issue 17 laws: goodwill comes back', () => {
  it('never more than was spent, all of it once the order is cancelled or everything came back, once per cause (1,000 runs)', () => {
    let cancelled = 0;
    let everything = 0;
    let partial = 0;
    let reversed = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.boolean(),
        fc.array(goodwillStepArb, { maxLength: 8 }),
        (pct, ship, steps) => {
          const { shop, account, goodwill, back, reversals } = goodwillReturnRun(pct, ship, steps);
          if (reversals > 0) reversed += 1;
          const order = shop.state('o-1');
          const given = back.reduce((a, b) => a + b, 0);
          expect(goodwillSpentOn(account, 'o-1')).toBe(goodwill);
          expect(goodwillGivenBack(account, 'o-1')).toBe(given);
          expect(given).toBeLessThanOrEqual(goodwill);
          expect(creditBalance(account, 'EUR')).toBe(given);
          const allBack =
            order.lines.every((l) => (order.returnedQty?.[l.lineId] ?? 0) >= l.qty) &&
            (order.shippingRefunded ?? 0) > 0;
          if (order.status === 'cancelled') {
            cancelled += 1;
            expect(given).toBe(goodwill);
          } else if (allBack) {
            everything += 1;
            expect(given).toBe(goodwill);
          } else {
            // Part of the goods back: the goodwill's part of what their gross value carries of the discount
            // (allocated by value: within one minor unit per position, three positions here).
            const fee = order.totals.shippingFee.amount;
            const gross = order.lines.reduce((a, l) => a + l.unitPrice.amount * l.qty, 0) + fee;
            const grossBack =
              order.lines.reduce((a, l) => a + l.unitPrice.amount * (order.returnedQty?.[l.lineId] ?? 0), 0) +
              ((order.shippingRefunded ?? 0) > 0 ? fee : 0);
            const expected = (goodwill * grossBack) / gross;
            if (given > 0) partial += 1;
            expect(given).toBeLessThanOrEqual(expected + 3);
            expect(given).toBeGreaterThanOrEqual(expected - 4);
          }
        },
      ),
      // A fixed seed: the not-vacuous counts below must not depend on a run's luck (about 2% of runs bring everything back: 13 to 29 over seeds 1-3, 18 in one CI run).
      { numRuns: 1000, seed: 1 },
    );
    // Not vacuous: many runs cancelled, brought everything back, or a part.
    expect(cancelled).toBeGreaterThan(100);
    expect(everything).toBeGreaterThan(10);
    expect(partial).toBeGreaterThan(100);
    expect(reversed).toBeGreaterThan(50);
  });
});
