import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { applyEvents, rehydrate } from '@ordersource/core';
import type { OrderCommand } from './commands.js';
import { orderDecider } from './decider.js';
import { orderDue } from './due.js';
import type { OrderEvent } from './events.js';
import { actors, command, eur, paymentMethods, sampleCheckout } from './examples.js';
import {
  amountDueBack,
  balanceDue,
  capturable,
  capturePendingOf,
  charged,
  chargedBackOf,
  concessionsOf,
  financialStatus,
  held,
  heldOf,
  netCaptured,
  overRefunded,
  paymentSecured,
  refundPendingOf,
  requestable,
  totalDisputed,
  totalRefundPending,
} from './payment-status.js';
import { deliveredQty, returnedQty } from './quantities.js';
import type { OrderState } from './state.js';

/**
 * Issue 9 laws (PAY-1, PAY-5, REC-1): "a decider may refuse a request, never
 * a fact". Random histories of one card order mix the shop's requests
 * (captures, refunds, links) with the provider's outcomes in any order and
 * of any size: refunds beyond what was captured, disputes beyond what is
 * held, answers after the wait for them ended. After every step: no fact was
 * refused, the books are exactly the outcomes, an over-refund is flagged,
 * and no request asked for more than there was room for.
 */

const RUNS = 1000;
const OPS = [
  'request-capture',
  'capture',
  'fail-capture',
  'expire-capture',
  'request-refund',
  'request-refund',
  'refund-succeeds',
  'refund-succeeds',
  'refund-unknown',
  'provider-refund',
  'refund-fails',
  'refund-reversed',
  'expire-refund',
  'dispute',
  'dispute-won',
  'dispute-lost',
  'link',
  'pay-link',
  'refund-excess',
  'refund-excess',
  'void',
  'late-sale',
  'late-sale',
  'timers',
  // Issue 9: goods come back after delivery; a refund of them may fail or be reversed, and is then retried.
  'deliver',
  'request-refund-goods',
  'request-refund-goods',
  'retry-refund',
  'retry-refund',
] as const;
/** Issue 17: the charge law's own moves: an edit of the price, a compensation, a return refunded at once, shipping back. */
type ChargeMove = 'edit-price' | 'compensate' | 'refund-goods' | 'refund-shipping' | 'reverse-part';
type Op = Readonly<{
  op: (typeof OPS)[number] | ChargeMove;
  amount: number;
  pick: number;
  flag: boolean;
}>;

const opArb: fc.Arbitrary<Op> = fc.record({
  op: fc.constantFrom(...OPS),
  amount: fc.integer({ min: 1, max: 4000 }),
  pick: fc.nat({ max: 5 }),
  flag: fc.boolean(),
});

const hour = (i: number): string => new Date(Date.UTC(2026, 10, 24, 10) + i * 3_600_000).toISOString();

/** A command is a fact when the provider reports something that happened to the money. */
const FACTS = new Set<OrderCommand['type']>([
  'CapturePayment',
  'FailCapture',
  'ConfirmRefund',
  'FailRefund',
  'ReverseRefund',
  'OpenDispute',
  'CloseDispute',
  'RecordSale',
]);

type Step = Readonly<{ command: OrderCommand; before: OrderState; events: readonly OrderEvent[]; refused?: string }>;

