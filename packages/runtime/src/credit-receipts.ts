import { derivedId, rehydrate, type Envelope, type Event, type EventStore } from '@ordersource/core';
import {
  CREDIT_CATEGORY,
  creditAccountStreamId,
  creditDecider,
  decodeOrderEnvelope,
  issueCreditFor,
  isStoreCredit,
  orderDecider,
  planCreditReversal,
  planGoodwillReturn,
  planGoodwillReversal,
  type CreditEvent,
  type OrderEvent,
  type OrderState,
} from '@ordersource/domain';
import {
  creditAccountReceipts,
  receiptsStreamId,
  type CreditReceiptsOptions,
  type RecordCreditReceipt,
} from '@ordersource/domain/receipts';
import * as E from 'fp-ts/lib/Either.js';
import type { ShopEffect, ShopReactor } from './reactors.js';
import { decodeCreditEnvelope } from './store-credit.js';

/**
 * Issue 17 on the runtime: the store-credit account on the receipts road.
 *
 * `credit.receipts`: each event of an account `credit-<customerId>` may owe
 * receipts (`creditAccountReceipts`, pure: an advance for money credit
 * issued or released, an advance return for a spend or a reversal; nothing
 * for goodwill or an expiry). They go to the receipts stream of the account,
 * `receipts-credit-<customerId>`, as `RecordCreditReceipt`: the receipts
 * model holds them like an order's, so the receipts register, the
 * reconciliation and `sendPendingReceipts` (the register and its answers)
 * see them as they see an order's. Receipt ids derive from the account and
 * the cause, command ids from the receipt id: a redelivered event adds nothing.
 *
 * `credit.payment-refunds`: an order's refund of a payment made with store
 * credit goes back to the account (it has no other way back) as `IssueCredit`
 * of fund `money`, the credit id derived from the order and the refund id.
 * Refunds that issue their credit themselves are left alone: those of
 * `refundToStoreCredit` (their command id is derived from the refund id) and
 * those of an order change (sent by `order-changes`, which issues the credit
 * or moves the value to the exchange order).
 */

export const CREDIT_RECEIPTS_REACTOR = 'credit.receipts';
export const CREDIT_PAYMENT_REFUNDS_REACTOR = 'credit.payment-refunds';
export const CREDIT_GOODWILL_RETURNS_REACTOR = 'credit.goodwill-returns';
export const CREDIT_REFUND_REVERSALS_REACTOR = 'credit.refund-reversals';

const CREDIT_EVENTS: readonly CreditEvent['type'][] = [
  'CreditIssued',
  'CreditSpent',
  'CreditSpendReleased',
  'CreditReversed',
  'CreditExpired',
];

const readUpTo = async <Ev extends Event>(
  store: EventStore,
  streamId: string,
  version: number,
  decode: (raw: Envelope) => E.Either<{ message: string }, Envelope<Ev>>,
  reactor: string,
): Promise<Envelope<Ev>[]> => {
  const out: Envelope<Ev>[] = [];
  for await (const raw of store.read(streamId, { from: 0, limit: version + 1 })) {
    const decoded = decode(raw);
    if (E.isLeft(decoded)) throw new Error(`${reactor}: ${streamId}@${raw.streamVersion}: ${decoded.left.message}`);
    out.push(decoded.right);
  }
  return out;
};

const SYSTEM = { kind: 'system', id: 'store-credit' } as const;

export type CreditReceiptsReactorOptions = Omit<CreditReceiptsOptions, 'accountId'>;

/** The account's receipts, each sent once to `receipts-credit-<customerId>` by the event that owes it. */
export const creditReceiptsReactor = (options: CreditReceiptsReactorOptions = {}): ShopReactor => ({
  name: CREDIT_RECEIPTS_REACTOR,
  decodesItself: true,
  filter: { streamPrefix: `${CREDIT_CATEGORY}-`, eventTypes: [...CREDIT_EVENTS] },
  react: async (_envelope, { store, raw }) => {
    const accountId = raw.streamId;
    const history = await readUpTo(store, accountId, raw.streamVersion, decodeCreditEnvelope, CREDIT_RECEIPTS_REACTOR);
    if (history[raw.streamVersion]?.eventId !== raw.eventId)
      throw new Error(`${CREDIT_RECEIPTS_REACTOR}: ${accountId}@${raw.streamVersion} is not event ${raw.eventId}`);
    const events = history.map((e) => e.event);
    // The fold only appends: what this event owes is what its history owes beyond the history before it.
    const before = creditAccountReceipts(events.slice(0, -1), { ...options, accountId }).length;
    const owed = creditAccountReceipts(events, { ...options, accountId }).slice(before);
    return owed.map((receipt): ShopEffect => {
      const command: RecordCreditReceipt = {
        type: 'RecordCreditReceipt',
        data: { accountId, receipt },
        metadata: {
          commandId: derivedId(CREDIT_RECEIPTS_REACTOR, receipt.receiptId),
          actor: SYSTEM,
          at: receipt.issuedAt,
          causationId: raw.eventId,
        },
      };
      return { kind: 'command', streamId: receiptsStreamId(accountId), command };
    });
  },
});

