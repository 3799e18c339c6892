import * as t from 'io-ts';
import { PositiveInt } from '@ordersource/core';
import { InvoiceBasisCodec } from './events.js';
import { CloseOnCodec } from './close-on.js';

/**
 * Per-shop switches for the order policies. Each policy is a pure reactor;
 * a shop turns it on or off here (Odoo's settings pages, ec2Biz's advice).
 */
/** NOT-1: how the shop's own staff hear of a new order (ec2Biz: e-mail, SMS or fax). */
export const AdminAlertChannelCodec = t.keyof({ email: null, sms: null, fax: null }, 'AdminAlertChannel');
export type AdminAlertChannel = t.TypeOf<typeof AdminAlertChannelCodec>;

/** NOT-1: the new-order confirmation (customer, by e-mail) and the admin alert (on these channels; none when empty). */
export const NewOrderNotificationsCodec = t.strict(
  { customerEmail: t.boolean, adminChannels: t.array(AdminAlertChannelCodec) },
  'NewOrderNotifications',
);
export type NewOrderNotifications = t.TypeOf<typeof NewOrderNotificationsCodec>;

/** What a shop gets when its settings predate `newOrderNotifications`: what ec2Biz does out of the box. */
export const defaultNewOrderNotifications: NewOrderNotifications = { customerEmail: true, adminChannels: ['email'] };

const RequiredSettings = t.strict(
  {
    /** ORD-2: a pending order becomes recorded when its online payment succeeds. */
    recordOnPayment: t.boolean,
    /**
     * ORD-3: authorization (or a sale / offline payment) confirms the order,
     * releasing fulfillment. Confirming a pending order also records it, so
     * this implies recordOnPayment.
     */
    autoConfirmOnPayment: t.boolean,
    /** PAY-1/FUL-4: capture "after delivery" authorizations when the order is fulfilled. */
    captureAfterDelivery: t.boolean,
    /** PAY-7: invoicing policy and whether invoices are issued automatically. */
    invoicing: t.strict({ policy: InvoiceBasisCodec, automatic: t.boolean }),
    /**
     * ORD-7: hold new orders before shipping. `scope` 'flagged' holds only
     * orders with a fraud signal; 'all' follows ec2Biz's advice for every new order.
     */
    fraudHold: t.strict({ enabled: t.boolean, hours: PositiveInt, scope: t.keyof({ flagged: null, all: null }) }),
  },
  'RequiredShopSettings',
);

/** Fields added later are optional, so settings saved before them still decode. */
export const ShopSettingsCodec = t.intersection(
  [
    RequiredSettings,
    t.exact(
      t.partial({
        newOrderNotifications: NewOrderNotificationsCodec,
        /** Issue 9.1: refund money taken beyond the order's cost at once (default: an admin sends RefundExcess). */
        autoRefundOverpayment: t.boolean,
        /**
         * REC-8 (issue 9.7): when a new order's closing receipt goes out (default on
         * delivery); an order placed with its own `closingReceipt` keeps that one.
         */
        closingReceipt: CloseOnCodec,
      }),
    ),
  ],
  'ShopSettings',
);
export type ShopSettings = t.TypeOf<typeof ShopSettingsCodec>;

/** What Odoo and ec2Biz do out of the box. */
export const defaultShopSettings: ShopSettings = {
  recordOnPayment: true,
  autoConfirmOnPayment: true,
  captureAfterDelivery: true,
  invoicing: { policy: 'ordered', automatic: true },
  fraudHold: { enabled: true, hours: 24, scope: 'flagged' },
  newOrderNotifications: defaultNewOrderNotifications,
};
