import type { Reactor } from '@ordersource/core';
import type { OrderCommand } from '../commands.js';
import type { OrderEvent } from '../events.js';
import type { ShopSettings } from '../settings.js';
import { autoConfirmPolicy } from './auto-confirm.js';
import { autoInvoicePolicy } from './auto-invoice.js';
import { captureAfterDeliveryPolicy } from './capture-after-delivery.js';
import { fraudHoldPolicy } from './fraud-hold.js';
import { customerNotificationPolicy } from './notify-customer.js';
import { newOrderNotificationPolicy } from './notify-new-order.js';
import { recordOnPaymentPolicy } from './record-on-payment.js';
import { refundOverpaymentPolicy } from './refund-overpayment.js';

/**
 * Every order policy for one shop's settings (each one is inert when switched
 * off), the new-order notifications (NOT-1) and the customer-notification
 * reactor, which only acts on changes an admin asked to notify (NOT-2).
 */
export const orderPolicies = (settings: ShopSettings): readonly Reactor<OrderEvent, OrderCommand>[] => [
  recordOnPaymentPolicy(settings),
  autoConfirmPolicy(settings),
  fraudHoldPolicy(settings),
  autoInvoicePolicy(settings),
  captureAfterDeliveryPolicy(settings),
  refundOverpaymentPolicy(settings),
  newOrderNotificationPolicy(settings),
  customerNotificationPolicy,
];
