import * as E from 'fp-ts/lib/Either.js';
import { netTotals, returnedUnits, unitSplit } from '../order/net-prices.js';
import { returnedQty } from '../order/quantities.js';
import { shippingRefunded } from '../order/refund-shipping.js';
import type { OrderState } from '../order/state.js';
import type { CreditCommand } from './commands.js';
import type { CreditState } from './state.js';
import { creditAccountStreamId } from './values.js';

/**
 * Issue 17: goodwill spent on an order comes back when the order no longer
 * uses it. Goodwill is spent as a discount (`planGoodwillDiscount`): the
 * order's discount rises, and the discount is spread over the lines and the
 * shipping by value (`net-prices.ts`), as on the receipts. So:
 *
 *   - the order cancelled (or discarded): all of its goodwill comes back;
 *   - goods refunded: the refund gives back what the customer paid for them,
 *     net of their share of the discount; the goodwill's part of that share
 *     comes back as credit (the goodwill's part of the whole discount times
 *     the share of the discount the returned units and shipping carried,
 *     rounded down), and all of it once every unit and the shipping came back.
 *
 * The owed amount is a function of the order as it stands, and each return
 * issues only what that function rose by since the goodwill given back
 * before: the parts never add up to more than was spent.
 *
 * It comes back as a new goodwill grant (`IssueCredit`, source goodwill), not
 * as a release of the spend: a release gives a spend back whole, and a return
 * of part of the goods owes part of it. The grant keeps the latest expiry of
 * the grants the goodwill was drawn on (none if one had none): goodwill that
 * had lapsed by then does not come back. 54-FZ: goodwill is no money
 * received, so neither its return nor its issue owes a receipt (REC-1); the
 * order's receipts already listed the goods at the discounted price paid.
 *
 * Idempotent by derived id: the grant's id is
 * `goodwill-back:<orderId>:<cause>` (the cause names the order event: its
 * refund id, or `cancelled`); a plan for a cause already granted is nothing.
 */

export const goodwillBackPrefix = (orderId: string): string => `goodwill-back:${orderId}:`;

/** Goodwill spent on `orderId` and not released: its spends on the account (`discount:<discountId>` payments). */
export const goodwillSpentOn = (account: CreditState, orderId: string): number =>
  Object.values(account.spends)
    .filter((s) => s.orderId === orderId && !s.released && s.paymentId.startsWith('discount:'))
    .reduce((sum, s) => sum + s.amount, 0);

/** Goodwill already given back for `orderId` (the grants this module issued, less what reversals took back). */
export const goodwillGivenBack = (account: CreditState, orderId: string): number =>
  account.grants
    .filter((g) => g.creditId.startsWith(goodwillBackPrefix(orderId)))
    .reduce((sum, g) => sum + g.issued - (g.reversed ?? 0), 0);

/**
 * Of `goodwill` spent on the order, how much the order no longer uses as it
 * stands: all of it once cancelled or discarded, or once every unit and the
 * shipping came back; otherwise the goodwill's part of the discount share the
 * returned units and the refunded shipping carried, rounded down.
 */
export const goodwillReturnable = (order: OrderState, goodwill: number): number => {
  if (goodwill <= 0) return 0;
  if (order.status === 'cancelled' || order.status === 'discarded') return goodwill;
  const discount = order.totals.discount.amount;
  if (discount <= 0) return 0;
  const fee = order.totals.shippingFee.amount;
  const net = netTotals(order.currency, order.lines, fee, discount);
  if (E.isLeft(net)) return 0;
  let share = 0;
  let everything = order.lines.length > 0;
  order.lines.forEach((line, index) => {
    const qty = Math.min(line.qty, returnedQty(order, line.lineId));
    if (qty < line.qty) everything = false;
    const paid = returnedUnits(unitSplit(net.right.lines[index] ?? 0, line.qty), 0, qty).value;
    share += qty * line.unitPrice.amount - paid;
  });
  // A shipping refund gives back the whole shipping position; a position the discount ate whole cannot come back.
  const shippingBack = fee === 0 || net.right.shipping === 0 || shippingRefunded(order) > 0;
  if (fee > 0 && shippingRefunded(order) > 0) share += fee - net.right.shipping;
  if (!shippingBack) everything = false;
  if (everything) return goodwill;
  const inDiscount = Math.min(goodwill, discount);
  return Math.min(goodwill, Math.floor((inDiscount * Math.max(0, share)) / discount));
};

