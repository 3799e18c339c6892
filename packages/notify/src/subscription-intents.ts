import { derivedId, type Envelope } from '@ordersource/core';
import {
  closeReasonLabel,
  defaultSubscriptionSettings,
  type SubscriptionEvent,
  type SubscriptionSettings,
  type SubscriptionState,
} from '@ordersource/domain/subscriptions';
import type { Channel, MessageIntent } from './intent.js';
import { fallbackLanguage } from './languages.js';
import type { BuiltIntents } from './order-intents.js';
import type { TemplateVars } from './values.js';

/**
 * Issue 12 / seed 004: the customer's messages of a subscription's life.
 * A renewal invoice -> "renewed" (SUB-2), a failed renewal payment -> "past
 * due" with the link to pay (Stripe's and Odoo's dunning e-mails), a close ->
 * "closed" with its reason (SUB-3 / SUB-4). Each intent's id derives from the
 * event and the channel, so a reactor re-run builds the same intents and the
 * dispatcher's ledger sends each once.
 *
 * The state is the subscription's state right after the event (what the
 * message shows: plan name, amounts, the customer's contacts and language).
 */
export type SubscriptionContacts = Readonly<{
  shopName: string;
  defaultLanguage?: string;
  /** SMS as well as e-mail, when the customer has a phone number. */
  sms?: boolean;
  /** Where the customer pays an open invoice (a payment link of its renewal order). */
  paymentUrl?: (subscriptionId: string, invoiceId: string) => string | undefined;
  /** For the reason's label in the customer's language. */
  settings?: SubscriptionSettings;
}>;

type Message = Readonly<{ template: string; vars: TemplateVars; about: string }>;

const money = (amount: number, currency: string) => ({ money: { amount, currency } });

const messageFor = (
  envelope: Envelope<SubscriptionEvent>,
  state: SubscriptionState,
  contacts: SubscriptionContacts,
  language: string,
): Message | undefined => {
  const customerName = state.customer?.name ?? '';
  const subscriptionName = state.plan?.name ?? state.subscriptionId;
  const common = { customerName, subscriptionName, shopName: contacts.shopName };
  const event = envelope.event;
  switch (event.type) {
    case 'SubscriptionInvoiced':
      // Proration invoices are part of a plan change, not a renewal: the plan-change screen says so.
      if (event.data.kind === 'proration') return undefined;
      return {
        template: 'subscription-renewed',
        vars: {
          ...common,
          amount: money(event.data.amount.amount, event.data.amount.currency),
          nextBillingDate: { date: event.data.periodEnd },
        },
        about: 'subscription renewed',
      };
    case 'SubscriptionPaymentFailed': {
      const invoice = state.invoices.find((i) => i.invoiceId === event.data.invoiceId);
      if (invoice === undefined) return undefined;
      const url = contacts.paymentUrl?.(state.subscriptionId, invoice.invoiceId);
      return {
        template: 'subscription-past-due',
        vars: {
          ...common,
          amount: money(invoice.amount - invoice.paid, state.currency),
          dueDate: { date: invoice.periodStart ?? event.data.at },
          ...(url === undefined ? {} : { paymentUrl: url }),
        },
        about: 'subscription past due',
      };
    }
    case 'SubscriptionClosed': {
      const reason = event.data.reason;
      const configured =
        'code' in reason
          ? (contacts.settings ?? defaultSubscriptionSettings).closeReasons.find((r) => r.code === reason.code)
          : undefined;
      const label =
        configured !== undefined
          ? closeReasonLabel(configured, language)
          : 'code' in reason
            ? reason.label
            : reason.text;
      return {
        template: 'subscription-closed',
        vars: { ...common, closedAt: { date: event.data.at }, reason: label },
        about: 'subscription closed',
      };
    }
    default:
      return undefined;
  }
};

/** The intents for one subscription event (none for events the customer is not told about). */
export const intentsForSubscriptionEvent = (
  envelope: Envelope<SubscriptionEvent>,
  state: SubscriptionState,
  contacts: SubscriptionContacts,
): BuiltIntents => {
  const customer = state.customer;
  const language = customer?.language ?? contacts.defaultLanguage ?? fallbackLanguage;
  const message = messageFor(envelope, state, contacts, language);
  if (message === undefined) return { intents: [], skipped: [] };
  const intents: MessageIntent[] = [];
  const skipped: { channel: Channel; reason: string }[] = [];
  const channels: Channel[] = contacts.sms === true ? ['email', 'sms'] : ['email'];
  for (const channel of channels) {
    const address = channel === 'email' ? customer?.email : customer?.phone;
    if (address === undefined || address === '') {
      skipped.push({
        channel,
        reason: `no ${channel === 'email' ? 'e-mail address' : 'phone number'} for the customer`,
      });
      continue;
    }
    intents.push({
      id: derivedId('subscription-message', envelope.eventId, channel),
      template: message.template,
      channel,
      audience: 'customer',
      to: { address, ...(customer?.name === undefined ? {} : { name: customer.name }) },
      language,
      vars: message.vars,
      keepCopy: false,
      record: { streamId: envelope.streamId, about: message.about },
    });
  }
  return { intents, skipped };
};
