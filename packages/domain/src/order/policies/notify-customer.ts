import type { Reactor } from '@ordersource/core';
import type { OrderCommand } from '../commands.js';
import { orderEventTypes, orderIdOf, type OrderEvent, type OrderEventType } from '../events.js';
import { historyEntry } from '../projections/status-history.js';
import { decodeOrderEnvelope, orderFilter } from './reactor-base.js';

/**
 * ORD-4/FUL-1/NOT-2: when a change was recorded with "notify the customer"
 * (e-mail and/or SMS), this reactor turns that decision into a notification
 * for a notifier adapter to send. Language and "keep a copy" are read as the
 * status history reads them: the notify object's own fields, else "process
 * order"'s mailLanguage / keepMailCopy; the decider already wrote the
 * customer's language in when none was chosen. Only what the customer may
 * read travels: the admin's note unless she marked it internal
 * (`noteVisibleToCustomer: false`). The notification id derives from the
 * event, so a re-run sends nothing twice.
 */
export type OrderNotification = Readonly<{
  kind: 'order-update';
  orderId: string;
  event: OrderEventType;
  /** The status as the history shows it (the admin's own label for "process order"). */
  status: string;
  at: string;
  channels: readonly ('email' | 'sms')[];
  language?: string;
  /** Keep a copy of the mail (ec2Biz "保留郵件副本"); only ever true with the e-mail channel. */
  keepCopy: boolean;
  note?: string;
  /**
   * Issue 10.3: what an adapter needs to render the message without a
   * lookup, as the change itself recorded it: carrier, tracking reference,
   * ship and delivery dates (a shipment, a correction, "process order").
   */
  carrier?: string;
  trackingReference?: string;
  trackingUrl?: string;
  shipDate?: string;
  deliveryDate?: string;
}>;

type Shipping = Pick<OrderNotification, 'carrier' | 'trackingReference' | 'trackingUrl' | 'shipDate' | 'deliveryDate'>;

/** The shipping facts an event carries, under the intent's names. */
const shippingOf = (event: OrderEvent): Shipping => {
  const d = event.data as {
    carrier?: string;
    trackingReference?: string;
    trackingUrl?: string;
    shippedAt?: string;
    shipDate?: string;
    deliveredAt?: string;
    deliveryDate?: string;
    expectedDeliveryAt?: string;
  };
  const shipDate = d.shipDate ?? d.shippedAt;
  const deliveryDate = d.deliveryDate ?? d.deliveredAt ?? d.expectedDeliveryAt;
  return {
    ...(d.carrier === undefined ? {} : { carrier: d.carrier }),
    ...(d.trackingReference === undefined ? {} : { trackingReference: d.trackingReference }),
    ...(d.trackingUrl === undefined ? {} : { trackingUrl: d.trackingUrl }),
    ...(shipDate === undefined ? {} : { shipDate }),
    ...(deliveryDate === undefined ? {} : { deliveryDate }),
  };
};

/**
 * FUL-1/NOT-2 (issue 10.3): the admin's note travels with a notification she
 * asked for, as in Pixpa, unless she marked it internal
 * (`noteVisibleToCustomer: false`).
 */
const noteFor = (event: OrderEvent): string | undefined => {
  const d = event.data as { note?: string; noteVisibleToCustomer?: boolean };
  return d.noteVisibleToCustomer === false ? undefined : d.note;
};

export const customerNotificationPolicy: Reactor<OrderEvent, OrderCommand, OrderNotification> = {
  name: 'order.notify-customer',
  decode: decodeOrderEnvelope,
  filter: orderFilter(orderEventTypes),
  react: (envelope) => {
    const entry = historyEntry(envelope);
    // What the change asked for; a recorded send (NotificationSent) asks for nothing more.
    const { email, sms } = entry.requested;
    const channels = [...(email ? (['email'] as const) : []), ...(sms ? (['sms'] as const) : [])];
    if (channels.length === 0) return [];
    const note = noteFor(envelope.event);
    return [
      {
        kind: 'notification',
        notification: {
          kind: 'order-update',
          orderId: orderIdOf(envelope.streamId),
          event: entry.event,
          status: entry.status,
          at: entry.at,
          channels,
          ...(entry.language === undefined ? {} : { language: entry.language }),
          keepCopy: entry.keepCopy ?? false,
          ...(note === undefined ? {} : { note }),
          ...shippingOf(envelope.event),
        },
      },
    ];
  },
};
