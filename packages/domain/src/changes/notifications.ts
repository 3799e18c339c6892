import { derivedId } from '@ordersource/core';
import type { OrderChangeEvent } from './events.js';
import { changeReasonLabel, defaultChangeReasons, type ChangeReason } from './reasons.js';
import type { OrderChangeState } from './state.js';
import type { ChangeKind } from './values.js';

/**
 * Issue 17 (NOT-1, NOT-2): a notification intent for each step of a change,
 * for a notifier adapter to send: to the customer (her language, the reason
 * labels in it) and to the shop (a customer's request waits for an answer).
 * Ids derive from the event, so a re-run sends nothing twice. A commit made
 * with `notifyCustomer: false` tells the customer nothing (Shopify's flag).
 */

export type ChangeStep =
  'begun' | 'requested' | 'confirmed' | 'declined' | 'canceled' | 'received' | 'applied' | 'failed';

export type OrderChangeNotification = Readonly<{
  kind: 'order-change';
  audience: 'customer' | 'admin';
  step: ChangeStep;
  changeKind: ChangeKind;
  changeId: string;
  orderId: string;
  orderNumber: string;
  at: string;
  email?: string;
  language?: string;
  /** The reasons named, labelled in the customer's language. */
  reasons: readonly string[];
  note?: string;
  /** Decline or cancel reason; failure message. */
  reason?: string;
}>;

const STEP: Partial<Record<OrderChangeEvent['type'], ChangeStep>> = {
  OrderChangeBegun: 'begun',
  OrderChangeRequested: 'requested',
  OrderChangeConfirmed: 'confirmed',
  OrderChangeDeclined: 'declined',
  OrderChangeCanceled: 'canceled',
  ReturnReceived: 'received',
  OrderChangeApplied: 'applied',
  OrderChangeFailed: 'failed',
};

/** `state`: the change after `event`. */
export const changeNotificationsFor = (
  event: OrderChangeEvent,
  eventId: string,
  state: OrderChangeState,
  reasons: readonly ChangeReason[] = defaultChangeReasons,
): { id: string; notification: OrderChangeNotification }[] => {
  const step = STEP[event.type];
  const basis = state.basis;
  if (step === undefined || basis === null) return [];
  const language = basis.customer.language;
  const labels = [...new Set(state.items.map((i) => i.reason))].map((code) => {
    const reason = reasons.find((r) => r.code === code);
    return reason === undefined ? code : changeReasonLabel(reason, language);
  });
  const base = {
    kind: 'order-change' as const,
    step,
    changeKind: state.kind,
    changeId: state.changeId,
    orderId: basis.orderId,
    orderNumber: basis.orderNumber,
    at: event.data.at,
    reasons: labels,
  };
  const reason =
    event.type === 'OrderChangeDeclined' || event.type === 'OrderChangeCanceled'
      ? event.data.reason
      : event.type === 'OrderChangeFailed'
        ? `${event.data.code}: ${event.data.message}`
        : undefined;
  const extra = {
    ...(reason === undefined ? {} : { reason }),
    ...(event.type === 'OrderChangeConfirmed' && event.data.note !== undefined ? { note: event.data.note } : {}),
  };
  const out: { id: string; notification: OrderChangeNotification }[] = [];
  // The shop hears of what a customer asked, and of a change it must put right.
  if ((step === 'requested' && state.requestedBy === 'customer') || step === 'failed')
    out.push({
      id: derivedId('order-change-notify', eventId, 'admin'),
      notification: { ...base, audience: 'admin', ...extra },
    });
  const silent = state.confirmation?.notifyCustomer === false && step !== 'declined' && step !== 'canceled';
  if (step !== 'begun' && step !== 'failed' && !silent)
    out.push({
      id: derivedId('order-change-notify', eventId, 'customer'),
      notification: {
        ...base,
        audience: 'customer',
        ...(basis.customer.email === undefined ? {} : { email: basis.customer.email }),
        ...(language === undefined ? {} : { language }),
        ...extra,
      },
    });
  return out;
};
