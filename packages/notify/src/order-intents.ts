import type { Money } from '@ordersource/core';
import {
  messageForPayment,
  type NewOrderNotification,
  type OrderNotification,
  type OrderState,
  type PaymentMessages,
} from '@ordersource/domain';
import type { Channel, MessageIntent } from './intent.js';
import { candidateLanguages, fallbackLanguage } from './languages.js';
import { statusLabels } from './status-labels.js';
import type { TemplateVars } from './values.js';

/**
 * From the domain's notifications (NOT-1 order confirmation and admin alert,
 * NOT-2 order updates) to one intent per channel. The domain's notification
 * says what happened; the order's state gives the addresses and what the
 * message shows. An intent's id is the notification's id (derived from the
 * event) plus the channel, so it is stable across re-runs.
 *
 * The state is read when the intent is built, right after the event: the
 * outbox then keeps the intent as data, so a later change of the order does
 * not change a message already decided.
 */
export type ShopContacts = Readonly<{
  shopName: string;
  /** NOT-1: where the shop's alerts go; fax is an E.164 number sent through an e-mail-to-fax gateway. */
  admin: Readonly<{ name?: string; email?: string; phone?: string; fax?: string; language?: string }>;
  /** Default language when neither the change nor the customer names one. */
  defaultLanguage?: string;
  orderUrl?: (orderId: string) => string;
  /** CUS-1: the account invitation link in the order confirmation (none for customers who have an account). */
  inviteUrl?: (state: OrderState) => string | undefined;
  adminUrl?: (orderId: string) => string;
  trackingUrl?: (carrier: string, reference: string) => string | undefined;
  /** PAY-6: per payment method and language; without it, Odoo's built-in texts. */
  paymentMessages?: PaymentMessages;
}>;

export type DomainNotification = OrderNotification | NewOrderNotification;

export type BuiltIntents = Readonly<{
  intents: readonly MessageIntent[];
  /** Channels that could not be used, with why (a customer without a phone number). */
  skipped: readonly Readonly<{ channel: Channel; reason: string }>[];
}>;

const PAYMENT_EVENTS = new Set([
  'PaymentRequested',
  'PaymentAuthorized',
  'PaymentCaptured',
  'PaymentVoided',
  'PaymentExpired',
  'PaymentFailed',
]);

const money = (amount: number, currency: string): Readonly<{ money: Money }> => ({ money: { amount, currency } });

const labelFor = (language: string, event: string, fallback: string): string => {
  for (const tag of [...candidateLanguages(language), fallbackLanguage]) {
    const label = statusLabels[tag]?.[event as keyof (typeof statusLabels)[string]];
    if (label !== undefined) return label;
  }
  return fallback;
};

const itemCount = (state: OrderState): number => state.lines.reduce((n, line) => n + line.qty, 0);

const updateVars = (
  n: OrderNotification,
  state: OrderState,
  shop: ShopContacts,
  language: string,
): [string, TemplateVars] => {
  const details = state.details;
  const customerName = details?.customer.name ?? '';
  const orderNumber = details?.orderNumber ?? n.orderId;
  const payment = state.payments.at(-1);
  if (PAYMENT_EVENTS.has(n.event) && payment !== undefined) {
    const config = shop.paymentMessages ?? { defaultLanguage: fallbackLanguage, defaults: {}, methods: {} };
    return [
      'payment-status',
      {
        customerName,
        orderNumber,
        shopName: shop.shopName,
        paymentMessage: messageForPayment(config, payment, language),
        methodName: payment.method.name,
        amount: money(payment.requested, state.currency),
        ...(payment.url === undefined ? {} : { paymentUrl: payment.url }),
      },
    ];
  }
  const shipment = state.fulfillment.shipments.at(-1);
  const carrier = state.processing.carrier ?? shipment?.carrier;
  const reference = state.processing.trackingReference ?? shipment?.trackingReference;
  const trackingUrl =
    carrier !== undefined && reference !== undefined ? shop.trackingUrl?.(carrier, reference) : undefined;
  const shipDate = state.processing.shipDate ?? shipment?.shippedAt;
  const deliveryDate = state.processing.deliveryDate ?? shipment?.deliveredAt ?? shipment?.expectedDeliveryAt;
  const status = n.event === 'OrderProcessed' ? n.status : labelFor(language, n.event, n.status);
  return [
    'order-update',
    {
      customerName,
      orderNumber,
      status,
      shopName: shop.shopName,
      ...(n.note === undefined || n.note === '' ? {} : { note: n.note }),
      ...(reference === undefined ? {} : { tracking: carrier === undefined ? reference : `${carrier} ${reference}` }),
      ...(trackingUrl === undefined ? {} : { trackingUrl }),
      ...(shipDate === undefined ? {} : { shipDate: { date: shipDate } }),
      ...(deliveryDate === undefined ? {} : { deliveryDate: { date: deliveryDate } }),
    },
  ];
};

