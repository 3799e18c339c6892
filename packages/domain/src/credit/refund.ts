import * as E from 'fp-ts/lib/Either.js';
import { derivedId, domainError, type Actor, type DomainError, type Money } from '@ordersource/core';
import type { OrderCommand } from '../order/commands.js';
import { orderDecider } from '../order/decider.js';
import { orderStreamId, type OrderEvent, type RefundLine } from '../order/events.js';
import type { OrderState } from '../order/state.js';
import type { CreditCommand } from './commands.js';
import { creditAccountStreamId, isStoreCredit, type CreditSource, type RefundDestination } from './values.js';

/**
 * Issue 17: store credit as a refund destination. The order records the
 * refund as it records any (PAY-5 limits, REC-7 lines), `external`, since no
 * provider gives the money back; the account then issues exactly what the
 * order refunded. Money balances: captured - refunded on the order = what the
 * customer kept, and the refunded part sent to credit is the credit issued.
 */

/**
 * The credit a set of refund events owes the customer: all of it when the
 * destination is store credit; else only what goes back to a payment made
 * with store credit (credit paid, credit refunded: it has no other way back).
 */
export const creditOwed = (order: OrderState, refunds: readonly OrderEvent[], destination: RefundDestination): number =>
  refunds.reduce((sum, e) => {
    if (e.type !== 'PaymentRefunded') return sum;
    if (destination === 'store-credit') return sum + e.data.amount.amount;
    const method = order.payments.find((p) => p.paymentId === e.data.paymentId)?.method;
    return isStoreCredit(method) ? sum + e.data.amount.amount : sum;
  }, 0);

/** The `IssueCredit` for `amount` of credit owed by an order, with a creditId derived from its cause. */
export const issueCreditFor = (
  customerId: string,
  creditId: string,
  amount: Money,
  source: CreditSource,
  at: string,
  commandId: string,
): Readonly<{ streamId: string; command: Extract<CreditCommand, { type: 'IssueCredit' }> }> => ({
  streamId: creditAccountStreamId(customerId),
  command: {
    type: 'IssueCredit',
    data: { customerId, creditId, amount, source },
    metadata: { commandId, actor: { kind: 'system', id: 'store-credit' }, at },
  },
});

export type RefundToCreditInput = Readonly<{
  refundId: string;
  /** Omitted with `lines`: their value; omitted without: everything refundable. */
  amount?: Money;
  paymentId?: string;
  lines?: readonly RefundLine[];
  reason?: string;
  actor: Actor;
  at: string;
}>;

export type RefundToCreditPlan = Readonly<{
  orderStreamId: string;
  refund: Extract<OrderCommand, { type: 'RefundPayment' }>;
  /**
   * The order holds this refund already (an earlier run stopped after it, before the credit was issued):
   * do not send `refund` again; `issue` gives exactly what that refund gave back.
   */
  alreadyRefunded: boolean;
  issue: Readonly<{ streamId: string; command: Extract<CreditCommand, { type: 'IssueCredit' }> }>;
  credited: number;
}>;

/**
 * What the order already refunded under `refundId`: that refund, and the
 * `<refundId>-2`, `-3`, … a refund spanning payments records (decide-refund.ts).
 * 0 when it has not happened yet.
 */
export const refundedUnder = (order: OrderState, refundId: string): number =>
  (order.refunds ?? [])
    .filter((r) => r.refundId === refundId || partOf(r.refundId, refundId))
    .reduce((sum, r) => sum + Math.max(0, r.succeeded - r.reversed), 0);

const partOf = (candidate: string, refundId: string): boolean =>
  candidate.startsWith(`${refundId}-`) && /^[0-9]+$/.test(candidate.slice(refundId.length + 1));

/**
 * Plan a refund to store credit: the order's refund (checked against the order
 * as it stands), then the issue. Crash-safe: every id is derived from the
 * order and the refund id (the refund's command id, the credit's id and its
 * command id), and a plan made after the refund was recorded but before the
 * credit was issued (the process died between the two) skips the refund and
 * issues exactly what it gave back; a plan made after both issues the same
 * credit id again, which the account absorbs. Nothing is lost, nothing doubled.
 */