const commandOf = (o: Op, state: OrderState, i: number): OrderCommand[] => {
  const at = hour(i + 1);
  const payment = state.payments[o.pick % Math.max(1, state.payments.length)];
  const refunds = state.refunds ?? [];
  const refund = refunds[o.pick % Math.max(1, refunds.length)];
  const evt = { providerEventId: `evt-${i}` };
  const p = payment?.paymentId ?? 'pay-1';
  switch (o.op) {
    case 'request-capture':
      return [command('RequestCapture', { paymentId: p, ...(o.flag ? { expiresAt: hour(i + 3) } : {}) }, at)];
    case 'capture': {
      const open = payment === undefined ? 0 : capturable(payment);
      if (open <= 0) return [];
      const amount = o.flag ? open : Math.min(open, o.amount);
      return [command('CapturePayment', { paymentId: p, amount: eur(amount), ...evt }, at, actors.provider)];
    }
    case 'fail-capture':
      return [command('FailCapture', { paymentId: p, ...evt }, at, actors.provider)];
    case 'expire-capture':
      return [command('ExpireCaptureRequest', { paymentId: p }, at)];
    case 'request-refund':
      return [
        command(
          'RequestRefund',
          {
            refundId: `q-${i}`,
            paymentId: p,
            ...(o.flag ? {} : { amount: eur(o.amount % 1500 || 1) }),
            ...(o.pick % 2 === 0 ? { expiresAt: hour(i + 2) } : {}),
          },
          at,
        ),
      ];
    case 'refund-succeeds':
      // The success of a known refund, with or without its amount (any amount: the provider says what it gave).
      return refund === undefined
        ? []
        : [
            command(
              'ConfirmRefund',
              { refundId: refund.refundId, ...(o.flag ? {} : { amount: eur(o.amount) }), ...evt },
              at,
              actors.provider,
            ),
          ];
    case 'refund-unknown':
      return [
        command(
          'ConfirmRefund',
          { refundId: `dash-${i}`, paymentId: p, amount: eur(o.amount), ...evt },
          at,
          actors.provider,
        ),
      ];
    case 'provider-refund':
      return [
        command(
          'RefundPayment',
          { refundId: `pr-${i}`, paymentId: p, amount: eur(o.amount), ...evt },
          at,
          actors.provider,
        ),
      ];
    case 'refund-fails':
      return refund === undefined
        ? []
        : [command('FailRefund', { refundId: refund.refundId, ...evt }, at, actors.provider)];
    case 'refund-reversed':
      return refund === undefined
        ? []
        : [command('ReverseRefund', { refundId: refund.refundId, ...evt }, at, actors.provider)];
    case 'expire-refund':
      return refund === undefined ? [] : [command('ExpireRefundRequest', { refundId: refund.refundId }, at)];
    case 'dispute':
      return [
        command(
          'OpenDispute',
          { disputeId: `d-${o.pick}`, paymentId: p, amount: eur(o.amount), ...evt },
          at,
          actors.provider,
        ),
      ];
    case 'dispute-won':
    case 'dispute-lost':
      return [
        command(
          'CloseDispute',
          {
            disputeId: `d-${o.pick}`,
            outcome: o.op === 'dispute-won' ? 'won' : 'lost',
            paymentId: p,
            amount: eur(o.amount),
            ...evt,
          },
          at,
          actors.provider,
        ),
      ];
    case 'link': {
      // Put an over-refund right: the customer pays the difference (or a part of the balance).
      const owed = overRefunded(state) > 0 ? overRefunded(state) : o.amount;
      return [
        command(
          'RequestPayment',
          { paymentId: `link-${i}`, amount: eur(owed), method: paymentMethods.card, channel: 'email' },
          at,
        ),
      ];
    }
    case 'pay-link': {
      const link = state.payments.find((x) => x.status === 'pending');
      return link === undefined
        ? []
        : [
            command(
              'RecordSale',
              { paymentId: link.paymentId, amount: eur(link.requested), ...evt },
              at,
              actors.provider,
            ),
          ];
    }
    case 'void': {
      const link = state.payments.find((x) => x.status === 'pending');
      return link === undefined ? [] : [command('VoidPayment', { paymentId: link.paymentId }, at)];
    }
    case 'late-sale': {
      // A voided link paid all the same (issue 9.1): the order is overpaid, money is due back.
      const late = state.payments.find((x) => x.status === 'voided' && x.authorized === 0);
      return late === undefined
        ? []
        : [
            command(
              'RecordSale',
              { paymentId: late.paymentId, amount: eur(late.requested), ...evt },
              at,
              actors.provider,
            ),
          ];
    }
    case 'refund-excess':
      return [command('RefundExcess', { refundId: `x-${i}` }, at)];
    case 'deliver': {
      // Shipped and delivered; the checkout payment is captured at shipment when it still can be.
      const open = state.payments[0] === undefined ? 0 : capturable(state.payments[0]);
      return deliveredQty(state, 'l1') > 0
        ? []
        : [
            ...(open > 0
              ? [command('CapturePayment', { paymentId: 'pay-1', amount: eur(open), ...evt }, at, actors.provider)]
              : []),
            command('ConfirmOrder', {}, at, actors.system),
            command('ShipOrder', { shipmentId: `s-${i}` }, at),
            command('MarkDelivered', {}, at),
          ];
    }
    case 'request-refund-goods': {
      // Goods come back only once delivered here, so "never more returned than delivered" is the law below.
      const holder = [...state.payments].sort((a, b) => heldOf(b) - heldOf(a))[0];
      return deliveredQty(state, 'l1') === 0 || holder === undefined
        ? []
        : [
            command(
              'RequestRefund',
              { refundId: `g-${i}`, paymentId: holder.paymentId, lines: [{ lineId: 'l1', qty: 1 + (o.pick % 2) }] },
              at,
            ),
          ];
    }
    case 'retry-refund': {
      // A refund of goods that failed or was reversed is asked again, naming the same goods.
      const gone = refunds.find(
        (r) => r.lines !== undefined && (r.status === 'failed' || r.status === 'reversed' || r.status === 'expired'),
      );
      return gone?.lines === undefined || gone.paymentId === undefined
        ? []
        : [command('RequestRefund', { refundId: `retry-${i}`, paymentId: gone.paymentId, lines: gone.lines }, at)];
    }
    case 'edit-price':
      // The admin lowers (or raises) the tea's price; refused once the order is locked, which is fine.
      return [
        command(
          'ChangeOrderLine',
          { lineId: 'l1', unitPrice: eur(o.flag ? 450 - (o.amount % 400) : 450 + (o.amount % 400)) },
          at,
        ),
      ];
    case 'compensate':
      // A plain refund by the admin: goodwill, or money held beyond the charge (no goods, no shipping).
      return [command('RefundPayment', { refundId: `c-${i}`, paymentId: p, amount: eur(1 + (o.amount % 900)) }, at)];
    case 'refund-goods':
      return deliveredQty(state, 'l1') === 0
        ? []
        : [command('RefundPayment', { refundId: `rg-${i}`, lines: [{ lineId: 'l1', qty: 1 }] }, at)];
    case 'reverse-part': {
      // The bank sends part of a refund back (the rest reached the customer).
      const on = refund === undefined ? 0 : refund.succeeded - refund.reversed;
      return refund === undefined || on < 2
        ? []
        : [
            command(
              'ReverseRefund',
              { refundId: refund.refundId, amount: eur(1 + (o.amount % (on - 1))), ...evt },
              at,
              actors.provider,
            ),
          ];
    }
    case 'refund-shipping':
      return deliveredQty(state, 'l1') === 0
        ? []
        : [command('RefundPayment', { refundId: `rs-${i}`, shipping: true }, at)];
    case 'timers':
      // The runtime fires each planned command at its time.
      return orderDue(state).map(
        (due) =>
          ({
            type: due.command.type,
            data: due.command.data,
            metadata: { commandId: `t-${i}-${due.key}`, actor: actors.system, at: due.at },
          }) as OrderCommand,
      );
  }
};

