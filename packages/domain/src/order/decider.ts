import * as E from 'fp-ts/lib/Either.js';
import type { Decider } from '@ordersource/core';
import { emptyDirectory, type Directory } from '../customers/directory.js';
import { authorize } from './access.js';
import type { CloseOn } from './close-on.js';
import type { OrderCommand, OrderCommandType } from './commands.js';
import {
  amendShipment,
  cancelShipment,
  endTimedHold,
  holdFulfillment,
  markDelivered,
  markProcessed,
  releaseFulfillmentHold,
  shipOrder,
  timedHoldRanOut,
} from './decide-fulfillment.js';
import {
  addOrderLine,
  cancelOrder,
  cancelUnshipped,
  changeBillingAddress,
  changeOrderLine,
  changeShippingFee,
  confirmOrder,
  discardOrder,
  lockOrder,
  placeOrder,
  processOrder,
  recordNotificationFailed,
  recordNotificationSent,
  recordOrder,
  removeOrderLine,
  scheduleClosingReceipt,
} from './decide-order.js';
import {
  authorizePayment,
  captureOnDelivery,
  capturePayment,
  confirmOfflinePayment,
  expirePayment,
  failPayment,
  issueInvoice,
  recordSale,
  requestPayment,
  voidPayment,
} from './decide-payment.js';
import {
  closeDispute,
  confirmRefund,
  failCapture,
  failRefund,
  openDispute,
  requestCapture,
  requestRefund,
  requireCustomerAction,
  reverseRefund,
} from './decide-outcomes.js';
import { refundExcess, refundPayment } from './decide-refund.js';
import { expireCaptureRequest, expireRefundRequest } from './decide-request-expiry.js';
import { fail, fold, type Ctx, type Decision } from './decision.js';
import type { OrderEvent } from './events.js';
import { orderDue } from './due.js';
import { approveLoyaltyPoints, loyaltyReversals } from './loyalty.js';
import { evolveOrder } from './evolve.js';
import { reusedId } from './ids.js';
import { inCustomerLanguage } from './notify-language.js';
import { paymentSecured } from './payment-status.js';
import { remainingToShip } from './quantities.js';
import { initialOrderState, type OrderState } from './state.js';

/**
 * The order decider: one stream per order holds the order, its payments and
 * its fulfillment, so the invariants that span them (ORD-8 shipping gate,
 * PAY-5 refund limits, ORD-9 lock) are checked in one place.
 */

/**
 * What a cancelled order still accepts: money going back, notes, the receipt
 * lock, the billing address, notices sent, and money that was taken all the
 * same (a late payment is a fact, issue 9.1: it is recorded and due back).
 */
const AFTER_CANCEL: ReadonlySet<OrderCommandType> = new Set<OrderCommandType>([
  'RecordNotificationSent',
  'RecordNotificationFailed',
  'EndTimedHold',
  'ExpirePayment',
  'RefundPayment',
  'RefundExcess',
  'ApproveLoyaltyPoints',
  'RecordSale',
  'CapturePayment',
  'ConfirmOfflinePayment',
  'ProcessOrder',
  'LockOrder',
  'ChangeBillingAddress',
  // Issue 9.3: provider outcomes are facts, and refunds may still be asked for.
  'RequireCustomerAction',
  'FailCapture',
  'RequestRefund',
  'ConfirmRefund',
  'FailRefund',
  'ReverseRefund',
  'OpenDispute',
  'CloseDispute',
  // Issue 9: the shop stops waiting for an answer (the order's timer sends them too).
  'ExpireCaptureRequest',
  'ExpireRefundRequest',
]);

/** A command a timer sent from the order's plan (due.ts): once the order is gone, the plan is obsolete. */
const plannedByTimer = (command: OrderCommand): boolean =>
  command.type === 'EndTimedHold' ||
  ((command.type === 'ExpirePayment' ||
    command.type === 'ExpireCaptureRequest' ||
    command.type === 'ExpireRefundRequest') &&
    command.data.dueAt !== undefined);

