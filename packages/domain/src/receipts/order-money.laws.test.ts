import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { rehydrate, type Envelope } from '@ordersource/core';
import type { OrderCommand } from '../order/commands.js';
import { orderDecider } from '../order/decider.js';
import { orderStreamId, type OrderEvent } from '../order/events.js';
import { actors, command, eur, paymentMethods, sampleCheckout, sampleLines } from '../order/examples.js';
import {
  balanceDue,
  capturable,
  chargedBackOf,
  disputedOf,
  openRequested,
  refundPendingOf,
  totalCaptured,
  totalChargedBack,
  totalRefunded,
  uncapturedAuthorized,
} from '../order/payment-status.js';
import type { OrderState, PaymentState } from '../order/state.js';
import type { ReceiptsState } from './state.js';
import { receiptsCommandsFor } from './from-order-events.js';
import { signedMoneyOf } from './receipt.js';
import { simulate } from './simulate.js';
import { goodsLeft, openUnassigned } from './state.js';
import { assignOpenRefunds } from './test-support/assign.js';

/**
 * Issue 9 laws on money, over random order histories that include
 * overpayments (a chat link paid beside the checkout), late payments on a
 * cancelled order, voided authorizations, returns and the excess refund, and
 * (issue 9.3) the provider's asynchronous outcomes: captures and refunds
 * requested, pending, succeeded or failed, refunds reversed, disputes opened
 * and won or lost, 3-D Secure, and webhooks delivered twice.
 *
 * - money in = money recorded: every amount the provider reported as taken
 *   is in the order's captured total exactly once;
 * - receipts balance the money: the receipts the adapter derives take in
 *   what was captured (and refunds reversed) and give back what was refunded
 *   (outcomes, not requests), to the minor unit;
 * - never more refunded than captured; never more requested than the balance.
 */

const T = (minute: number): string => new Date(Date.UTC(2026, 10, 24, 10, minute)).toISOString();

type Op =
  | 'sale'
  | 'authorize'
  | 'capture'
  | 'void'
  | 'link'
  | 'pay-link'
  | 'cancel'
  | 'ship'
  | 'deliver'
  | 'refund-line'
  | 'refund-excess'
  | '3ds'
  | 'request-capture'
  | 'capture-fails'
  | 'request-refund'
  | 'refund-succeeds'
  | 'refund-fails'
  | 'refund-reversed'
  | 'refund-unrequested'
  | 'dispute'
  | 'dispute-won'
  | 'dispute-lost'
  | 'redeliver'
  | 'over-refund'
  | 'retry-refund'
  | 'refund-partial'
  | 'confirm';

// Voids, links and sales weigh more, so a link paid beside a late checkout sale (an overpayment) is common.
const opArb = fc.constantFrom<Op>(
  'void',
  'link',
  'pay-link',
  'link',
  'pay-link',
  'sale',
  'sale',
  'authorize',
  'capture',
  'void',
  'link',
  'pay-link',
  'void',
  'link',
  'pay-link',
  'sale',
  'cancel',
  'ship',
  'deliver',
  'refund-line',
  'refund-excess',
  '3ds',
  'request-capture',
  'capture-fails',
  'request-refund',
  'request-refund',
  'request-refund',
  'refund-succeeds',
  'refund-succeeds',
  'refund-fails',
  'refund-fails',
  'refund-reversed',
  'refund-reversed',
  'refund-unrequested',
  'dispute',
  'dispute',
  'dispute-won',
  'dispute-lost',
  'redeliver',
  // Issue 9: the provider gives back more than it took (refunded twice); a failed or reversed refund is retried.
  'over-refund',
  'retry-refund',
  'retry-refund',
  // Issue 9 (PAY-5, REC-7): after delivery, the provider confirms part of a refund asked with lines, or refunds
  // from its dashboard naming no goods.
  'deliver',
  'refund-partial',
  'refund-partial',
  'refund-unrequested',
);

/** The payment holding the most that can still be refunded. */
const richest = (state: OrderState): PaymentState | undefined =>
  [...state.payments].sort((a, b) => b.captured - b.refunded - (a.captured - a.refunded))[0];

/** A money fact the provider reports: the amount it says it took (law 1). */
type Take = Readonly<{ eventId: string; amount: number }>;

