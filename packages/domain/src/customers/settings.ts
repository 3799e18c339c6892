import * as t from 'io-ts';
import { PositiveInt } from '@ordersource/core';

/**
 * CUS-1: the shop's account rules. Bound when the decider is made, so decide
 * stays pure. `maxFailedLogins` consecutive failures lock the account for
 * `lockoutSeconds`; `maxTokenLifetimeSeconds` caps how far in the future an
 * invitation or reset token may expire (a token that lives for a year is a
 * password in an e-mail).
 */
export const CustomerSettingsCodec = t.strict(
  { maxFailedLogins: PositiveInt, lockoutSeconds: PositiveInt, maxTokenLifetimeSeconds: PositiveInt },
  'CustomerSettings',
);
export type CustomerSettings = t.TypeOf<typeof CustomerSettingsCodec>;

/** Five tries, a quarter of an hour; invitations and resets live at most 7 days. */
export const defaultCustomerSettings: CustomerSettings = {
  maxFailedLogins: 5,
  lockoutSeconds: 15 * 60,
  maxTokenLifetimeSeconds: 7 * 24 * 3600,
};