const route = (command: OrderCommand, state: OrderState, ctx: Ctx, options: OrderDeciderOptions): Decision => {
  switch (command.type) {
    case 'PlaceOrder':
      return placeOrder(state, ctx, command.data, options.closingReceipt);
    case 'RecordOrder':
      return recordOrder(state, ctx, command.data);
    case 'ConfirmOrder':
      return confirmOrder(state, ctx, command.data);
    case 'ProcessOrder':
      return processOrder(state, ctx, command.data);
    case 'AddOrderLine':
      return addOrderLine(state, ctx, command.data);
    case 'RemoveOrderLine':
      return removeOrderLine(state, ctx, command.data);
    case 'ChangeOrderLine':
      return changeOrderLine(state, ctx, command.data);
    case 'ChangeShippingFee':
      return changeShippingFee(state, ctx, command.data);
    case 'ChangeBillingAddress':
      return changeBillingAddress(state, ctx, command.data);
    case 'LockOrder':
      return lockOrder(state, ctx, command.data);
    case 'ScheduleClosingReceipt':
      return scheduleClosingReceipt(state, ctx, command.data);
    case 'CancelOrder':
      return cancelOrder(state, ctx, command.data);
    case 'DiscardOrder':
      return discardOrder(state, ctx, command.data);
    case 'RequestPayment':
      return requestPayment(state, ctx, command.data);
    case 'AuthorizePayment':
      return authorizePayment(state, ctx, command.data);
    case 'RecordSale':
      return recordSale(state, ctx, command.data);
    case 'CapturePayment':
      return capturePayment(state, ctx, command.data);
    case 'VoidPayment':
      return voidPayment(state, ctx, command.data);
    case 'ExpirePayment':
      return expirePayment(state, ctx, command.data);
    case 'FailPayment':
      return failPayment(state, ctx, command.data);
    case 'ConfirmOfflinePayment':
      return confirmOfflinePayment(state, ctx, command.data);
    case 'RefundPayment':
      return refundPayment(state, ctx, command.data);
    case 'RefundExcess':
      return refundExcess(state, ctx, command.data);
    case 'RequireCustomerAction':
      return requireCustomerAction(state, ctx, command.data);
    case 'RequestCapture':
      return requestCapture(state, ctx, command.data);
    case 'FailCapture':
      return failCapture(state, ctx, command.data);
    case 'ExpireCaptureRequest':
      return expireCaptureRequest(state, ctx, command.data);
    case 'ExpireRefundRequest':
      return expireRefundRequest(state, ctx, command.data);
    case 'RequestRefund':
      return requestRefund(state, ctx, command.data);
    case 'ConfirmRefund':
      return confirmRefund(state, ctx, command.data);
    case 'FailRefund':
      return failRefund(state, ctx, command.data);
    case 'ReverseRefund':
      return reverseRefund(state, ctx, command.data);
    case 'OpenDispute':
      return openDispute(state, ctx, command.data);
    case 'CloseDispute':
      return closeDispute(state, ctx, command.data);
    case 'CaptureOnDelivery':
      return captureOnDelivery(state, ctx, command.data);
    case 'IssueInvoice':
      return issueInvoice(state, ctx, command.data);
    case 'MarkProcessed':
      return markProcessed(state, ctx, command.data);
    case 'HoldFulfillment':
      return holdFulfillment(state, ctx, command.data);
    case 'ReleaseFulfillmentHold':
      return releaseFulfillmentHold(state, ctx, command.data);
    case 'EndTimedHold':
      return endTimedHold(state, ctx, command.data);
    case 'ShipOrder':
      return shipOrder(state, ctx, command.data);
    case 'MarkDelivered':
      return markDelivered(state, ctx, command.data);
    case 'AmendShipment':
      return amendShipment(state, ctx, command.data);
    case 'CancelShipment':
      return cancelShipment(state, ctx, command.data);
    case 'CancelUnshipped':
      return cancelUnshipped(state, ctx, command.data);
    case 'ApproveLoyaltyPoints':
      return approveLoyaltyPoints(state, ctx, command.data);
    case 'RecordNotificationSent':
      return recordNotificationSent(ctx, command.data);
    case 'RecordNotificationFailed':
      return recordNotificationFailed(ctx, command.data);
  }
};