/** The intents for one domain notification (an Effect's `notification` and `id`). */
export const intentsForNotification = (
  effect: Readonly<{ id: string; notification: DomainNotification }>,
  state: OrderState,
  shop: ShopContacts,
): BuiltIntents => {
  const n = effect.notification;
  const details = state.details;
  const customer = details?.customer;
  const streamId = `order-${n.orderId}`;
  const intents: MessageIntent[] = [];
  const skipped: { channel: Channel; reason: string }[] = [];
  const common = { orderNumber: details?.orderNumber ?? n.orderId, customerName: customer?.name ?? '' };

  const add = (
    channel: Channel,
    audience: 'customer' | 'admin',
    address: string | undefined,
    name: string | undefined,
    template: string,
    language: string,
    vars: TemplateVars,
    keepCopy: boolean,
    about: string,
  ) => {
    if (address === undefined || address === '') {
      skipped.push({
        channel,
        reason: `no ${channel === 'email' ? 'e-mail address' : channel === 'sms' ? 'phone number' : 'fax number'} for the ${audience}`,
      });
      return;
    }
    intents.push({
      id: `${effect.id}/${channel}`,
      template,
      channel,
      audience,
      to: { address, ...(name === undefined ? {} : { name }) },
      language,
      vars,
      keepCopy,
      record: { streamId, about },
    });
  };

  if (n.kind === 'new-order-alert') {
    const language = shop.admin.language ?? shop.defaultLanguage ?? fallbackLanguage;
    const vars: TemplateVars = {
      ...common,
      placedAt: { date: n.at },
      itemCount: itemCount(state),
      total: money(state.totals.total.amount, state.currency),
      ...(n.fraudSignals === undefined || n.fraudSignals.length === 0
        ? {}
        : { fraudSignals: n.fraudSignals.map((s) => s.replaceAll('_', ' ')).join(', ') }),
      ...(shop.adminUrl === undefined ? {} : { adminUrl: shop.adminUrl(n.orderId) }),
    };
    for (const channel of n.channels) {
      const address = channel === 'email' ? shop.admin.email : channel === 'sms' ? shop.admin.phone : shop.admin.fax;
      add(channel, 'admin', address, shop.admin.name, 'new-order-alert', language, vars, false, 'new order');
    }
    return { intents, skipped };
  }

  const language = n.language ?? customer?.language ?? shop.defaultLanguage ?? fallbackLanguage;
  if (n.kind === 'order-confirmation') {
    const invite = shop.inviteUrl?.(state);
    const vars: TemplateVars = {
      ...common,
      shopName: shop.shopName,
      placedAt: { date: n.at },
      itemCount: itemCount(state),
      total: money(state.totals.total.amount, state.currency),
      ...(shop.orderUrl === undefined ? {} : { orderUrl: shop.orderUrl(n.orderId) }),
      ...(invite === undefined ? {} : { inviteUrl: invite }),
    };
    add(
      'email',
      'customer',
      customer?.email,
      customer?.name,
      'order-confirmation',
      language,
      vars,
      false,
      'order confirmation',
    );
    return { intents, skipped };
  }

  const [template, vars] = updateVars(n, state, shop, language);
  for (const channel of n.channels)
    add(
      channel,
      'customer',
      channel === 'email' ? customer?.email : customer?.phone,
      customer?.name,
      template,
      language,
      vars,
      channel === 'email' && n.keepCopy,
      n.status,
    );
  return { intents, skipped };
};