/** The command id `refundToStoreCredit` gives its refund (`planRefundToCredit`): its refunds issue their own credit. */
const refundToCreditCommandId = (orderId: string, refundId: string): string =>
  derivedId('refund-to-credit', orderId, refundId, 'refund');

/** `r-1` and, for the parts of a refund spread over payments (`r-1-2`, `r-1-3`), `r-1` too. */
const refundIdsOf = (refundId: string): readonly string[] => {
  const part = /^(.+)-[0-9]+$/.exec(refundId);
  return part === null ? [refundId] : [refundId, part[1]!];
};

/** The order event a reactor was handed (of `type` when named) and the order as it stood after it. */
const orderAt = async <T extends OrderEvent['type']>(
  store: EventStore,
  raw: Envelope,
  reactor: string,
  type?: T,
): Promise<Readonly<{ cause: Envelope<Extract<OrderEvent, { type: T }>>; order: OrderState }>> => {
  const history = await readUpTo<OrderEvent>(store, raw.streamId, raw.streamVersion, decodeOrderEnvelope, reactor);
  const cause = history[raw.streamVersion];
  if (cause === undefined || cause.eventId !== raw.eventId || (type !== undefined && cause.event.type !== type))
    throw new Error(`${reactor}: ${raw.streamId}@${raw.streamVersion} is not ${type ?? raw.eventId}`);
  const order = rehydrate(
    orderDecider,
    history.map((e) => e.event),
  );
  return { cause: cause as Envelope<Extract<OrderEvent, { type: T }>>, order };
};

const ORDER_CHANGES_ACTOR = 'order-changes';

/** A refund of a store-credit payment, sent any other way than the two that credit it themselves, credits the account. */
export const creditPaymentRefundsReactor = (): ShopReactor => ({
  name: CREDIT_PAYMENT_REFUNDS_REACTOR,
  decodesItself: true,
  filter: { streamPrefix: 'order-', eventTypes: ['PaymentRefunded'] },
  react: async (_envelope, { store, raw }) => {
    const { cause: refund, order } = await orderAt(store, raw, CREDIT_PAYMENT_REFUNDS_REACTOR, 'PaymentRefunded');
    const { paymentId, refundId, amount } = refund.event.data;
    const details = order.details;
    if (details === null || amount.amount <= 0) return [];
    if (!isStoreCredit(order.payments.find((p) => p.paymentId === paymentId)?.method)) return [];
    if (raw.actor.kind === 'system' && raw.actor.id === ORDER_CHANGES_ACTOR) return [];
    const viaCredit = refundIdsOf(refundId).some(
      (id) => raw.causationId === refundToCreditCommandId(details.orderId, id),
    );
    if (viaCredit) return [];
    const issue = issueCreditFor(
      details.customer.id,
      `payment-refund:${details.orderId}:${refundId}`,
      amount,
      { kind: 'refund', orderId: details.orderId, refundId },
      raw.occurredAt,
      derivedId(CREDIT_PAYMENT_REFUNDS_REACTOR, details.orderId, refundId),
    );
    return [
      {
        kind: 'command',
        ...issue,
        command: { ...issue.command, metadata: { ...issue.command.metadata, causationId: raw.eventId } },
      },
    ];
  },
});

const accountOf = async (store: EventStore, customerId: string) => {
  const events: CreditEvent[] = [];
  for await (const raw of store.read(creditAccountStreamId(customerId))) {
    const decoded = decodeCreditEnvelope(raw);
    if (E.isLeft(decoded))
      throw new Error(
        `${CREDIT_GOODWILL_RETURNS_REACTOR}: ${raw.streamId}@${raw.streamVersion}: ${decoded.left.message}`,
      );
    events.push(decoded.right.event);
  }
  return rehydrate(creditDecider, events);
};

