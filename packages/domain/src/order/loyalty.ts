import * as t from 'io-ts';
import { PositiveInt } from '@ordersource/core';
import type { ApproveLoyaltyPoints } from './commands.js';
import { fail, ok, type Ctx, type Decision } from './decision.js';
import type { OrderEvent } from './events.js';
import type { OrderState } from './state.js';
import { changeNoteOf } from './values.js';

/**
 * ORD-4 loyalty cash points (ec2Biz, issue 10.6): the shop's earning rule
 * computes what an order earns, the admin views and approves it once, and a
 * refund of returned goods takes back the points those goods earned.
 */

/** The earning rule: one point per `minorUnitsPerPoint` of goods paid for (after the discount, without shipping). */
export const LoyaltyRuleCodec = t.strict({ minorUnitsPerPoint: PositiveInt }, 'LoyaltyRule');
export type LoyaltyRule = t.TypeOf<typeof LoyaltyRuleCodec>;

/** The goods the customer pays for, in minor units: what points are earned on. */
export const loyaltyBasis = (state: Pick<OrderState, 'totals'>): number =>
  Math.max(0, state.totals.subtotal.amount - state.totals.discount.amount);

/** What the order earns under `rule` (the number the admin views before approving). */
export const loyaltyPointsFor = (state: Pick<OrderState, 'totals'>, rule: LoyaltyRule): number =>
  Math.floor(loyaltyBasis(state) / rule.minorUnitsPerPoint);

/** Approved points still standing (approved minus taken back by refunds). */
export const loyaltyPointsStanding = (state: Pick<OrderState, 'loyalty'>): number =>
  state.loyalty === undefined ? 0 : state.loyalty.points - state.loyalty.reversed;

/** ORD-4: approve once; the same points again change nothing; another amount only as a correction. */
export const approveLoyaltyPoints = (state: OrderState, ctx: Ctx, data: ApproveLoyaltyPoints['data']): Decision => {
  const customerId = state.details?.customer.id;
  if (customerId === undefined) return fail('order-not-found', 'no such order');
  const approved = state.loyalty;
  if (approved !== undefined && approved.points === data.points) return ok();
  if (approved !== undefined && data.correction !== true)
    return fail(
      'points-already-approved',
      `${approved.points} points were approved already: send correction: true to change them`,
      { approved: approved.points },
    );
  return ok({
    type: 'LoyaltyPointsApproved',
    data: {
      at: ctx.at,
      customerId,
      points: data.points,
      basis: loyaltyBasis(state),
      ...changeNoteOf(data),
      ...(approved === undefined ? {} : { previous: approved.points }),
    },
  });
};

/**
 * Issue 10.6: the points returned goods earned, taken back with their refund:
 * the refund's share of the basis, rounded down, never more than still stands.
 */
export const loyaltyReversals = (before: OrderState, decided: readonly OrderEvent[], at: string): OrderEvent[] => {
  const loyalty = before.loyalty;
  const customerId = before.details?.customer.id;
  if (loyalty === undefined || loyalty.basis === 0 || customerId === undefined) return [];
  let standing = loyalty.points - loyalty.reversed;
  const out: OrderEvent[] = [];
  for (const event of decided) {
    if (event.type !== 'PaymentRefunded' || event.data.lines === undefined || standing <= 0) continue;
    const points = Math.min(standing, Math.floor((loyalty.points * event.data.amount.amount) / loyalty.basis));
    if (points <= 0) continue;
    standing -= points;
    out.push({ type: 'LoyaltyPointsReversed', data: { at, customerId, points, refundId: event.data.refundId } });
  }
  return out;
};