/** The command an op stands for, in the state reached so far, and the money it reports taken. */
const commandOf = (
  op: Op,
  state: OrderState,
  i: number,
  sent: readonly OrderCommand[],
): { command: OrderCommand; take?: Take } | undefined => {
  const at = T(i + 1);
  const evt = { providerEventId: `evt-${i}` };
  const checkout = state.payments[0];
  const link = state.payments.find((p) => p.paymentId.startsWith('link-') && p.status === 'pending');
  const wrap = (command: OrderCommand | undefined, take?: Take) =>
    command === undefined ? undefined : { command, ...(take === undefined ? {} : { take }) };
  const refund = (status: string) => (state.refunds ?? []).find((r) => r.status === status);
  const dispute = (state.disputes ?? []).find((d) => d.status === 'open');
  // The provider can sell only a request it never authorized (open, failed, or lapsed: a late payment).
  const sellable = (p: PaymentState | undefined): p is PaymentState =>
    p !== undefined && p.authorized === 0 && p.captured === 0;
  switch (op) {
    case 'sale':
      if (!sellable(checkout)) return undefined;
      return wrap(
        command(
          'RecordSale',
          { paymentId: checkout.paymentId, amount: eur(checkout.requested), ...evt },
          at,
          actors.provider,
        ),
        { eventId: evt.providerEventId, amount: checkout.requested },
      );
    case 'authorize':
      return wrap(
        checkout &&
          command(
            'AuthorizePayment',
            { paymentId: checkout.paymentId, amount: eur(checkout.requested), ...evt },
            at,
            actors.provider,
          ),
      );
    case 'capture': {
      // What the provider took of the authorization: all of it, even after a void it did not honour (issue 9.1).
      const open = checkout === undefined ? 0 : checkout.authorized - checkout.captured;
      if (checkout === undefined || open <= 0) return undefined;
      return wrap(
        command('CapturePayment', { paymentId: checkout.paymentId, amount: eur(open), ...evt }, at, actors.provider),
        { eventId: evt.providerEventId, amount: open },
      );
    }
    case 'void':
      return wrap(checkout && command('VoidPayment', { paymentId: checkout.paymentId }, at));
    case 'link':
      // A chat link for the full total (it is refused while the checkout request is open, issue 9.2).
      return wrap(
        command(
          'RequestPayment',
          { paymentId: `link-${i}`, amount: state.totals.total, method: paymentMethods.card, channel: 'telegram' },
          at,
        ),
      );
    case 'pay-link':
      if (!sellable(link)) return undefined;
      return wrap(
        command('RecordSale', { paymentId: link.paymentId, amount: eur(link.requested), ...evt }, at, actors.provider),
        { eventId: evt.providerEventId, amount: link.requested },
      );
    case 'cancel':
      return wrap(command('CancelOrder', { reason: 'law' }, at));
    case 'confirm':
      // ORD-3: an admin confirms the order, so it can ship.
      return wrap(command('ConfirmOrder', {}, at));
    case 'ship':
      return wrap(command('ShipOrder', { shipmentId: `s-${i}` }, at));
    case 'deliver':
      return wrap(command('MarkDelivered', {}, at));
    case 'refund-line':
      return wrap(command('RefundPayment', { refundId: `r-${i}`, lines: [{ lineId: 'l1', qty: 1 }] }, at));
    case 'refund-excess':
      return wrap(command('RefundExcess', { refundId: `x-${i}` }, at));
    case '3ds':
      return wrap(
        checkout && command('RequireCustomerAction', { paymentId: checkout.paymentId, ...evt }, at, actors.provider),
      );
    case 'request-capture':
      return wrap(checkout && command('RequestCapture', { paymentId: checkout.paymentId }, at));
    case 'capture-fails':
      return wrap(checkout && command('FailCapture', { paymentId: checkout.paymentId, ...evt }, at, actors.provider));
    case 'request-refund': {
      const payment = richest(state);
      // Half the time with a returned line (REC-7), so its success is receipted as a return of goods.
      return wrap(
        payment &&
          command(
            'RequestRefund',
            i % 2 === 0
              ? { refundId: `q-${i}`, paymentId: payment.paymentId, lines: [{ lineId: 'l2', qty: 1 }] }
              : { refundId: `q-${i}`, paymentId: payment.paymentId },
            at,
          ),
      );
    }
    case 'refund-succeeds': {
      // A pending or failed request, or one whose reversal was reported before its success (out of order).
      // A retry (issue 9) is answered first, so that retried refunds of goods succeed often.
      const retry = (state.refunds ?? []).find((r) => r.status === 'pending' && r.refundId.startsWith('retry-'));
      const pending =
        retry ?? refund('pending') ?? (state.refunds ?? []).find((r) => r.requested > 0 && r.succeeded === 0);
      return wrap(pending && command('ConfirmRefund', { refundId: pending.refundId, ...evt }, at, actors.provider));
    }
    case 'refund-partial': {
      // The provider confirms less than was asked (its own partial refund of a request naming goods).
      const pending = (state.refunds ?? []).find((r) => r.status === 'pending' && r.pending > 1);
      return wrap(
        pending &&
          command(
            'ConfirmRefund',
            { refundId: pending.refundId, amount: eur(Math.floor(pending.pending / 2)), ...evt },
            at,
            actors.provider,
          ),
      );
    }
    case 'refund-fails': {
      const pending = refund('pending');
      return wrap(pending && command('FailRefund', { refundId: pending.refundId, ...evt }, at, actors.provider));
    }
    case 'refund-reversed': {
      // Usually a refund that succeeded; else one still pending (the reversal reported before its success).
      const target = refund('succeeded') ?? refund('pending');
      return wrap(target && command('ReverseRefund', { refundId: target.refundId, ...evt }, at, actors.provider));
    }
    case 'refund-unrequested': {
      // The provider reports a refund the shop never asked for (made in its dashboard).
      const payment = richest(state);
      const left = payment === undefined ? 0 : payment.captured - payment.refunded;
      if (payment === undefined || left <= 0) return undefined;
      return wrap(
        command(
          'ConfirmRefund',
          { refundId: `p-${i}`, paymentId: payment.paymentId, amount: eur(Math.ceil(left / 2)), ...evt },
          at,
          actors.provider,
        ),
      );
    }
    case 'dispute': {
      const payment = state.payments.find((p) => p.captured > 0);
      return wrap(
        payment &&
          command(
            'OpenDispute',
            { disputeId: `d-${i}`, paymentId: payment.paymentId, amount: eur(payment.captured), ...evt },
            at,
            actors.provider,
          ),
      );
    }
    case 'dispute-won':
    case 'dispute-lost':
      return wrap(
        dispute &&
          command(
            'CloseDispute',
            { disputeId: dispute.disputeId, outcome: op === 'dispute-won' ? 'won' : 'lost', ...evt },
            at,
            actors.provider,
          ),
      );
    case 'over-refund': {
      // The provider reports a refund beyond what the payment holds: recorded, flagged `exceeds` (issue 9).
      const payment = state.payments.find((p) => p.captured > 0);
      if (payment === undefined) return undefined;
      return wrap(
        command(
          'ConfirmRefund',
          { refundId: `o-${i}`, paymentId: payment.paymentId, amount: eur(payment.captured + 100), ...evt },
          at,
          actors.provider,
        ),
      );
    }
    case 'retry-refund': {
      // A refund that failed or was reversed is asked again, naming the same goods.
      const gone = [...(state.refunds ?? [])]
        .reverse()
        .find((r) => r.status === 'failed' || (r.status === 'reversed' && r.succeeded > 0));
      // From the payment that holds the most now (the first may be refunded in full meanwhile).
      const payment = richest(state);
      if (gone === undefined || payment === undefined) return undefined;
      return wrap(
        command(
          'RequestRefund',
          {
            refundId: `retry-${i}`,
            paymentId: payment.paymentId,
            ...(gone.lines === undefined ? {} : { lines: gone.lines }),
          },
          at,
        ),
      );
    }
    case 'redeliver': {
      // A webhook delivered again: the same provider event under a new commandId (issue 9.3).
      const last = [...sent].reverse().find((c) => c.metadata.actor.kind === 'provider');
      return wrap(last && { ...last, metadata: { ...last.metadata, commandId: `again-${i}` } });
    }
  }
};

