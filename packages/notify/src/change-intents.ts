import type { ChangeKind, ChangeStep, OrderChangeNotification } from '@ordersource/domain/changes';
import { changeLabels, type ChangeLabels } from './change-labels.js';
import type { Channel, MessageIntent } from './intent.js';
import { candidateLanguages, fallbackLanguage } from './languages.js';
import type { BuiltIntents, ShopContacts } from './order-intents.js';
import type { TemplateVars } from './values.js';

/**
 * Issue 17 (NOT-1, NOT-2, NOT-3): from the change reactor's notification
 * (`changeNotificationsFor` in @ordersource/domain/changes) to the e-mail
 * that tells the customer, in her language, what became of her return,
 * exchange, claim or order edit, and to the shop's alert when a customer's
 * request waits for an answer or a change could not be applied. The intent's
 * id is the notification's id (derived from the change event) plus the
 * channel, so a re-run sends nothing twice; it is recorded on the order's
 * stream (NOT-3) as "<kind> <step>".
 *
 * The notification carries the reasons already labelled in the customer's
 * language; the shop's alert shows them as she wrote them.
 */
const CUSTOMER_TEMPLATES: Partial<Record<ChangeStep, string>> = {
  requested: 'order-change-requested',
  confirmed: 'order-change-confirmed',
  declined: 'order-change-declined',
  canceled: 'order-change-canceled',
  received: 'order-change-received',
  applied: 'order-change-applied',
};

const ADMIN_TEMPLATES: Partial<Record<ChangeStep, string>> = {
  requested: 'order-change-request-alert',
  failed: 'order-change-failed-alert',
};

/** The closest language the labels have, as the templates resolve it. */
const labelsFor = (language: string): [string, ChangeLabels] => {
  for (const tag of candidateLanguages(language)) {
    const labels = changeLabels[tag];
    if (labels !== undefined) return [tag, labels];
  }
  return [fallbackLanguage, changeLabels[fallbackLanguage] as ChangeLabels];
};

/** "damaged, too small and wrong colour" in the reader's language. */
const listOf = (items: readonly string[], language: string): string =>
  new Intl.ListFormat(language, { style: 'long', type: 'conjunction' }).format(items);

export type ChangeRecipient = Readonly<{
  /** The customer's name, for the greeting and the shop's alert (the notification has none). */
  customerName?: string;
}>;

export const intentsForChangeNotification = (
  effect: Readonly<{ id: string; notification: OrderChangeNotification }>,
  shop: ShopContacts,
  recipient: ChangeRecipient = {},
): BuiltIntents => {
  const n = effect.notification;
  const intents: MessageIntent[] = [];
  const skipped: { channel: Channel; reason: string }[] = [];
  const channel: Channel = 'email';
  const template = (n.audience === 'customer' ? CUSTOMER_TEMPLATES : ADMIN_TEMPLATES)[n.step];
  if (template === undefined) return { intents, skipped };
  const language =
    n.audience === 'customer'
      ? (n.language ?? shop.defaultLanguage ?? fallbackLanguage)
      : (shop.admin.language ?? shop.defaultLanguage ?? fallbackLanguage);
  const [labelLanguage, labels] = labelsFor(language);
  const kind: ChangeKind = n.changeKind;
  const name =
    recipient.customerName === undefined || recipient.customerName === '' ? undefined : recipient.customerName;
  const common: Record<string, TemplateVars[string]> = {
    orderNumber: n.orderNumber,
    changeKind: labels.kind[kind],
    ...(name === undefined ? {} : { customerName: name }),
    ...(n.reasons.length === 0 ? {} : { reasons: listOf(n.reasons, labelLanguage) }),
    ...(n.reason === undefined || n.reason === '' ? {} : { reason: n.reason }),
  };
  const vars: TemplateVars =
    n.audience === 'customer'
      ? {
          ...common,
          shopName: shop.shopName,
          ...(n.note === undefined || n.note === '' ? {} : { note: n.note }),
          ...(shop.orderUrl === undefined ? {} : { orderUrl: shop.orderUrl(n.orderId) }),
          ...(n.step === 'applied' ? { outcome: labels.done[kind], outcomeTitle: labels.doneTitle[kind] } : {}),
        }
      : { ...common, ...(shop.adminUrl === undefined ? {} : { adminUrl: shop.adminUrl(n.orderId) }) };
  const address = n.audience === 'customer' ? n.email : shop.admin.email;
  if (address === undefined || address === '') {
    skipped.push({ channel, reason: `no e-mail address for the ${n.audience}` });
    return { intents, skipped };
  }
  const to = n.audience === 'customer' ? name : shop.admin.name;
  intents.push({
    id: `${effect.id}/${channel}`,
    template,
    channel,
    audience: n.audience,
    to: { address, ...(to === undefined ? {} : { name: to }) },
    language,
    vars,
    keepCopy: false,
    record: { streamId: `order-${n.orderId}`, about: `${n.changeKind} ${n.step}` },
  });
  return { intents, skipped };
};
