import type { TemplateSpec } from '../template.js';
import { accountInvitation } from './account-invitation.js';
import { newOrderAlert } from './new-order-alert.js';
import { orderChangeTemplates } from './order-changes.js';
import { orderConfirmation } from './order-confirmation.js';
import { orderUpdate } from './order-update.js';
import { paymentStatus } from './payment-status.js';
import { receipt } from './receipt.js';
import { subscriptionClosed, subscriptionPastDue, subscriptionRenewed } from './subscriptions.js';

/** Every built-in template, in en, vi, fr, zh-Hant, ru and fa. */
export const builtInTemplates: readonly TemplateSpec[] = [
  orderConfirmation,
  newOrderAlert,
  orderUpdate,
  paymentStatus,
  accountInvitation,
  receipt,
  subscriptionRenewed,
  subscriptionPastDue,
  subscriptionClosed,
  ...orderChangeTemplates,
];