/** PAY-7: captured money is matched with open invoices. */
const reconciliations = (state: OrderState, ctx: Ctx): OrderEvent[] => {
  const events: OrderEvent[] = [];
  const free = new Map(state.payments.map((p) => [p.paymentId, p.captured - p.refunded - p.reconciled]));
  for (const invoice of state.invoices) {
    let open = invoice.amount - invoice.paid;
    for (const payment of state.payments) {
      const available = free.get(payment.paymentId) ?? 0;
      if (open <= 0 || available <= 0) continue;
      const amount = Math.min(open, available);
      open -= amount;
      free.set(payment.paymentId, available - amount);
      events.push({
        type: 'InvoicePaymentReconciled',
        data: {
          at: ctx.at,
          invoiceId: invoice.invoiceId,
          paymentId: payment.paymentId,
          amount: { amount, currency: state.currency },
        },
      });
    }
  }
  return events;
};

const allDelivered = (state: OrderState): boolean =>
  remainingToShip(state) === 0 && state.fulfillment.shipments.every((s) => s.deliveredAt !== undefined);

/**
 * FUL-3: digital lines unlock once payment is confirmed, and an order with
 * nothing else left to hand over is then fulfilled (REC-4). Issue 9.4: when a
 * void or an expiry takes away the money behind unlocked downloads, they lock
 * again (a refund does not: the customer may keep what she paid for).
 */
const downloads = (state: OrderState, ctx: Ctx, decided: readonly OrderEvent[]): OrderEvent[] => {
  const digital = state.lines.filter((line) => line.kind === 'digital');
  const lineIds = digital.map((line) => line.lineId);
  const released = decided.some((e) => e.type === 'PaymentVoided' || e.type === 'PaymentExpired');
  // Checked before "no digital line": unlocked downloads whose line was removed since still lock (ORD-6/FUL-3 law, seed 3).
  if (state.fulfillment.downloadsUnlocked)
    return released && !paymentSecured(state)
      ? [{ type: 'DownloadsLocked', data: { at: ctx.at, lineIds, reason: 'the payment was released unpaid' } }]
      : [];
  if (digital.length === 0) return [];
  const live = state.status !== 'cancelled' && state.status !== 'discarded';
  if (!live || !paymentSecured(state)) return [];
  const events: OrderEvent[] = [{ type: 'DownloadsUnlocked', data: { at: ctx.at, lineIds } }];
  const status = state.fulfillment.status;
  const digitalOnly = digital.length === state.lines.length;
  if (
    (digitalOnly && (status === 'unfulfilled' || status === 'processed')) ||
    (!digitalOnly && status === 'shipped' && allDelivered(state))
  )
    events.push({ type: 'OrderFulfilled', data: { at: ctx.at, deliveredAt: ctx.at } });
  return events;
};

/** Events that follow from the new state, whatever caused it. */
const consequences = (state: OrderState, ctx: Ctx, decided: readonly OrderEvent[]): OrderEvent[] => [
  ...reconciliations(state, ctx),
  ...downloads(state, ctx, decided),
];

/** The shop's settings the order decider itself applies. */
export type OrderDeciderOptions = Readonly<{
  /** REC-8 (issue 9.7): the shop-wide closing-receipt trigger every new order gets unless placed with its own. */
  closingReceipt?: CloseOn;
}>;

/**
 * Decide one command. `directory`: who belongs to which company and which
 * guest orders an account took over, as the shop recorded it
 * (customers/directory.ts); a company contact acts on her company's orders
 * only through it (CUS-3). Without it a customer acts on her own orders only.
 */
