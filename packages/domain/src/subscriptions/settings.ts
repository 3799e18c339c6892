import * as t from 'io-ts';
import { NonEmptyString } from '@ordersource/core';

/** SUB-5: the shop's configured close reasons (Odoo: Subscriptions > Configuration > Close Reasons). */
export const ConfiguredCloseReasonCodec = t.strict(
  { code: NonEmptyString, label: NonEmptyString },
  'ConfiguredCloseReason',
);
export const SubscriptionSettingsCodec = t.strict(
  { closeReasons: t.array(ConfiguredCloseReasonCodec) },
  'SubscriptionSettings',
);
export type SubscriptionSettings = t.TypeOf<typeof SubscriptionSettingsCodec>;

/** A starting list, like the one Odoo ships. */
export const defaultSubscriptionSettings: SubscriptionSettings = {
  closeReasons: [
    { code: 'too-expensive', label: 'Subscription is too expensive' },
    { code: 'not-used', label: 'I don’t use it' },
    { code: 'missing-features', label: 'Missing features' },
    { code: 'other-product', label: 'Moved to another product' },
  ],
};