type Played = Readonly<{
  events: OrderEvent[];
  takes: Take[];
  /** Provider facts (takes) the order refused: there must be none. */
  refusedTakes: string[];
  redelivered: number;
  redeliveredAppended: number;
  /** Law 3, at each accepted request: what it asked and the room it had. */
  overAsked: string[];
}>;

const play = (ops: readonly Op[], manual: boolean): Played => {
  const events: OrderEvent[] = [];
  const takes: Take[] = [];
  const refusedTakes: string[] = [];
  const overAsked: string[] = [];
  const sent: OrderCommand[] = [];
  let redelivered = 0;
  let redeliveredAppended = 0;
  const place = command(
    'PlaceOrder',
    sampleCheckout({ lines: sampleLines, paymentMethod: manual ? paymentMethods.cardManual : paymentMethods.card }),
    T(0),
    actors.customer,
  );
  const placed = orderDecider.decide(place, orderDecider.initialState);
  if (E.isLeft(placed)) throw new Error(placed.left.message);
  events.push(...placed.right);
  ops.forEach((op, i) => {
    const state = rehydrate(orderDecider, events);
    const next = commandOf(op, state, i, sent);
    if (next === undefined) return;
    const { command: cmd, take } = next;
    const decided = orderDecider.decide(cmd, state);
    if (op === 'redeliver') {
      redelivered += 1;
      if (E.isRight(decided)) redeliveredAppended += decided.right.length;
    }
    if (take !== undefined) {
      if (E.isLeft(decided)) refusedTakes.push(`${cmd.type} ${take.amount}: ${decided.left.code}`);
      else takes.push(take);
    }
    sent.push(cmd);
    if (E.isLeft(decided)) return;
    events.push(...decided.right);
    const after = rehydrate(orderDecider, events);
    if (cmd.type === 'RequestRefund') {
      // What the payment held before, less refunds already pending (a dispute's withdrawn funds are not held).
      const p = state.payments.find((payment) => payment.paymentId === cmd.data.paymentId);
      const room =
        p === undefined ? 0 : p.captured - p.refunded - chargedBackOf(p) - disputedOf(p) - refundPendingOf(p);
      const asked = decided.right.reduce(
        (sum, e) => sum + (e.type === 'RefundRequested' ? e.data.amount.amount : 0),
        0,
      );
      if (asked > room) overAsked.push(`refund request of ${asked} on ${cmd.data.paymentId}, room ${room}`);
    }
    if (cmd.type === 'RequestPayment' && openRequested(after) + uncapturedAuthorized(after) > balanceDue(after))
      overAsked.push(`payment request ${cmd.data.paymentId}`);
  });
  return { events, takes, refusedTakes, redelivered, redeliveredAppended, overAsked };
};

