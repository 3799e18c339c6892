import * as E from 'fp-ts/lib/Either.js';
import { applyEvents, derivedId, domainError, type Actor, type DomainError, type Money } from '@ordersource/core';
import { emptyDirectory, type Directory } from '../customers/directory.js';
import { customerMayAccess } from '../order/access.js';
import type { OrderCommand } from '../order/commands.js';
import { orderDecider } from '../order/decider.js';
import { orderStreamId } from '../order/events.js';
import type { OrderState } from '../order/state.js';
import type { CreditCommand } from './commands.js';
import { creditAccountStreamId, isStoreCredit, STORE_CREDIT } from './values.js';

/**
 * Issue 17: store credit as a tender. Only credit the customer paid for
 * (fund `money`: a refund or a change sent to credit) is a tender; goodwill
 * credit is spent as a discount (`planGoodwillDiscount`). Paying `amount` of
 * an order from the customer's credit is three steps on two streams, planned here (pure) with
 * ids derived from the order and the payment, so a retry repeats them:
 *
 *   1. `SpendCredit` on the account: the refusal point (never beyond the balance);
 *   2. on the order, `RequestPayment` of the `store-credit` tender and its
 *      `ConfirmOfflinePayment` (the money is the shop's already: nobody else confirms);
 *   3. only if the order refuses step 2 (it moved since it was read): `release`
 *      gives the spend back whole.
 *
 * The order's own rules apply to step 2 as to any payment (PAY-3: never more
 * than is due); they are checked here first, so a plan that comes back is
 * one the order accepts as it stands.
 */

export type CreditPaymentInput = Readonly<{
  paymentId: string;
  amount: Money;
  actor: Actor;
  at: string;
}>;

export type CreditPaymentPlan = Readonly<{
  accountStreamId: string;
  orderStreamId: string;
  spend: Extract<CreditCommand, { type: 'SpendCredit' }>;
  orderCommands: readonly OrderCommand[];
  release: Extract<CreditCommand, { type: 'ReleaseCreditSpend' }>;
}>;

const fail = (code: string, message: string): E.Either<DomainError, never> => E.left(domainError(code, message));

export const CREDIT_ACTOR = { kind: 'system', id: 'store-credit' } as const;

/**
 * Whose credit an order may spend, and whether the actor may: a customer her own orders (or her
 * company's, CUS-3), the shop any; a provider never; only in the order's currency.
 */
const spenderOf = (
  order: OrderState,
  actor: Actor,
  amount: Money,
  directory: Directory,
  notHers: string,
): E.Either<DomainError, Readonly<{ details: NonNullable<OrderState['details']>; customerId: string }>> => {
  const details = order.details;
  if (details === null) return fail('order-not-found', 'no such order');
  if (actor.kind === 'customer' && !customerMayAccess(actor, details.customer, directory, details.orderId))
    return fail('forbidden', notHers);
  if (actor.kind === 'provider') return fail('forbidden', 'a provider may not spend store credit');
  if (amount.currency !== order.currency)
    return fail('currency-mismatch', `the order is in ${order.currency}, the credit asked is in ${amount.currency}`);
  return E.right({ details, customerId: actor.kind === 'customer' ? actor.id : details.customer.id });
};

export const planCreditPayment = (
  order: OrderState,
  input: CreditPaymentInput,
  directory: Directory = emptyDirectory,
): E.Either<DomainError, CreditPaymentPlan> => {
  const { actor, at, paymentId, amount } = input;
  // CUS-3: a customer pays her own orders (or her company's) with her own credit.
  const who = spenderOf(order, actor, amount, directory, 'a customer pays her own orders only');
  if (E.isLeft(who)) return who;
  const { details, customerId } = who.right;
  const id = (role: string) => derivedId('store-credit-payment', details.orderId, paymentId, role);
  const meta = (role: string) => ({ commandId: id(role), actor: CREDIT_ACTOR, at });
  // Placed with store credit as its method (or a retry): the request is there already; confirm it if not yet.
  const placed = order.payments.find((p) => p.paymentId === paymentId);
  const requested = placed !== undefined && isStoreCredit(placed.method) && placed.requested === amount.amount;
  const confirmed = requested && placed.status === 'captured';
  const orderCommands: OrderCommand[] = [
    ...(requested
      ? []
      : [
          {
            type: 'RequestPayment',
            data: { paymentId, amount, method: STORE_CREDIT, channel: 'checkout' },
            metadata: meta('request'),
          } satisfies OrderCommand,
        ]),
    ...(confirmed
      ? []
      : [{ type: 'ConfirmOfflinePayment', data: { paymentId }, metadata: meta('confirm') } satisfies OrderCommand]),
  ];
  let state = order;
  for (const command of orderCommands) {
    const decided = orderDecider.decide(command, state);
    if (E.isLeft(decided)) return decided;
    state = applyEvents(orderDecider, state, decided.right);
  }
  const spendId = `${details.orderId}:${paymentId}`;
  return E.right({
    accountStreamId: creditAccountStreamId(customerId),
    orderStreamId: orderStreamId(details.orderId),
    spend: {
      type: 'SpendCredit',
      // Only credit the customer paid for is a tender (its receipts are advances); goodwill is a discount (below).
      data: { customerId, spendId, amount, orderId: details.orderId, paymentId, fund: 'money' },
      // The customer's own spend is hers (the account checks it); else the shop's.
      metadata: { commandId: id('spend'), actor: actor.kind === 'customer' ? actor : CREDIT_ACTOR, at },
    },
    orderCommands,
    release: {
      type: 'ReleaseCreditSpend',
      data: { customerId, spendId, reason: `order ${details.orderNumber} refused the store-credit payment` },
      metadata: meta('release'),
    },
  });
};

