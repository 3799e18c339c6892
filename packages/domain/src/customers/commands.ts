import * as t from 'io-ts';
import { commandCodec, decodeByType, IsoInstant, NonEmptyString, type Command } from '@ordersource/core';
import { AddressCodec } from '../order/values.js';
import { PasswordHashCodec, TokenHashCodec } from './values.js';

/**
 * Commands of a customer stream, decoded at the boundary with
 * `decodeCustomerCommand`: every failing field named with its rule, every
 * undeclared key (at any depth) named as an unknown field. Tokens arrive
 * hashed and passwords hashed: the adapter (`@ordersource/accounts`) makes
 * the randomness and the hashes, the core only compares and records.
 */

const optional = <P extends t.Props>(props: P) => t.exact(t.partial(props));

/** Sent by the guest-customer reactor for every placed order (CUS-1). */
export const RecordCustomerOrderData = t.intersection(
  [
    t.strict({ customerId: NonEmptyString, name: NonEmptyString, orderId: NonEmptyString }),
    optional({ email: NonEmptyString }),
  ],
  'RecordCustomerOrderData',
);
export const InviteToAccountData = t.strict(
  { invitationId: NonEmptyString, tokenHash: TokenHashCodec, expiresAt: IsoInstant },
  'InviteToAccountData',
);
/**
 * `guestOrderIds`: guest orders placed under other guest ids with the same
 * e-mail, as the `guestOrdersByEmail` projection lists them; the decider adds
 * the stream's own orders with that e-mail.
 */
export const AcceptInvitationData = t.intersection(
  [
    t.strict({ tokenHash: TokenHashCodec, name: NonEmptyString, passwordHash: PasswordHashCodec }),
    optional({ guestOrderIds: t.array(NonEmptyString) }),
  ],
  'AcceptInvitationData',
);
/** The adapter compared the password with the stored hash; the decider records the attempt and locks. */
export const RecordLoginAttemptData = t.strict({ passwordMatched: t.boolean }, 'RecordLoginAttemptData');
export const ChangePasswordData = t.strict({ passwordHash: PasswordHashCodec }, 'ChangePasswordData');
export const RequestPasswordResetData = t.strict(
  { resetId: NonEmptyString, tokenHash: TokenHashCodec, expiresAt: IsoInstant },
  'RequestPasswordResetData',
);
export const ResetPasswordData = t.strict(
  { tokenHash: TokenHashCodec, passwordHash: PasswordHashCodec },
  'ResetPasswordData',
);
export const ChangeMainBillingAddressData = t.strict({ address: AddressCodec }, 'ChangeMainBillingAddressData');
export const IssueOrderAccessTokenData = t.strict(
  { orderId: NonEmptyString, tokenId: NonEmptyString, tokenHash: TokenHashCodec },
  'IssueOrderAccessTokenData',
);
export const RevokeOrderAccessTokenData = t.strict({ tokenId: NonEmptyString }, 'RevokeOrderAccessTokenData');

export type RecordCustomerOrder = Command<'RecordCustomerOrder', t.TypeOf<typeof RecordCustomerOrderData>>;
export type InviteToAccount = Command<'InviteToAccount', t.TypeOf<typeof InviteToAccountData>>;
export type AcceptInvitation = Command<'AcceptInvitation', t.TypeOf<typeof AcceptInvitationData>>;
export type RecordLoginAttempt = Command<'RecordLoginAttempt', t.TypeOf<typeof RecordLoginAttemptData>>;
export type ChangePassword = Command<'ChangePassword', t.TypeOf<typeof ChangePasswordData>>;
export type RequestPasswordReset = Command<'RequestPasswordReset', t.TypeOf<typeof RequestPasswordResetData>>;
export type ResetPassword = Command<'ResetPassword', t.TypeOf<typeof ResetPasswordData>>;
export type ChangeMainBillingAddress = Command<
  'ChangeMainBillingAddress',
  t.TypeOf<typeof ChangeMainBillingAddressData>
>;
export type IssueOrderAccessToken = Command<'IssueOrderAccessToken', t.TypeOf<typeof IssueOrderAccessTokenData>>;
export type RevokeOrderAccessToken = Command<'RevokeOrderAccessToken', t.TypeOf<typeof RevokeOrderAccessTokenData>>;

export type CustomerCommand =
  | RecordCustomerOrder
  | InviteToAccount
  | AcceptInvitation
  | RecordLoginAttempt
  | ChangePassword
  | RequestPasswordReset
  | ResetPassword
  | ChangeMainBillingAddress
  | IssueOrderAccessToken
  | RevokeOrderAccessToken;

export type CustomerCommandType = CustomerCommand['type'];

const codecs = [
  commandCodec('RecordCustomerOrder', RecordCustomerOrderData),
  commandCodec('InviteToAccount', InviteToAccountData),
  commandCodec('AcceptInvitation', AcceptInvitationData),
  commandCodec('RecordLoginAttempt', RecordLoginAttemptData),
  commandCodec('ChangePassword', ChangePasswordData),
  commandCodec('RequestPasswordReset', RequestPasswordResetData),
  commandCodec('ResetPassword', ResetPasswordData),
  commandCodec('ChangeMainBillingAddress', ChangeMainBillingAddressData),
  commandCodec('IssueOrderAccessToken', IssueOrderAccessTokenData),
  commandCodec('RevokeOrderAccessToken', RevokeOrderAccessTokenData),
];

/** Unknown keys are named as unknown fields; never throws, whatever the input. */
export const decodeCustomerCommand = decodeByType(
  'customer command',
  codecs as unknown as readonly t.Type<CustomerCommand, unknown, unknown>[],
  'CustomerCommandType',
);
