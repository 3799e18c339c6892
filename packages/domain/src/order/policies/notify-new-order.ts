import type { Reactor } from '@ordersource/core';
import type { OrderCommand } from '../commands.js';
import { orderIdOf, type FraudSignal, type OrderEvent } from '../events.js';
import { defaultNewOrderNotifications, type AdminAlertChannel, type ShopSettings } from '../settings.js';
import { decodeOrderEnvelope, orderFilter } from './reactor-base.js';

/**
 * NOT-1 (ec2Biz "新進訂單通知方式"): once an order is completed, the customer
 * gets an order confirmation by e-mail and the shop's staff an alert by
 * e-mail, SMS or fax. "Completed" is ec2Biz's recorded order: placed as
 * recorded, or a pending one recorded later (ORD-2), so a checkout whose
 * online payment never went through confirms nothing. Both intents carry ids
 * derived from the event, so a re-run sends nothing twice; an adapter looks
 * up addresses and renders the order.
 */
export type NewOrderNotification =
  | Readonly<{
      kind: 'order-confirmation';
      orderId: string;
      at: string;
      channels: readonly ['email'];
      /** The customer's language, when the checkout named one (known on the placement event only). */
      language?: string;
    }>
  | Readonly<{
      kind: 'new-order-alert';
      orderId: string;
      at: string;
      channels: readonly AdminAlertChannel[];
      /** ORD-7 signals, when known, so the alert can say the order needs a look. */
      fraudSignals?: readonly FraudSignal[];
    }>;

type Completed = Readonly<{ at: string; language?: string; fraudSignals?: readonly FraudSignal[] }>;

const completedBy = (event: OrderEvent): Completed | undefined => {
  if (event.type === 'OrderRecorded') return { at: event.data.at };
  if (event.type !== 'OrderPlaced' || event.data.status !== 'recorded') return undefined;
  const language = event.data.customer.language;
  return {
    at: event.data.placedAt,
    fraudSignals: event.data.fraudSignals,
    ...(language === undefined ? {} : { language }),
  };
};

export const newOrderNotificationPolicy = (
  settings: ShopSettings,
): Reactor<OrderEvent, OrderCommand, NewOrderNotification> => ({
  name: 'order.notify-new-order',
  decode: decodeOrderEnvelope,
  filter: orderFilter(['OrderPlaced', 'OrderRecorded']),
  react: ({ event, streamId }) => {
    const completed = completedBy(event);
    if (completed === undefined) return [];
    const options = settings.newOrderNotifications ?? defaultNewOrderNotifications;
    const orderId = orderIdOf(streamId);
    const { at, language, fraudSignals } = completed;
    const reactions: { kind: 'notification'; notification: NewOrderNotification }[] = [];
    if (options.customerEmail)
      reactions.push({
        kind: 'notification',
        notification: {
          kind: 'order-confirmation',
          orderId,
          at,
          channels: ['email'],
          ...(language === undefined ? {} : { language }),
        },
      });
    if (options.adminChannels.length > 0)
      reactions.push({
        kind: 'notification',
        notification: {
          kind: 'new-order-alert',
          orderId,
          at,
          channels: [...new Set(options.adminChannels)],
          ...(fraudSignals === undefined ? {} : { fraudSignals }),
        },
      });
    return reactions;
  },
});
