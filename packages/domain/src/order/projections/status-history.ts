import { money, type Actor, type Envelope, type Projection } from '@ordersource/core';
import { orderEventTypes, orderIdOf, ORDER_STREAM_PREFIX, type OrderEvent, type OrderEventType } from '../events.js';
import { decodeOrderEnvelope } from '../policies/reactor-base.js';
import type { Notify } from '../values.js';

/**
 * ORD-5 status history (ec2Biz "狀態記錄"): every change with its date,
 * status, who made it, whether an e-mail / SMS was requested, and the
 * remarks: the payment gateway's message, the customer's checkout remark and
 * the admin's note. Stored oldest first; read newest first.
 */
export type HistoryEntry = Readonly<{
  at: string;
  event: OrderEventType;
  /** Human status: the admin's own label for "process order", otherwise the event's meaning. */
  status: string;
  actor: Actor;
  /** The e-mail / SMS columns: asked for with the change, or (on a NotificationSent row) sent to the customer. */
  email: boolean;
  sms: boolean;
  /**
   * ORD-5/NOT-3 (issue 10.5): what the admin asked for with this change,
   * distinct from what went out: `sent` on a NotificationSent row (to the
   * customer), `failed` on a NotificationFailed row (after the retries).
   */
  requested: Readonly<{ email: boolean; sms: boolean }>;
  sent: Readonly<{ email: boolean; sms: boolean }>;
  failed: Readonly<{ email: boolean; sms: boolean }>;
  language?: string;
  keepCopy?: boolean;
  noteVisibleToCustomer: boolean;
  remarks: Readonly<{ gateway?: string; customer?: string; admin?: string }>;
}>;

export type StatusHistoryModel = { orders: Record<string, HistoryEntry[]> };

const LABELS: Record<OrderEventType, string> = {
  OrderPlaced: 'order placed',
  OrderRecorded: 'order recorded',
  OrderConfirmed: 'order confirmed',
  OrderProcessed: 'processed',
  OrderLineAdded: 'line added',
  OrderLineRemoved: 'line removed',
  OrderLineChanged: 'line changed',
  ShippingFeeChanged: 'shipping fee changed',
  BillingAddressChanged: 'billing address changed',
  OrderLocked: 'order locked',
  ClosingReceiptScheduled: 'closing receipt rescheduled',
  OrderCancelled: 'cancelled',
  OrderDiscarded: 'discarded',
  PaymentRequested: 'payment requested',
  PaymentAuthorized: 'payment authorized',
  PaymentCaptured: 'payment received',
  PaymentVoided: 'payment voided',
  PaymentExpired: 'payment expired',
  PaymentFailed: 'payment failed',
  PaymentRefunded: 'refunded',
  PaymentActionRequired: 'payment awaits the customer (3-D Secure)',
  CaptureRequested: 'capture requested',
  CaptureFailed: 'capture failed',
  CaptureRequestExpired: 'capture request expired (no answer)',
  RefundRequested: 'refund requested',
  RefundFailed: 'refund failed',
  RefundRequestExpired: 'refund request expired (no answer)',
  RefundReversed: 'refund reversed',
  DisputeOpened: 'payment disputed (funds withdrawn)',
  DisputeClosed: 'dispute decided',
  InvoiceIssued: 'invoice issued',
  InvoicePaymentReconciled: 'invoice paid',
  FulfillmentProcessed: 'processed (ready to ship)',
  FulfillmentHeld: 'on hold',
  FulfillmentHoldReleased: 'hold released',
  ShipmentDispatched: 'shipped',
  ShipmentDelivered: 'delivered',
  ShipmentAmended: 'shipment corrected',
  ShipmentCancelled: 'shipment cancelled',
  OrderFulfilled: 'fulfilled',
  DownloadsUnlocked: 'downloads unlocked',
  DownloadsLocked: 'downloads locked',
  LoyaltyPointsApproved: 'loyalty points approved',
  LoyaltyPointsReversed: 'loyalty points taken back',
  NotificationSent: 'notification sent',
  NotificationFailed: 'notification failed',
};

const timeOf = (event: OrderEvent): string => (event.type === 'OrderPlaced' ? event.data.placedAt : event.data.at);