const envelopes = (events: readonly OrderEvent[]): Envelope<OrderEvent>[] =>
  events.map((event, version) => ({
    event,
    eventId: `e-${version}`,
    streamId: orderStreamId('o-1'),
    streamVersion: version,
    globalPosition: String(version),
    occurredAt: T(version),
    recordedAt: T(version),
    actor: actors.system,
    schemaVersion: 1,
  }));

/**
 * Issue 9 (PAY-5, REC-1, REC-7): the receipts the adapter derives from an
 * order history, checked against its money: no receipts command refused (a
 * refund is a fact), income receipts − income returns − unreceipted −
 * unassigned = captured − refunded (outcomes), to the minor unit; then an
 * admin names the goods of every unassigned refund and the same holds with
 * what is still unassigned (none, unless the goods left do not suffice).
 */
const balance = (events: readonly OrderEvent[], state: OrderState) => {
  const commands = receiptsCommandsFor(envelopes(events));
  if (E.isLeft(commands)) throw new Error(commands.left.message);
  const run = simulate(commands.right.map((c) => c.command));
  const refused = run.outcomes.flatMap((o) => (E.isLeft(o.result) ? [o.result.left.code] : []));
  expect(refused).toEqual([]);
  const signedOf = (receipts: ReceiptsState) =>
    receipts.issued.reduce((sum, id) => sum + signedMoneyOf(receipts.receipts[id]?.receipt ?? ({} as never)), 0);
  // One currency per order here (EUR); refunds on the books are succeeded minus reversed. A refund beyond what the
  // receipts took in is unreceipted (issue 9); one naming no goods after the closing receipt waits, unassigned, for
  // an admin: both are counted apart.
  const money = totalCaptured(state) - totalRefunded(state);
  const unreceipted = run.state.unreceiptedRefund ?? 0;
  const unassigned = openUnassigned(run.state);
  expect(signedOf(run.state) - unreceipted - unassigned).toBe(money);
  const assigned = assignOpenRefunds(run.state, T(59));
  expect(assigned.outcomes.filter((o) => E.isLeft(o.result))).toEqual([]);
  const stillOpen = openUnassigned(assigned.state);
  expect(signedOf(assigned.state) - (assigned.state.unreceiptedRefund ?? 0) - stillOpen).toBe(money);
  // Nothing stays unassigned: money no goods are left to name for became unreceipted (issue 9).
  expect(stillOpen).toBe(0);
  expect(openUnassigned(run.state)).toBeLessThanOrEqual(goodsLeft(run.state));
  // A refund naming goods for less than they are worth returns them priced pro rata (PAY-5).
  const proRata = run.state.issued.some((id) => {
    const receipt = run.state.receipts[id]!.receipt;
    return (
      receipt.operation === 'income-return' &&
      receipt.kind === 'full-settlement' &&
      receipt.items.some((item) => {
        const line = run.state.lines.find((candidate) => candidate.lineId === item.lineId);
        return line !== undefined && item.price.amount < line.price.amount;
      })
    );
  });
  const reversedUnassigned = run.events.some((e) => e.type === 'UnassignedRefundReversed');
  const beyondGoods = [...run.events, ...assigned.events].some((e) => e.type === 'UnassignedRefundUnreceipted');
  return { unreceipted, unassigned, stillOpen, proRata, reversedUnassigned, beyondGoods };
};