export const planRefundToCredit = (
  order: OrderState,
  input: RefundToCreditInput,
): E.Either<DomainError, RefundToCreditPlan> => {
  const details = order.details;
  if (details === null) return E.left(domainError('order-not-found', 'no such order'));
  if (input.actor.kind !== 'admin' && input.actor.kind !== 'system')
    return E.left(domainError('forbidden', 'refunds to store credit are the shop’s'));
  const id = (role: string) => derivedId('refund-to-credit', details.orderId, input.refundId, role);
  const refund: Extract<OrderCommand, { type: 'RefundPayment' }> = {
    type: 'RefundPayment',
    data: {
      refundId: input.refundId,
      external: true,
      reason: input.reason === undefined ? 'to store credit' : `${input.reason}; to store credit`,
      ...(input.amount === undefined ? {} : { amount: input.amount }),
      ...(input.paymentId === undefined ? {} : { paymentId: input.paymentId }),
      ...(input.lines === undefined ? {} : { lines: input.lines.map((l) => ({ ...l })) }),
    },
    metadata: { commandId: id('refund'), actor: input.actor, at: input.at },
  };
  const earlier = refundedUnder(order, input.refundId);
  const decided = earlier > 0 ? E.right([]) : orderDecider.decide(refund, order);
  if (E.isLeft(decided)) return decided;
  const credited = earlier > 0 ? earlier : creditOwed(order, decided.right, 'store-credit');
  if (credited === 0) return E.left(domainError('nothing-to-refund', 'the refund gives nothing back'));
  return E.right({
    orderStreamId: orderStreamId(details.orderId),
    refund,
    alreadyRefunded: earlier > 0,
    issue: issueCreditFor(
      details.customer.id,
      `refund:${details.orderId}:${input.refundId}`,
      { amount: credited, currency: order.currency },
      { kind: 'refund', orderId: details.orderId, refundId: input.refundId },
      input.at,
      id('issue'),
    ),
    credited,
  });
};

/**
 * Issue 17: a refund that gave credit (to store credit, or of a payment made
 * with it) came back to the shop (`RefundReversed`): the credit it issued is
 * taken back, `amount` of it (what the reversal put back on the books). What
 * was spent already cannot be: the reversal records it as her debt
 * (`shortfall: 'record'`, `CreditReversed.unrecovered`), and the balance
 * never goes below zero. `undefined` when the refund issued no credit here
 * (a card refund, or a change's, whose credit is the change's own).
 */
export const planCreditReversal = (
  order: OrderState,
  account: Readonly<{ grants: readonly Readonly<{ creditId: string }>[] }>,
  reversal: Readonly<{ refundId: string; amount: Money }>,
  meta: Readonly<{ commandId: string; at: string }>,
): Readonly<{ streamId: string; command: Extract<CreditCommand, { type: 'ReverseCredit' }> }> | undefined => {
  const details = order.details;
  if (details === null || reversal.amount.amount <= 0) return undefined;
  const ids = [
    `payment-refund:${details.orderId}:${reversal.refundId}`,
    `refund:${details.orderId}:${reversal.refundId}`,
  ];
  const grant = account.grants.find((g) => ids.includes(g.creditId));
  if (grant === undefined) return undefined;
  return {
    streamId: creditAccountStreamId(details.customer.id),
    command: {
      type: 'ReverseCredit',
      data: {
        customerId: details.customer.id,
        creditId: grant.creditId,
        amount: reversal.amount,
        shortfall: 'record',
        reason: `refund ${reversal.refundId} of order ${details.orderNumber} was reversed`,
      },
      metadata: { commandId: meta.commandId, actor: { kind: 'system', id: 'store-credit' }, at: meta.at },
    },
  };
};