/**
 * Issue 17: goodwill spent on an order (a discount) comes back to the
 * account when the order is cancelled or discarded, or when goods (or the
 * shipping) it discounted are refunded: `planGoodwillReturn` (pure) says how
 * much, this reactor reads the order up to the event and the account, and
 * sends the `IssueCredit`. Its credit id derives from the order and the cause
 * (the refund id, or `cancelled` / `discarded`) and its command id from the
 * event: a redelivered event finds the grant there and sends nothing.
 */
export const creditGoodwillReturnsReactor = (): ShopReactor => ({
  name: CREDIT_GOODWILL_RETURNS_REACTOR,
  decodesItself: true,
  filter: { streamPrefix: 'order-', eventTypes: ['OrderCancelled', 'OrderDiscarded', 'PaymentRefunded'] },
  react: async (_envelope, { store, raw }) => {
    const { cause, order } = await orderAt(store, raw, CREDIT_GOODWILL_RETURNS_REACTOR);
    if (order.details === null) return [];
    const event = cause.event;
    const key =
      event.type === 'PaymentRefunded'
        ? `refund:${event.data.refundId}`
        : event.type === 'OrderCancelled'
          ? 'cancelled'
          : 'discarded';
    const account = await accountOf(store, order.details.customer.id);
    const plan = planGoodwillReturn(order, account, {
      cause: key,
      commandId: derivedId(CREDIT_GOODWILL_RETURNS_REACTOR, raw.eventId),
      at: raw.occurredAt,
      reason: `order ${order.details.orderNumber}: ${
        event.type === 'PaymentRefunded' ? `refund ${event.data.refundId}` : key
      }`,
    });
    if (plan === undefined) return [];
    return [
      {
        kind: 'command',
        streamId: plan.streamId,
        command: { ...plan.command, metadata: { ...plan.command.metadata, causationId: raw.eventId } },
      },
    ];
  },
});

/**
 * Issue 17: a refund that issued credit (`credit.payment-refunds`, or
 * `refundToStoreCredit`) and came back to the shop (`RefundReversed`) takes
 * the credit back (`planCreditReversal`): what is left of it, the rest
 * recorded as the customer's debt. The command id derives from the reversal
 * event, so a redelivery takes nothing twice.
 */
export const creditRefundReversalsReactor = (): ShopReactor => ({
  name: CREDIT_REFUND_REVERSALS_REACTOR,
  decodesItself: true,
  filter: { streamPrefix: 'order-', eventTypes: ['RefundReversed'] },
  react: async (_envelope, { store, raw }) => {
    const { cause, order } = await orderAt(store, raw, CREDIT_REFUND_REVERSALS_REACTOR, 'RefundReversed');
    if (order.details === null) return [];
    const account = await accountOf(store, order.details.customer.id);
    const money = planCreditReversal(order, account, cause.event.data, {
      commandId: derivedId(CREDIT_REFUND_REVERSALS_REACTOR, raw.eventId),
      at: raw.occurredAt,
    });
    // The goodwill that refund gave back, as far as the order uses it again.
    const goodwill = planGoodwillReversal(order, account, {
      refundId: cause.event.data.refundId,
      commandId: derivedId(CREDIT_REFUND_REVERSALS_REACTOR, raw.eventId, 'goodwill'),
      at: raw.occurredAt,
    });
    return [money, goodwill].flatMap((plan): ShopEffect[] =>
      plan === undefined
        ? []
        : [
            {
              kind: 'command',
              streamId: plan.streamId,
              command: { ...plan.command, metadata: { ...plan.command.metadata, causationId: raw.eventId } },
            },
          ],
    );
  },
});

/** The reactors: `createShop({ streams: [creditStreamKind()], reactors: withStoreCredit() })`. */
export const storeCreditReactors = (options: CreditReceiptsReactorOptions = {}): readonly ShopReactor[] => [
  creditReceiptsReactor(options),
  creditPaymentRefundsReactor(),
  creditGoodwillReturnsReactor(),
  creditRefundReversalsReactor(),
];

export const withStoreCredit =
  (options: CreditReceiptsReactorOptions = {}) =>
  (defaults: readonly ShopReactor[]): readonly ShopReactor[] => [...defaults, ...storeCreditReactors(options)];
