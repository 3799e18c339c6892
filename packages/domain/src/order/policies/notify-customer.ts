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
 * read travels: the admin's note only when it was marked visible to the
 * customer. The notification id derives from the event, so a re-run sends
 * nothing twice.
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
}>;

export const customerNotificationPolicy: Reactor<OrderEvent, OrderCommand, OrderNotification> = {
  name: 'order.notify-customer',
  decode: decodeOrderEnvelope,
  filter: orderFilter(orderEventTypes),
  react: (envelope) => {
    const entry = historyEntry(envelope);
    const channels = [...(entry.email ? (['email'] as const) : []), ...(entry.sms ? (['sms'] as const) : [])];
    if (channels.length === 0) return [];
    const note = entry.noteVisibleToCustomer ? entry.remarks.admin : undefined;
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
        },
      },
    ];
  },
};