const histories = fc.tuple(fc.array(opArb, { minLength: 1, maxLength: 24, size: 'max' }), fc.boolean());
// Issue 9: histories that start paid, shipped and delivered (the closing receipt out), then refunds of every kind.
const afterOp = fc.constantFrom<Op>(
  'request-refund',
  'request-refund',
  'refund-partial',
  'refund-partial',
  'refund-succeeds',
  'refund-unrequested',
  'refund-unrequested',
  'refund-line',
  'refund-reversed',
  'refund-fails',
  'retry-refund',
  'over-refund',
  'link',
  'pay-link',
  'redeliver',
);
const afterClosing = fc.tuple(fc.array(afterOp, { minLength: 1, maxLength: 12, size: 'max' }), fc.boolean());
// A fixed seed: the coverage counts below must not depend on the luck of a run (9 overpayments once, in CI).
const RUNS = { numRuns: 1000, seed: 20261201 };

describe('issue 9 laws on money (PAY-1, PAY-3, PAY-5, REC-1, REC-7)', () => {
  it('money in = money recorded: every amount the provider reported as taken is in the captured total exactly once (1,000 runs)', () => {
    let redelivered = 0;
    let lateOrOver = 0;
    fc.assert(
      fc.property(histories, ([ops, manual]) => {
        const played = play(ops, manual);
        const state = rehydrate(orderDecider, played.events);
        // Facts are never refused (issue 9.1), and a webhook delivered again appends nothing (issue 9.3).
        expect(played.refusedTakes).toEqual([]);
        expect(played.redeliveredAppended).toBe(0);
        expect(totalCaptured(state)).toBe(played.takes.reduce((sum, take) => sum + take.amount, 0));
        redelivered += played.redelivered;
        if (totalCaptured(state) > state.totals.total.amount || state.status === 'cancelled') lateOrOver += 1;
      }),
      RUNS,
    );
    expect(redelivered).toBeGreaterThan(100);
    expect(lateOrOver).toBeGreaterThan(10);
  });

  it('receipts balance the money: income receipts minus income returns equal captured minus refunded (outcomes, not requests), per order, to the minor unit (1,000 runs)', () => {
    const reached = {
      overpaid: 0,
      refunded: 0,
      reversed: 0,
      failed: 0,
      pending: 0,
      lost: 0,
      won: 0,
      unreceipted: 0,
      retried: 0,
    };
    fc.assert(
      fc.property(histories, ([ops, manual]) => {
        const { events } = play(ops, manual);
        const state = rehydrate(orderDecider, events);
        const account = balance(events, state);
        const { unreceipted } = account;
        if (unreceipted > 0) reached.unreceipted += 1;
        if (events.some((e) => e.type === 'PaymentRefunded' && e.data.refundId.startsWith('retry-')))
          reached.retried += 1;
        const refunds = state.refunds ?? [];
        if (totalCaptured(state) > state.totals.total.amount) reached.overpaid += 1;
        if (totalRefunded(state) > 0) reached.refunded += 1;
        if (refunds.some((r) => r.status === 'reversed' && r.succeeded > 0)) reached.reversed += 1;
        if (refunds.some((r) => r.status === 'failed')) reached.failed += 1;
        if (refunds.some((r) => r.status === 'pending' && r.pending > 0)) reached.pending += 1;
        if (totalChargedBack(state) > 0) reached.lost += 1;
        if ((state.disputes ?? []).some((d) => d.status === 'won')) reached.won += 1;
      }),
      RUNS,
    );
    // Not vacuous: every kind of history was reached, many times; a retried refund that succeeds is rare here
    // (the order's returned-goods law in order/money-facts.laws.test.ts draws them by the hundred).
    const { retried, ...kinds } = reached;
    expect(Object.entries(kinds).filter(([, count]) => count <= 10)).toEqual([]);
    expect(retried).toBeGreaterThan(0);
  });

  it('issue 9 (PAY-5, REC-7): after the closing receipt, provider refunds naming no goods or confirming part of a refund of goods are never refused, and the receipts balance the money once every unassigned refund is assigned (1,000 runs)', () => {
    const reached = { unassigned: 0, assigned: 0, proRata: 0, unreceipted: 0, reversedUnassigned: 0, beyondGoods: 0 };
    fc.assert(
      fc.property(afterClosing, ([ops, manual]) => {
        const { events } = play(['sale', 'confirm', 'ship', 'deliver', ...ops], manual);
        const state = rehydrate(orderDecider, events);
        const account = balance(events, state);
        if (account.unassigned > 0) reached.unassigned += 1;
        if (account.unassigned > 0 && account.stillOpen === 0) reached.assigned += 1;
        if (account.proRata) reached.proRata += 1;
        if (account.reversedUnassigned) reached.reversedUnassigned += 1;
        if (account.beyondGoods) reached.beyondGoods += 1;
        if (account.unreceipted > 0) reached.unreceipted += 1;
      }),
      RUNS,
    );
    // Not vacuous: unassigned refunds, assigned in full, partial confirmations priced pro rata, reversals and money
    // left with no goods to name (fixed seed: 639, 639, 74, 146, 162).
    expect(reached.unassigned).toBeGreaterThan(300);
    expect(reached.assigned).toBe(reached.unassigned);
    expect(reached.beyondGoods).toBeGreaterThan(20);
    expect(reached.proRata).toBeGreaterThan(50);
    // A dashboard refund the provider then reverses: its unassigned money comes back with no receipt.
    expect(reached.reversedUnassigned).toBeGreaterThan(50);
  });

  it('never more refunded than captured; never more requested than the balance (1,000 runs)', () => {
    let requestsChecked = 0;
    fc.assert(
      fc.property(histories, ([ops, manual]) => {
        const played = play(ops, manual);
        expect(played.overAsked).toEqual([]);
        const state = rehydrate(orderDecider, played.events);
        for (const p of state.payments) {
          expect(p.refunded).toBeGreaterThanOrEqual(0);
          // Beyond what was captured only by what the provider reported beyond it (`exceeds`, issue 9).
          const exceeded = played.events.reduce(
            (sum, e) =>
              sum +
              (e.type === 'PaymentRefunded' && e.data.paymentId === p.paymentId ? (e.data.exceeds?.amount ?? 0) : 0),
            0,
          );
          expect(p.refunded).toBeLessThanOrEqual(p.captured + exceeded);
          expect(refundPendingOf(p)).toBeGreaterThanOrEqual(0);
          expect(capturable(p)).toBeGreaterThanOrEqual(0);
        }
        requestsChecked += played.events.filter(
          (e) => e.type === 'RefundRequested' || e.type === 'PaymentRequested',
        ).length;
      }),
      RUNS,
    );
    expect(requestsChecked).toBeGreaterThan(1000);
  });
});