export type GoodwillDiscountInput = Readonly<{
  /** Names this use of goodwill on the order: sending it again changes nothing. */
  discountId: string;
  amount: Money;
  actor: Actor;
  at: string;
}>;

export type GoodwillDiscountPlan = Readonly<{
  accountStreamId: string;
  orderStreamId: string;
  spend: Extract<CreditCommand, { type: 'SpendCredit' }>;
  /** `ChangeShippingFee` with the same fee and the discount raised by the goodwill. */
  orderCommands: readonly OrderCommand[];
  release: Extract<CreditCommand, { type: 'ReleaseCreditSpend' }>;
}>;

/**
 * Issue 17, 54-FZ: goodwill credit (given for nothing: no money was received,
 * so no receipt was owed, REC-1) spent on an order is a discount, not a
 * payment. The order's discount rises by the amount (`ChangeShippingFee`
 * keeps the fee and sets the discount): its total falls, the receipts spread
 * the discount over the positions as any order discount (REC-2: positions
 * at the price paid), returns are priced net of it, and no receipt claims
 * money the customer never paid. The same steps as a tender: spend (fund
 * `goodwill`, the refusal point), then the order; release if the order refuses.
 * The order's rules apply (ORD-9: not once the closing receipt is due).
 */
export const planGoodwillDiscount = (
  order: OrderState,
  input: GoodwillDiscountInput,
  directory: Directory = emptyDirectory,
): E.Either<DomainError, GoodwillDiscountPlan> => {
  const { actor, at, discountId, amount } = input;
  const who = spenderOf(order, actor, amount, directory, 'a customer uses her goodwill credit on her own orders only');
  if (E.isLeft(who)) return who;
  const { details, customerId } = who.right;
  const id = (role: string) => derivedId('goodwill-discount', details.orderId, discountId, role);
  const spendId = `${details.orderId}:goodwill:${discountId}`;
  // A retry sends the same command id: the command handler answers it as the duplicate it is (idempotent by id).
  const orderCommands: OrderCommand[] = [
    {
      type: 'ChangeShippingFee',
      data: {
        shippingFee: order.totals.shippingFee,
        discount: { amount: order.totals.discount.amount + amount.amount, currency: order.currency },
        note: `goodwill credit ${discountId}`,
      },
      metadata: { commandId: id('discount'), actor: CREDIT_ACTOR, at },
    } satisfies OrderCommand,
  ];
  for (const command of orderCommands) {
    const decided = orderDecider.decide(command, order);
    if (E.isLeft(decided)) return decided;
  }
  return E.right({
    accountStreamId: creditAccountStreamId(customerId),
    orderStreamId: orderStreamId(details.orderId),
    spend: {
      type: 'SpendCredit',
      data: {
        customerId,
        spendId,
        amount,
        orderId: details.orderId,
        paymentId: `discount:${discountId}`,
        fund: 'goodwill',
      },
      metadata: { commandId: id('spend'), actor: actor.kind === 'customer' ? actor : CREDIT_ACTOR, at },
    },
    orderCommands,
    release: {
      type: 'ReleaseCreditSpend',
      data: { customerId, spendId, reason: `order ${details.orderNumber} refused the goodwill discount` },
      metadata: { commandId: id('release'), actor: CREDIT_ACTOR, at },
    },
  });
};