const play = (ops: readonly Op[], delivered = false, captured = delivered) => {
  const events: OrderEvent[] = [];
  const steps: Step[] = [];
  const start = [
    command('PlaceOrder', sampleCheckout({ paymentMethod: paymentMethods.cardManual }), hour(0), actors.customer),
    command('AuthorizePayment', { paymentId: 'pay-1', amount: eur(2100) }, hour(0), actors.provider),
    // The returned-goods law starts from an order paid and delivered: goods come back after it; the charge law
    // from an order paid (an edit then leaves money due back).
    ...(captured
      ? [command('CapturePayment', { paymentId: 'pay-1', amount: eur(2100) }, hour(0), actors.provider)]
      : []),
    ...(delivered
      ? [
          command('ConfirmOrder', {}, hour(0), actors.system),
          command('ShipOrder', { shipmentId: 's-0' }, hour(0)),
          command('MarkDelivered', {}, hour(0)),
        ]
      : []),
  ];
  let state = orderDecider.initialState;
  const apply = (cmd: OrderCommand): void => {
    const decided = orderDecider.decide(cmd, state);
    if (E.isLeft(decided)) {
      steps.push({ command: cmd, before: state, events: [], refused: decided.left.code });
      return;
    }
    steps.push({ command: cmd, before: state, events: decided.right });
    events.push(...decided.right);
    state = applyEvents(orderDecider, state, decided.right);
  };
  start.forEach(apply);
  ops.forEach((o, i) => commandOf(o, state, i).forEach(apply));
  return { events, steps, state };
};