export const decideOrder = (
  command: OrderCommand,
  state: OrderState,
  directory: Directory = emptyDirectory,
  options: OrderDeciderOptions = {},
): Decision => {
  const ctx: Ctx = { at: command.metadata.at, actor: command.metadata.actor, commandId: command.metadata.commandId };
  if (state.status === 'none' && command.type !== 'PlaceOrder') return fail('order-not-found', 'no such order');
  const allowed = authorize(
    ctx.actor,
    command.type,
    state.details?.customer ?? null,
    directory,
    state.details?.orderId,
  );
  if (E.isLeft(allowed)) return allowed;
  if (state.status === 'discarded')
    return plannedByTimer(command)
      ? E.right([])
      : fail('order-discarded', `the order was discarded (${state.discarded?.reason ?? ''}) and accepts nothing`);
  // Issue 9.3: a provider event delivered again (webhook retries) was recorded already: nothing more.
  const providerEventId = (command.data as { providerEventId?: string }).providerEventId;
  if (providerEventId !== undefined && state.providerEventIds?.includes(providerEventId) === true) return E.right([]);
  if (state.status === 'cancelled' && !AFTER_CANCEL.has(command.type))
    return fail('order-cancelled', `the order was cancelled and does not accept ${command.type}`);
  // ORD-7: a timed hold whose time has passed is over for every command (EndTimedHold records it itself).
  const ranOut = command.type === 'EndTimedHold' ? undefined : timedHoldRanOut(state, ctx.at);
  const current = ranOut === undefined ? state : fold(state, [ranOut]);
  const answered = route(command, current, ctx, options);
  if (E.isLeft(answered) || answered.right.length === 0) return answered;
  const events = ranOut === undefined ? answered.right : [ranOut, ...answered.right];
  const reused = reusedId(state, events);
  if (reused !== undefined)
    return fail(
      'duplicate-id',
      `${reused.kind} id ${reused.id} is already used on this order: each payment, refund, invoice, shipment and line id names one thing (issue 8.4)`,
      { idKind: reused.kind, id: reused.id },
    );
  const language = state.details?.customer.language;
  const decided = events.map((event) => inCustomerLanguage(event, language));
  const follow = [...consequences(fold(state, decided), ctx, decided), ...loyaltyReversals(state, decided, ctx.at)];
  return E.right(follow.length === 0 ? decided : [...decided, ...follow]);
};

export const orderDecider: Decider<OrderCommand, OrderEvent, OrderState> = {
  initialState: initialOrderState,
  decide: decideOrder,
  evolve: evolveOrder,
  // A discarded order accepts nothing; a cancelled one may still refund.
  isTerminal: (state) => state.status === 'discarded',
  // Timers: hold ends, payment expiries and the ends of the waits for capture and refund answers (due.ts).
  due: orderDue,
};

/**
 * The order decider with company access (CUS-2, CUS-3): `directory` is read
 * once per command (the directory projection the application keeps), so a
 * contact removed from her company loses access at once, whatever her
 * session still says. Decisions stay pure functions of (command, state,
 * directory).
 */
export const orderDeciderWith = (
  directory: () => Directory,
  options: OrderDeciderOptions = {},
): Decider<OrderCommand, OrderEvent, OrderState> => ({
  ...orderDecider,
  decide: (command, state) => decideOrder(command, state, directory(), options),
});

/**
 * The order decider for one shop's settings (issue 9.7): new orders get the
 * shop's closing-receipt trigger (`ShopSettings.closingReceipt`) unless
 * placed with their own; the rule is recorded on the order, so changing the
 * setting later leaves placed orders as they are.
 */
export const orderDeciderFor = (
  settings: Readonly<{ closingReceipt?: CloseOn }>,
): Decider<OrderCommand, OrderEvent, OrderState> => ({
  ...orderDecider,
  decide: (command, state) =>
    decideOrder(
      command,
      state,
      emptyDirectory,
      settings.closingReceipt === undefined ? {} : { closingReceipt: settings.closingReceipt },
    ),
});
