import { createEnvelopeDecoder, rehydrate, type Actor, type EventStore, type Money } from '@ordersource/core';
import {
  CREDIT_CATEGORY,
  creditDecider,
  CreditEventCodec,
  decodeCreditCommand,
  decodeOrderEnvelope,
  orderDecider,
  orderStreamId,
  planCreditPayment,
  planGoodwillDiscount,
  planRefundToCredit,
  type CreditCommand,
  type CreditEvent,
  type CreditState,
  type OrderCommand,
  type OrderEvent,
  type RefundLine,
} from '@ordersource/domain';
import * as E from 'fp-ts/lib/Either.js';
import { defineStreamKind, type StreamKind } from './streams.js';

/**
 * Issue 17 on the runtime: customers' credit accounts (`credit-<customerId>`)
 * as a stream kind (its `due` expires grants through the shop's timers), and
 * the two movements that span an order and an account, run in the order the
 * domain plans them with ids derived from their cause, so a retry after a
 * crash repeats the same ids and nothing happens twice:
 *
 *   payWithStoreCredit:  SpendCredit (credit paid for), then the order's payment; release if the order refuses.
 *   applyGoodwillCredit: SpendCredit (goodwill), then the order's discount; release if the order refuses.
 *   refundToStoreCredit: the order's refund (external), then IssueCredit for exactly what it refunded.
 */

export const decodeCreditEnvelope = createEnvelopeDecoder<CreditEvent>(CreditEventCodec);

export const creditStreamKind = (): StreamKind<CreditCommand, CreditEvent, CreditState> =>
  defineStreamKind({
    category: CREDIT_CATEGORY,
    decider: creditDecider,
    decodeEnvelope: decodeCreditEnvelope,
    decodeCommand: decodeCreditCommand,
  });

type Failure = Readonly<{ kind?: string; code?: string; message: string }>;
type ShopLike = Readonly<{
  store: EventStore;
  execute: (streamId: string, input: unknown) => Promise<E.Either<Failure, unknown>>;
}>;

const orderState = async (store: EventStore, orderId: string) => {
  const events: OrderEvent[] = [];
  for await (const raw of store.read(orderStreamId(orderId))) {
    const decoded = decodeOrderEnvelope(raw);
    if (E.isLeft(decoded))
      throw new Error(`store credit: ${raw.streamId}@${raw.streamVersion}: ${decoded.left.message}`);
    events.push(decoded.right.event);
  }
  return rehydrate(orderDecider, events);
};

const refusal = (error: Readonly<{ code: string; message: string }>): E.Either<Failure, never> =>
  E.left({ kind: 'domain', code: error.code, message: error.message });

export type PayWithCreditInput = Readonly<{
  orderId: string;
  paymentId: string;
  amount: Money;
  actor: Actor;
  at: string;
}>;

/** Pay `amount` of an order from the customer's credit (CUS-3: a customer pays her own orders). */
export const payWithStoreCredit = async (
  shop: ShopLike,
  input: PayWithCreditInput,
): Promise<E.Either<Failure, void>> => {
  const plan = planCreditPayment(await orderState(shop.store, input.orderId), input);
  if (E.isLeft(plan)) return refusal(plan.left);
  return spendThenOrder(shop, plan.right);
};

type SpendPlan = Readonly<{
  accountStreamId: string;
  orderStreamId: string;
  spend: CreditCommand;
  orderCommands: readonly OrderCommand[];
  release: CreditCommand;
}>;

/** The account first (the refusal point), then the order; if the order refuses, the credit goes back whole. */
const spendThenOrder = async (shop: ShopLike, plan: SpendPlan): Promise<E.Either<Failure, void>> => {
  const spent = await shop.execute(plan.accountStreamId, plan.spend);
  if (E.isLeft(spent)) return spent;
  for (const command of plan.orderCommands) {
    const done = await shop.execute(plan.orderStreamId, command);
    if (E.isLeft(done)) {
      // The order moved since it was read and refused.
      const released = await shop.execute(plan.accountStreamId, plan.release);
      if (E.isLeft(released)) throw new Error(`store credit: release after a refusal failed: ${released.left.message}`);
      return done;
    }
  }
  return E.right(undefined);
};

export type GoodwillCreditInput = Readonly<{
  orderId: string;
  discountId: string;
  amount: Money;
  actor: Actor;
  at: string;
}>;

/**
 * Spend goodwill credit on an order as a discount (54-FZ: no money was paid
 * for it, so it is no advance and no payment; the order's discount rises and
 * its receipts list the goods at the price paid). Retry-safe: ids derived from
 * the order and `discountId`.
 */
export const applyGoodwillCredit = async (
  shop: ShopLike,
  input: GoodwillCreditInput,
): Promise<E.Either<Failure, void>> => {
  const { orderId, ...rest } = input;
  const plan = planGoodwillDiscount(await orderState(shop.store, orderId), rest);
  if (E.isLeft(plan)) return refusal(plan.left);
  return spendThenOrder(shop, plan.right);
};

export type RefundToCreditInput = Readonly<{
  orderId: string;
  refundId: string;
  amount?: Money;
  paymentId?: string;
  lines?: readonly RefundLine[];
  reason?: string;
  actor: Actor;
  at: string;
}>;

/**
 * Refund to the customer's store credit instead of the tender (PAY-5 limits
 * and REC-7 lines as any refund). Safe to run again with the same `refundId`
 * after a crash at any point: the plan sees a refund already on the order and
 * only issues its credit (`alreadyRefunded`), and the credit's id is derived
 * from the refund, so a second issue is absorbed by the account.
 */
export const refundToStoreCredit = async (
  shop: ShopLike,
  input: RefundToCreditInput,
): Promise<E.Either<Failure, number>> => {
  const { orderId, ...rest } = input;
  const plan = planRefundToCredit(await orderState(shop.store, orderId), rest);
  if (E.isLeft(plan)) return refusal(plan.left);
  if (!plan.right.alreadyRefunded) {
    const refunded = await shop.execute(plan.right.orderStreamId, plan.right.refund);
    if (E.isLeft(refunded)) return refunded;
  }
  // The refund is a fact now: the credit must follow (IssueCredit refuses only a reused id).
  const issued = await shop.execute(plan.right.issue.streamId, plan.right.issue.command);
  if (E.isLeft(issued)) throw new Error(`store credit: issue after refund ${input.refundId}: ${issued.left.message}`);
  return E.right(plan.right.credited);
};