const statusOf = (event: OrderEvent): string => {
  switch (event.type) {
    case 'OrderPlaced':
      return `${LABELS.OrderPlaced} (${event.data.status})`;
    case 'OrderProcessed':
      return event.data.status;
    case 'FulfillmentHeld':
      return `${LABELS.FulfillmentHeld}: ${event.data.reason}`;
    case 'OrderCancelled':
      return `${LABELS.OrderCancelled}: ${event.data.reason}`;
    case 'OrderDiscarded':
      return `${LABELS.OrderDiscarded}: ${event.data.reason}`;
    case 'PaymentRequested':
    case 'PaymentAuthorized':
    case 'PaymentCaptured':
    case 'PaymentRefunded':
    case 'CaptureRequested':
    case 'RefundRequested':
    case 'RefundReversed':
    case 'DisputeOpened':
      return `${LABELS[event.type]}: ${money.format(event.data.amount)}`;
    case 'DisputeClosed':
      return `dispute ${event.data.outcome}: ${money.format(event.data.amount)}`;
    case 'FulfillmentHoldReleased':
      return event.data.heldUntil === undefined ? LABELS.FulfillmentHoldReleased : 'hold ended';
    case 'ShipmentCancelled':
      return `${event.data.returned ? 'parcel returned undelivered' : LABELS.ShipmentCancelled}: ${event.data.reason}`;
    case 'LoyaltyPointsApproved':
      return `${LABELS.LoyaltyPointsApproved}: ${event.data.points}${event.data.previous === undefined ? '' : ` (was ${event.data.previous})`}`;
    case 'LoyaltyPointsReversed':
      return `${LABELS.LoyaltyPointsReversed}: ${event.data.points}`;
    case 'NotificationFailed':
      return `${LABELS.NotificationFailed}: ${event.data.channel} to ${event.data.recipient} (${event.data.template}): ${event.data.reason}`;
    case 'NotificationSent':
      return `${event.data.audience === 'customer' ? 'customer' : 'shop'} notified by ${event.data.channels.join(', ')}${event.data.about === undefined ? '' : `: ${event.data.about}`}`;
    default:
      return LABELS[event.type];
  }
};

const notifyOf = (event: OrderEvent): Notify | undefined =>
  'notify' in event.data ? (event.data as { notify?: Notify }).notify : undefined;

/**
 * ORD-4/NOT-2: the mail language and "keep a copy" of a notification. The
 * notify object's own fields win; "process order" also has form-level ones
 * (mailLanguage, keepMailCopy). A copy is only kept of an e-mail (ec2Biz:
 * "若選擇了電郵通知").
 */
const mailOptionsOf = (event: OrderEvent, notify: Notify | undefined): { language?: string; keepCopy?: boolean } => {
  const form = event.type === 'OrderProcessed' ? event.data : undefined;
  const language = notify?.language ?? form?.mailLanguage;
  const keepCopy = notify?.email === true ? (notify.keepCopy ?? form?.keepMailCopy) : undefined;
  return {
    ...(language === undefined ? {} : { language }),
    ...(keepCopy === undefined ? {} : { keepCopy }),
  };
};

/** NOT-3: a recorded send to the customer shows in the e-mail / SMS columns as well. */
const sentToCustomer = (event: OrderEvent, channel: 'email' | 'sms'): boolean =>
  event.type === 'NotificationSent' && event.data.audience === 'customer' && event.data.channels.includes(channel);

/** NOT-3: a notification to the customer that finally failed on this channel. */
const failedOn = (event: OrderEvent, channel: 'email' | 'sms'): boolean =>
  event.type === 'NotificationFailed' && event.data.channel === channel && event.data.audience !== 'admin';

export const historyEntry = (envelope: Envelope<OrderEvent>): HistoryEntry => {
  const { event } = envelope;
  const data = event.data as { note?: string; noteVisibleToCustomer?: boolean; providerMessage?: string };
  const notify = notifyOf(event);
  const remarks = {
    ...(data.providerMessage === undefined || data.providerMessage === '' ? {} : { gateway: data.providerMessage }),
    ...(event.type === 'OrderPlaced' && event.data.remark !== undefined ? { customer: event.data.remark } : {}),
    ...(data.note === undefined ? {} : { admin: data.note }),
  };
  return {
    at: timeOf(event),
    event: event.type,
    status: statusOf(event),
    actor: envelope.actor,
    email: notify?.email ?? sentToCustomer(event, 'email'),
    sms: notify?.sms ?? sentToCustomer(event, 'sms'),
    requested: { email: notify?.email ?? false, sms: notify?.sms ?? false },
    sent: { email: sentToCustomer(event, 'email'), sms: sentToCustomer(event, 'sms') },
    failed: { email: failedOn(event, 'email'), sms: failedOn(event, 'sms') },
    ...mailOptionsOf(event, notify),
    noteVisibleToCustomer: data.noteVisibleToCustomer ?? false,
    remarks,
  };
};

export const statusHistoryProjection: Projection<StatusHistoryModel, OrderEvent> = {
  name: 'order-status-history',
  initialState: { orders: {} },
  decode: decodeOrderEnvelope,
  filter: { streamPrefix: ORDER_STREAM_PREFIX, eventTypes: orderEventTypes },
  evolve: (model, envelope) => {
    const orderId = orderIdOf(envelope.streamId);
    const entries = model.orders[orderId] ?? (model.orders[orderId] = []);
    entries.push(historyEntry(envelope));
  },
};

/** ORD-5: newest first. */
export const statusHistory = (model: StatusHistoryModel, orderId: string): HistoryEntry[] =>
  [...(model.orders[orderId] ?? [])].reverse();