export type GoodwillReturnPlan = Readonly<{
  streamId: string;
  command: Extract<CreditCommand, { type: 'IssueCredit' }>;
  amount: number;
}>;

export type GoodwillReturnInput = Readonly<{
  /** What on the order gave the goodwill back: a refund id, or `cancelled`. */
  cause: string;
  commandId: string;
  at: string;
  reason: string;
}>;

/**
 * The `IssueCredit` that gives back the goodwill the order no longer uses,
 * beyond what was given back before; `undefined` when nothing is owed, when
 * this cause was granted already, or when the goodwill had lapsed.
 */
export const planGoodwillReturn = (
  order: OrderState,
  account: CreditState,
  input: GoodwillReturnInput,
): GoodwillReturnPlan | undefined => {
  const details = order.details;
  if (details === null || account.customerId === null) return undefined;
  const creditId = `${goodwillBackPrefix(details.orderId)}${input.cause}`;
  if (account.grants.some((g) => g.creditId === creditId)) return undefined;
  const spent = goodwillSpentOn(account, details.orderId);
  const amount = goodwillReturnable(order, spent) - goodwillGivenBack(account, details.orderId);
  if (amount <= 0) return undefined;
  const drawn = Object.values(account.spends)
    .filter((s) => s.orderId === details.orderId && !s.released && s.paymentId.startsWith('discount:'))
    .flatMap((s) => s.from.map((d) => account.grants.find((g) => g.creditId === d.creditId)));
  const expiries = drawn.map((g) => g?.expiresAt);
  const expiresAt = expiries.some((x) => x === undefined)
    ? undefined
    : expiries.reduce<string | undefined>(
        (a, b) => (a === undefined || Date.parse(b!) > Date.parse(a) ? b : a),
        undefined,
      );
  if (expiresAt !== undefined && Date.parse(expiresAt) <= Date.parse(input.at)) return undefined;
  const currency = order.currency;
  return {
    streamId: creditAccountStreamId(account.customerId),
    amount,
    command: {
      type: 'IssueCredit',
      data: {
        customerId: account.customerId,
        creditId,
        amount: { amount, currency },
        source: { kind: 'goodwill', reason: input.reason },
        ...(expiresAt === undefined ? {} : { expiresAt }),
      },
      metadata: { commandId: input.commandId, actor: { kind: 'system', id: 'store-credit' }, at: input.at },
    },
  };
};

/**
 * A refund that gave goodwill back was reversed (`RefundReversed`: the
 * money, and the goods it named, are on the order's books again): the
 * goodwill the order now uses again is taken back from that refund's grant,
 * what is left of it (`ReverseCredit`). Goodwill already spent is not
 * pursued: it was never money, so it is no debt. A later refund of the same
 * goods gives it back again (the reversed part no longer counts as given).
 */
export const planGoodwillReversal = (
  order: OrderState,
  account: CreditState,
  input: Readonly<{ refundId: string; commandId: string; at: string }>,
): Readonly<{ streamId: string; command: Extract<CreditCommand, { type: 'ReverseCredit' }> }> | undefined => {
  const details = order.details;
  if (details === null || account.customerId === null) return undefined;
  const grant = account.grants.find(
    (g) => g.creditId === `${goodwillBackPrefix(details.orderId)}refund:${input.refundId}`,
  );
  if (grant === undefined) return undefined;
  const over =
    goodwillGivenBack(account, details.orderId) - goodwillReturnable(order, goodwillSpentOn(account, details.orderId));
  const amount = Math.min(over, grant.remaining);
  if (amount <= 0) return undefined;
  return {
    streamId: creditAccountStreamId(account.customerId),
    command: {
      type: 'ReverseCredit',
      data: {
        customerId: account.customerId,
        creditId: grant.creditId,
        amount: { amount, currency: grant.currency },
        reason: `refund ${input.refundId} of order ${details.orderNumber} was reversed`,
      },
      metadata: { commandId: input.commandId, actor: { kind: 'system', id: 'store-credit' }, at: input.at },
    },
  };
};