/** The books rebuilt from the events alone, as an auditor would: per payment, money taken and money given back. */
const books = (events: readonly OrderEvent[]) => {
  const captured = new Map<string, number>();
  const succeeded = new Map<string, { paymentId?: string; sum: number; reversed: number }>();
  const chargedBack = new Map<string, number>();
  for (const e of events) {
    if (e.type === 'PaymentCaptured')
      captured.set(e.data.paymentId, (captured.get(e.data.paymentId) ?? 0) + e.data.amount.amount);
    if (e.type === 'PaymentRefunded' || e.type === 'RefundReversed') {
      const r = succeeded.get(e.data.refundId) ?? { sum: 0, reversed: 0 };
      if (e.data.paymentId !== undefined) r.paymentId ??= e.data.paymentId;
      if (e.type === 'PaymentRefunded') r.sum += e.data.amount.amount;
      else r.reversed += e.data.amount.amount;
      succeeded.set(e.data.refundId, r);
    }
    if (e.type === 'DisputeClosed' && e.data.outcome === 'lost')
      chargedBack.set(e.data.paymentId, (chargedBack.get(e.data.paymentId) ?? 0) + e.data.amount.amount);
  }
  const refunded = new Map<string, number>();
  for (const r of succeeded.values())
    if (r.paymentId !== undefined)
      refunded.set(r.paymentId, (refunded.get(r.paymentId) ?? 0) + Math.max(0, r.sum - r.reversed));
  return { captured, refunded, chargedBack };
};

const histories = fc.array(opArb, { minLength: 1, maxLength: 30 });

/** Refunds of returned goods and their outcomes, weighted so that failures and reversals are retried. */
const GOODS_OPS = [
  'request-refund-goods',
  'request-refund-goods',
  'refund-succeeds',
  'refund-succeeds',
  'refund-succeeds',
  'refund-fails',
  'refund-reversed',
  'refund-reversed',
  'expire-refund',
  'retry-refund',
  'retry-refund',
  'retry-refund',
  'refund-unknown',
  'dispute',
  'dispute-lost',
  'timers',
] as const;
const goodsHistories = fc.array(
  fc.record({
    op: fc.constantFrom(...GOODS_OPS),
    amount: fc.integer({ min: 1, max: 4000 }),
    pick: fc.nat({ max: 5 }),
    flag: fc.boolean(),
  }),
  { minLength: 1, maxLength: 30 },
);

/** Issue 17: histories that edit the price, overpay, compensate, return goods and shipping, and reverse refunds. */
const CHARGE_OPS = [
  'capture',
  'capture',
  'edit-price',
  'edit-price',
  'compensate',
  'compensate',
  'refund-excess',
  'deliver',
  'deliver',
  'refund-goods',
  'refund-goods',
  'refund-shipping',
  'request-refund-goods',
  'request-refund',
  'refund-succeeds',
  'refund-succeeds',
  'refund-fails',
  'refund-reversed',
  'refund-reversed',
  'reverse-part',
  'reverse-part',
  'retry-refund',
  'provider-refund',
  'link',
  'pay-link',
  'dispute',
  'dispute-lost',
  'timers',
] as const;
const chargeHistories = fc.array(
  fc.record({
    op: fc.constantFrom(...CHARGE_OPS),
    amount: fc.integer({ min: 1, max: 4000 }),
    pick: fc.nat({ max: 5 }),
    flag: fc.boolean(),
  }),
  { minLength: 1, maxLength: 30 },
);

/**
 * The auditor's concessions, from the events alone, folding them one by one for the money held and the total
 * before each: a refund naming goods or shipping (its request or its success) counts all its money on the books;
 * a plain one what its success gave beyond what was owed back just before it (measured with the auditor's own
 * concessions), the excess going first and coming back last.
 */
