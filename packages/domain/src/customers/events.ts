import * as t from 'io-ts';
import { eventCodec, IsoInstant, NonEmptyString, PositiveInt, type Event } from '@ordersource/core';
import { AddressCodec } from '../order/values.js';
import { PasswordHashCodec, TokenHashCodec } from './values.js';

/**
 * The events of one `customer-<id>` stream (seed 000, Odoo eCommerce: an
 * account is offered after ordering, never before). Stored streams depend on
 * these shapes: add optional fields, never change existing ones.
 */

const optional = <P extends t.Props>(props: P) => t.exact(t.partial(props));

/** CUS-1: the first order created the customer, as a guest (no account, no password). */
export const GuestCustomerCreatedData = t.intersection(
  [
    t.strict({ at: IsoInstant, customerId: NonEmptyString, name: NonEmptyString, orderId: NonEmptyString }),
    optional({ email: NonEmptyString }),
  ],
  'GuestCustomerCreatedData',
);

/** CUS-2: a later order of the same customer (her history). */
export const CustomerOrderRecordedData = t.intersection(
  [t.strict({ at: IsoInstant, orderId: NonEmptyString }), optional({ email: NonEmptyString })],
  'CustomerOrderRecordedData',
);

/** CUS-1: the order confirmation invited her to create an account; only the token's hash is kept. */
export const AccountInvitationIssuedData = t.strict(
  {
    at: IsoInstant,
    invitationId: NonEmptyString,
    email: NonEmptyString,
    tokenHash: TokenHashCodec,
    expiresAt: IsoInstant,
  },
  'AccountInvitationIssuedData',
);

/**
 * CUS-1: the invitation was accepted. `linkedOrderIds` are the guest orders
 * with this e-mail that the account took over at that moment: a recorded
 * fact, so what the account shows does not change when an address changes
 * later, or when a stranger later checks out as a guest with the same e-mail.
 */
export const AccountCreatedData = t.strict(
  {
    at: IsoInstant,
    invitationId: NonEmptyString,
    name: NonEmptyString,
    email: NonEmptyString,
    passwordHash: PasswordHashCodec,
    linkedOrderIds: t.array(NonEmptyString),
  },
  'AccountCreatedData',
);

/** A login attempt, as it happened. `reason` says why a failure failed. */
export const LoginSucceededData = t.strict({ at: IsoInstant }, 'LoginSucceededData');
export const LoginFailedData = t.strict(
  {
    at: IsoInstant,
    reason: t.keyof({ 'wrong-password': null, locked: null }),
    consecutiveFailures: PositiveInt,
  },
  'LoginFailedData',
);
export const AccountLockedData = t.strict(
  { at: IsoInstant, until: IsoInstant, failures: PositiveInt },
  'AccountLockedData',
);

export const PasswordResetRequestedData = t.strict(
  { at: IsoInstant, resetId: NonEmptyString, tokenHash: TokenHashCodec, expiresAt: IsoInstant },
  'PasswordResetRequestedData',
);
export const PasswordChangedData = t.intersection(
  [
    t.strict({ at: IsoInstant, passwordHash: PasswordHashCodec, via: t.keyof({ change: null, reset: null }) }),
    optional({ resetId: NonEmptyString }),
  ],
  'PasswordChangedData',
);

/** CUS-2 ("My Account"): the main billing address. Orders keep the address they were placed with. */
export const MainBillingAddressChangedData = t.strict(
  { at: IsoInstant, address: AddressCodec },
  'MainBillingAddressChangedData',
);

/** The guest order-status page's key (Shopify's order status URL): its hash, per order, revocable. */
export const OrderAccessTokenIssuedData = t.strict(
  { at: IsoInstant, orderId: NonEmptyString, tokenId: NonEmptyString, tokenHash: TokenHashCodec },
  'OrderAccessTokenIssuedData',
);
export const OrderAccessTokenRevokedData = t.strict(
  { at: IsoInstant, orderId: NonEmptyString, tokenId: NonEmptyString },
  'OrderAccessTokenRevokedData',
);

export const CustomerEventCodec = t.union(
  [
    eventCodec('GuestCustomerCreated', GuestCustomerCreatedData),
    eventCodec('CustomerOrderRecorded', CustomerOrderRecordedData),
    eventCodec('AccountInvitationIssued', AccountInvitationIssuedData),
    eventCodec('AccountCreated', AccountCreatedData),
    eventCodec('LoginSucceeded', LoginSucceededData),
    eventCodec('LoginFailed', LoginFailedData),
    eventCodec('AccountLocked', AccountLockedData),
    eventCodec('PasswordResetRequested', PasswordResetRequestedData),
    eventCodec('PasswordChanged', PasswordChangedData),
    eventCodec('MainBillingAddressChanged', MainBillingAddressChangedData),
    eventCodec('OrderAccessTokenIssued', OrderAccessTokenIssuedData),
    eventCodec('OrderAccessTokenRevoked', OrderAccessTokenRevokedData),
  ],
  'CustomerEvent',
);

type Data<C extends t.Any> = t.TypeOf<C>;
export type CustomerEvent =
  | Event<'GuestCustomerCreated', Data<typeof GuestCustomerCreatedData>>
  | Event<'CustomerOrderRecorded', Data<typeof CustomerOrderRecordedData>>
  | Event<'AccountInvitationIssued', Data<typeof AccountInvitationIssuedData>>
  | Event<'AccountCreated', Data<typeof AccountCreatedData>>
  | Event<'LoginSucceeded', Data<typeof LoginSucceededData>>
  | Event<'LoginFailed', Data<typeof LoginFailedData>>
  | Event<'AccountLocked', Data<typeof AccountLockedData>>
  | Event<'PasswordResetRequested', Data<typeof PasswordResetRequestedData>>
  | Event<'PasswordChanged', Data<typeof PasswordChangedData>>
  | Event<'MainBillingAddressChanged', Data<typeof MainBillingAddressChangedData>>
  | Event<'OrderAccessTokenIssued', Data<typeof OrderAccessTokenIssuedData>>
  | Event<'OrderAccessTokenRevoked', Data<typeof OrderAccessTokenRevokedData>>;

export type CustomerEventType = CustomerEvent['type'];

export const CUSTOMER_STREAM_PREFIX = 'customer-';
export const customerStreamId = (customerId: string): string => `${CUSTOMER_STREAM_PREFIX}${customerId}`;