const auditedConcessions = (events: readonly OrderEvent[]): number => {
  const refunds = new Map<string, { succeeded: number; reversed: number; named: boolean; excess: number }>();
  let state = orderDecider.initialState;
  let conceded = 0;
  const concessionOf = (r: { succeeded: number; reversed: number; named: boolean; excess: number }) => {
    const on = Math.max(0, r.succeeded - r.reversed);
    return r.named ? on : Math.max(0, on - r.excess);
  };
  for (const e of events) {
    if (e.type === 'RefundRequested' || e.type === 'PaymentRefunded' || e.type === 'RefundReversed') {
      const r = refunds.get(e.data.refundId) ?? { succeeded: 0, reversed: 0, named: false, excess: 0 };
      refunds.set(e.data.refundId, r);
      const was = concessionOf(r);
      if (e.type !== 'RefundReversed' && (e.data.lines !== undefined || e.data.shipping !== undefined)) r.named = true;
      if (e.type === 'PaymentRefunded') {
        const before = Math.max(0, r.succeeded - r.reversed);
        r.succeeded += e.data.amount.amount;
        const gained = Math.max(0, r.succeeded - r.reversed) - before;
        const charge = state.status === 'cancelled' ? 0 : Math.max(0, state.totals.total.amount - conceded);
        const owedBack = Math.max(0, held(state) - charge);
        if (!r.named && gained > 0)
          r.excess = Math.min(Math.max(0, r.succeeded - r.reversed), r.excess + Math.min(gained, owedBack));
      }
      if (e.type === 'RefundReversed') r.reversed += e.data.amount.amount;
      if (e.type !== 'RefundRequested') conceded += concessionOf(r) - was;
    }
    state = applyEvents(orderDecider, state, [e]);
  }
  return conceded;
};

const REFUND_OUTCOMES = new Set<OrderEvent['type']>(['PaymentRefunded', 'RefundReversed']);
const REFUND_REQUESTS = new Set<OrderEvent['type']>(['RefundRequested', 'RefundFailed', 'RefundRequestExpired']);
const moneyFacts = (state: OrderState) => ({
  charged: charged(state),
  balanceDue: balanceDue(state),
  requestable: requestable(state),
  amountDueBack: amountDueBack(state),
  paymentSecured: paymentSecured(state),
  financialStatus: financialStatus(state),
});

describe(`issue 17 charge laws (${RUNS} runs each)`, () => {
  it('PAY-2/PAY-3/ORD-8/PAY-5: balance due + net captured = total − concessions when nothing is owed back; never owed both ways; no refund outcome makes her owe more', () => {
    const reached = new Set<string>();
    fc.assert(
      fc.property(chargeHistories, (ops) => {
        const { steps, events, state } = play(ops, false, ops[0]?.flag === true);
        // The books from the events alone: each refund's money on them, and whether it named goods or shipping.
        const sums = new Map<string, { on: number; named: boolean }>();
        for (const e of events) {
          if (e.type === 'RefundRequested' && e.data.lines !== undefined)
            sums.set(e.data.refundId, { on: sums.get(e.data.refundId)?.on ?? 0, named: true });
          if (e.type !== 'PaymentRefunded' && e.type !== 'RefundReversed') continue;
          const r = sums.get(e.data.refundId) ?? { on: 0, named: false };
          if (e.type === 'PaymentRefunded') {
            r.on += e.data.amount.amount;
            if (e.data.lines !== undefined || e.data.shipping !== undefined) r.named = true;
          } else r.on -= e.data.amount.amount;
          sums.set(e.data.refundId, r);
        }
        const onBooks = [...sums.values()].reduce((a, r) => a + Math.max(0, r.on), 0);
        const returns = [...sums.values()].reduce((a, r) => a + (r.named ? Math.max(0, r.on) : 0), 0);
        // Refunds of goods and shipping are concessions in full; a plain refund at most in full.
        expect(concessionsOf(state)).toBeGreaterThanOrEqual(returns);
        expect(concessionsOf(state)).toBeLessThanOrEqual(onBooks);
        expect(concessionsOf(state)).toBe(auditedConcessions(events));
        for (const { before, events: decided, command: cmd } of steps) {
          if (decided.length === 0) continue;
          const after = applyEvents(orderDecider, before, decided);
          const total = after.status === 'cancelled' ? 0 : after.totals.total.amount;
          expect(charged(after)).toBe(Math.max(0, total - concessionsOf(after)));
          if (netCaptured(after) <= charged(after)) expect(balanceDue(after) + netCaptured(after)).toBe(charged(after));
          expect(balanceDue(after) > 0 && amountDueBack(after) > 0).toBe(false);
          // A refund request, its failure or its expiry changes none of the money facts: outcomes do.
          if (decided.every((e) => REFUND_REQUESTS.has(e.type))) expect(moneyFacts(after)).toEqual(moneyFacts(before));
          if (decided.every((e) => REFUND_OUTCOMES.has(e.type)) && overRefunded(after) === 0) {
            // Money given back never makes her owe more; a success leaves the balance exactly as it was.
            expect(balanceDue(after)).toBeLessThanOrEqual(balanceDue(before));
            expect(requestable(after)).toBeLessThanOrEqual(requestable(before));
            if (decided.every((e) => e.type === 'PaymentRefunded')) expect(balanceDue(after)).toBe(balanceDue(before));
            if (concessionsOf(after) > concessionsOf(before)) reached.add('a concession');
            if (
              decided.some((e) => e.type === 'PaymentRefunded' && e.data.lines !== undefined) &&
              balanceDue(before) > 0
            )
              reached.add('a return refunded while money is owed');
          }
          // A refund of the excess is never a concession.
          if (cmd.type === 'RefundExcess') {
            expect(concessionsOf(after)).toBe(concessionsOf(before));
            if (decided.length > 0) reached.add('an excess refunded');
          }
          if (cmd.type === 'RefundPayment' && 'shipping' in cmd.data) reached.add('shipping refunded');
          if (
            cmd.type === 'RefundPayment' &&
            cmd.data.refundId.startsWith('c-') &&
            concessionsOf(after) === concessionsOf(before)
          )
            reached.add('a plain refund of money owed back');
          if (decided.some((e) => e.type === 'RefundReversed') && concessionsOf(after) < concessionsOf(before))
            reached.add('a concession reversed');
        }
      }),
      { numRuns: RUNS, seed: 20261203 },
    );
    for (const what of [
      'a concession',
      'a return refunded while money is owed',
      'an excess refunded',
      'shipping refunded',
      'a plain refund of money owed back',
      'a concession reversed',
    ])
      expect(reached).toContain(what);
  });
});

describe(`issue 9 money-facts laws (${RUNS} runs each)`, () => {
  it('PAY-1/PAY-5/REC-1: no provider fact is ever refused for its size or its timing', () => {
    fc.assert(
      fc.property(histories, (ops) => {
        for (const step of play(ops).steps) {
          if (!FACTS.has(step.command.type) || step.refused === undefined) continue;
          // The one refusal left for an outcome: it names nothing the order knows (no payment, no amount).
          expect(['refund-unknown', 'dispute-unknown', 'unknown-payment', 'invalid-payment-transition']).toContain(
            step.refused,
          );
          if (step.refused === 'invalid-payment-transition') expect(step.command.type).toBe('RecordSale');
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('PAY-5 books balance: captured − refunded is exactly the outcomes, per payment; an over-refund is flagged in state and status', () => {
    fc.assert(
      fc.property(histories, (ops) => {
        const { events, state } = play(ops);
        const audit = books(events);
        for (const p of state.payments) {
          expect(p.captured).toBe(audit.captured.get(p.paymentId) ?? 0);
          expect(p.refunded).toBe(audit.refunded.get(p.paymentId) ?? 0);
          expect(chargedBackOf(p)).toBe(audit.chargedBack.get(p.paymentId) ?? 0);
        }
        const net = state.payments.reduce((a, p) => a + p.captured - p.refunded - chargedBackOf(p), 0);
        expect(overRefunded(state)).toBe(Math.max(0, -net));
        if (overRefunded(state) > 0 && totalDisputed(state) === 0) expect(financialStatus(state)).toBe('over_refunded');
        if (overRefunded(state) === 0) expect(financialStatus(state)).not.toBe('over_refunded');
      }),
      { numRuns: RUNS },
    );
  });

  it('PAY-5/REC-7 returned goods: counted from refund outcomes, once, and never more returned than delivered', () => {
    let asked = 0;
    let retried = 0;
    fc.assert(
      fc.property(goodsHistories, (ops) => {
        const { events, state, steps } = play(ops, true);
        // Facts are recorded here too (issue 9).
        for (const step of steps)
          if (FACTS.has(step.command.type) && step.refused !== undefined)
            expect(['refund-unknown', 'dispute-unknown', 'unknown-payment']).toContain(step.refused);
        // The auditor's count, from the events alone: a refund's goods (its first success naming them) count while
        // its money is on the books, and never beyond what is left of the line (a late success beside its retry).
        const goods = new Map<string, number>();
        const sums = new Map<string, { succeeded: number; reversed: number }>();
        const counted = new Map<string, number>();
        let onTheBooks = 0;
        for (const e of events) {
          if (e.type !== 'PaymentRefunded' && e.type !== 'RefundReversed') continue;
          const id = e.data.refundId;
          const sum = sums.get(id) ?? { succeeded: 0, reversed: 0 };
          if (e.type === 'PaymentRefunded') {
            sum.succeeded += e.data.amount.amount;
            const l1 = e.data.lines?.find((line) => line.lineId === 'l1');
            if (l1 !== undefined && !goods.has(id)) goods.set(id, l1.qty);
          } else sum.reversed += e.data.amount.amount;
          sums.set(id, sum);
          const qty = goods.get(id);
          if (qty === undefined) continue;
          const on = sum.succeeded - sum.reversed > 0;
          if (on && !counted.has(id)) {
            const take = Math.min(qty, 2 - onTheBooks);
            counted.set(id, take);
            onTheBooks += take;
          } else if (!on && counted.has(id)) {
            onTheBooks -= counted.get(id)!;
            counted.delete(id);
          }
        }
        expect(returnedQty(state, 'l1')).toBe(onTheBooks);
        expect(returnedQty(state, 'l1')).toBeLessThanOrEqual(deliveredQty(state, 'l1'));
        if (events.some((e) => e.type === 'RefundRequested' && e.data.refundId.startsWith('retry-'))) asked += 1;
        if (events.some((e) => e.type === 'PaymentRefunded' && e.data.refundId.startsWith('retry-'))) retried += 1;
      }),
      { numRuns: RUNS, seed: 20261202 },
    );
    // Not vacuous: refunds of returned goods that failed or were reversed are retried, and the retries succeed.
    expect(asked).toBeGreaterThan(RUNS / 25);
    expect(retried).toBeGreaterThan(10);
  });

  it('PAY-5 requests: a refund request, an admin refund or RefundExcess never asks beyond what is held less what is pending', () => {
    fc.assert(
      fc.property(histories, (ops) => {
        for (const { command: cmd, before, events } of play(ops).steps) {
          if (events.length === 0) continue;
          const asked = events.reduce(
            (a, e) => a + (e.type === 'RefundRequested' || e.type === 'PaymentRefunded' ? e.data.amount.amount : 0),
            0,
          );
          if (cmd.type === 'RequestRefund') {
            const p = before.payments.find((x) => x.paymentId === cmd.data.paymentId);
            expect(asked).toBeLessThanOrEqual(p === undefined ? 0 : heldOf(p) - refundPendingOf(p));
          }
          if (cmd.type === 'RefundExcess')
            expect(asked).toBeLessThanOrEqual(amountDueBack(before) - totalRefundPending(before));
          // A capture request never asks beyond what is authorized and not asked already.
          if (cmd.type === 'RequestCapture') {
            const p = before.payments.find((x) => x.paymentId === cmd.data.paymentId);
            const requested = events.reduce(
              (a, e) => a + (e.type === 'CaptureRequested' ? e.data.amount.amount : 0),
              0,
            );
            expect(requested).toBeLessThanOrEqual(p === undefined ? 0 : capturable(p) - capturePendingOf(p));
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('issue 9 timers: every planned request expiry is accepted at its time and leaves the plan; the laws reach what they are about', () => {
    const reached = new Set<string>();
    fc.assert(
      fc.property(histories, (ops) => {
        const { steps, state } = play(ops);
        for (const due of orderDue(state)) {
          const fire = {
            type: due.command.type,
            data: due.command.data,
            metadata: { commandId: `fire-${due.key}`, actor: actors.system, at: due.at },
          } as OrderCommand;
          const decided = orderDecider.decide(fire, state);
          expect(E.isRight(decided)).toBe(true);
          if (E.isLeft(decided)) return;
          const after = applyEvents(orderDecider, state, decided.right);
          expect(orderDue(after).some((d) => d.key === due.key && d.at === due.at)).toBe(false);
        }
        for (const step of steps)
          for (const e of step.events) {
            reached.add(e.type);
            if ((e.type === 'PaymentRefunded' || e.type === 'DisputeOpened') && e.data.exceeds !== undefined)
              reached.add(`${e.type} exceeds`);
          }
        if (overRefunded(state) > 0) reached.add('over-refunded at the end');
        if (
          rehydrate(
            orderDecider,
            steps.flatMap((s) => s.events),
          ).payments.length > 1
        )
          reached.add('a second payment');
      }),
      { numRuns: RUNS, seed: 20261202 },
    );
    for (const what of [
      'CaptureRequestExpired',
      'RefundRequestExpired',
      'PaymentRefunded exceeds',
      'DisputeOpened exceeds',
      'RefundReversed',
      'DisputeClosed',
      'over-refunded at the end',
      'a second payment',
    ])
      expect(reached).toContain(what);
  });
});
