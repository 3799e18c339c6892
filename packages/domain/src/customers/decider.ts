import * as E from 'fp-ts/lib/Either.js';
import { domainError, type Actor, type Decider, type DomainError } from '@ordersource/core';
import type { CustomerCommand, CustomerCommandType } from './commands.js';
import type { CustomerEvent } from './events.js';
import type { CustomerSettings } from './settings.js';
import { evolveCustomer, initialCustomerState, isLocked, type CustomerState, type PendingToken } from './state.js';
import { isBefore, plusSeconds, sameEmail } from './values.js';

/**
 * CUS-1..CUS-3 for one `customer-<id>` stream (seed 000, Odoo eCommerce).
 * The first order creates a guest; the confirmation invites her to create an
 * account (never required before buying); accepting the single-use
 * invitation before it expires creates the account and takes over her guest
 * orders with that e-mail. Logins are recorded as they happened and lock the
 * account after too many failures in a row; a password is changed, or reset
 * by a single-use token. Tokens and passwords arrive hashed: the core has no
 * clock, no randomness and no hashing.
 */

type Decision = E.Either<DomainError, readonly CustomerEvent[]>;
const fail = (code: string, message: string, details?: Readonly<Record<string, unknown>>): Decision =>
  E.left(domainError(code, message, details));
const ok = (...events: CustomerEvent[]): Decision => E.right(events);

const staff = (actor: Actor): boolean => actor.kind === 'admin' || actor.kind === 'system';

/** Commands a logged-in customer may send to her own stream; the rest come from the shop or the accounts adapter. */
const SELF_SERVICE: ReadonlySet<CustomerCommandType> = new Set<CustomerCommandType>([
  'ChangePassword',
  'ChangeMainBillingAddress',
  'IssueOrderAccessToken',
  'RevokeOrderAccessToken',
]);
/** Only the adapter that compared the password (or the token) may say how it went; an admin may not either. */
const SYSTEM_ONLY: ReadonlySet<CustomerCommandType> = new Set<CustomerCommandType>([
  'RecordLoginAttempt',
  'AcceptInvitation',
  'ResetPassword',
]);

const authorize = (actor: Actor, type: CustomerCommandType, state: CustomerState): Decision | undefined => {
  if (actor.kind === 'system') return undefined;
  if (SYSTEM_ONLY.has(type))
    return fail('forbidden', `only the accounts service sends ${type}, not a ${actor.kind}`, { actor: actor.id });
  if (actor.kind === 'admin') return undefined;
  if (
    actor.kind === 'customer' &&
    SELF_SERVICE.has(type) &&
    actor.id === state.customerId &&
    state.status === 'account'
  )
    return undefined;
  return fail('forbidden', `a ${actor.kind} (${actor.id}) may not send ${type} to customer ${state.customerId}`, {
    actor: actor.id,
    customerId: state.customerId,
  });
};

/** The token must be the open one, unused, and `at` before its expiry. */
const checkToken = (
  what: string,
  token: PendingToken | undefined,
  tokenHash: string,
  at: string,
): Decision | undefined => {
  if (token === undefined || token.tokenHash !== tokenHash)
    return fail(`${what}-invalid`, `this ${what} link is not valid (unknown or replaced)`);
  if (token.used) return fail(`${what}-used`, `${what} ${token.id} was used already`, { id: token.id });
  if (!isBefore(at, token.expiresAt))
    return fail(`${what}-expired`, `${what} ${token.id} expired at ${token.expiresAt} (now ${at})`, {
      id: token.id,
      expiresAt: token.expiresAt,
      at,
    });
  return undefined;
};

const checkExpiry = (settings: CustomerSettings, at: string, expiresAt: string): Decision | undefined => {
  if (!isBefore(at, expiresAt)) return fail('expiry-not-after-now', `expiresAt ${expiresAt} is not after ${at}`);
  const latest = plusSeconds(at, settings.maxTokenLifetimeSeconds);
  if (isBefore(latest, expiresAt))
    return fail(
      'expiry-too-far',
      `expiresAt ${expiresAt} is after ${latest} (tokens live at most ${settings.maxTokenLifetimeSeconds} s)`,
      { expiresAt, latest },
    );
  return undefined;
};

const decideWith = (settings: CustomerSettings, command: CustomerCommand, state: CustomerState): Decision => {
  const { at } = command.metadata;
  if (command.type === 'RecordCustomerOrder') {
    if (!staff(command.metadata.actor))
      return fail('forbidden', `orders reach a customer's stream from the shop, not a ${command.metadata.actor.kind}`);
    const { customerId, name, orderId, email } = command.data;
    const mail = email === undefined ? {} : { email };
    if (state.status === 'none')
      return ok({ type: 'GuestCustomerCreated', data: { at, customerId, name, orderId, ...mail } });
    if (customerId !== state.customerId)
      return fail('customer-mismatch', `order ${orderId} is for ${customerId}, this stream is ${state.customerId}`);
    // The reactor runs at least once: the same order again is a no-op.
    if (state.orders.some((order) => order.orderId === orderId)) return ok();
    return ok({ type: 'CustomerOrderRecorded', data: { at, orderId, ...mail } });
  }
  if (state.status === 'none') return fail('customer-not-found', 'no such customer');
  const refused = authorize(command.metadata.actor, command.type, state);
  if (refused !== undefined) return refused;

  switch (command.type) {
    case 'InviteToAccount': {
      if (state.status === 'account') return fail('account-exists', `customer ${state.customerId} has an account`);
      if (state.email === undefined)
        return fail('email-required', `customer ${state.customerId} gave no e-mail to invite`);
      const { invitationId, tokenHash, expiresAt } = command.data;
      const bad = checkExpiry(settings, at, expiresAt);
      if (bad !== undefined) return bad;
      return ok({
        type: 'AccountInvitationIssued',
        data: { at, invitationId, email: state.email, tokenHash, expiresAt },
      });
    }
    case 'AcceptInvitation': {
      const bad = checkToken('invitation', state.invitation, command.data.tokenHash, at);
      if (bad !== undefined) return bad;
      if (state.status === 'account') return fail('account-exists', `customer ${state.customerId} has an account`);
      const email = state.email ?? '';
      const invitation = state.invitation as PendingToken;
      const own = state.orders.filter((order) => sameEmail(order.email, email)).map((order) => order.orderId);
      const mine = new Set(state.orders.map((order) => order.orderId));
      const others = (command.data.guestOrderIds ?? []).filter((id) => !mine.has(id));
      return ok({
        type: 'AccountCreated',
        data: {
          at,
          invitationId: invitation.id,
          name: command.data.name,
          email,
          passwordHash: command.data.passwordHash,
          linkedOrderIds: [...new Set([...own, ...others])],
        },
      });
    }
    case 'RecordLoginAttempt': {
      if (state.status !== 'account') return fail('no-account', `customer ${state.customerId} has no account yet`);
      if (isLocked(state, at))
        // A try during a lock is a fact too; it does not prolong the lock.
        return ok({
          type: 'LoginFailed',
          data: { at, reason: 'locked', consecutiveFailures: settings.maxFailedLogins },
        });
      if (command.data.passwordMatched) return ok({ type: 'LoginSucceeded', data: { at } });
      const failures = state.consecutiveFailures + 1;
      const failed: CustomerEvent = {
        type: 'LoginFailed',
        data: { at, reason: 'wrong-password', consecutiveFailures: failures },
      };
      return failures < settings.maxFailedLogins
        ? ok(failed)
        : ok(failed, {
            type: 'AccountLocked',
            data: { at, until: plusSeconds(at, settings.lockoutSeconds), failures },
          });
    }
    case 'ChangePassword':
      if (state.status !== 'account') return fail('no-account', `customer ${state.customerId} has no account yet`);
      return ok({ type: 'PasswordChanged', data: { at, passwordHash: command.data.passwordHash, via: 'change' } });
    case 'RequestPasswordReset': {
      if (state.status !== 'account') return fail('no-account', `customer ${state.customerId} has no account yet`);
      const bad = checkExpiry(settings, at, command.data.expiresAt);
      if (bad !== undefined) return bad;
      return ok({ type: 'PasswordResetRequested', data: { at, ...command.data } });
    }
    case 'ResetPassword': {
      if (state.status !== 'account') return fail('no-account', `customer ${state.customerId} has no account yet`);
      const bad = checkToken('reset', state.reset, command.data.tokenHash, at);
      if (bad !== undefined) return bad;
      const resetId = (state.reset as PendingToken).id;
      return ok({
        type: 'PasswordChanged',
        data: { at, passwordHash: command.data.passwordHash, via: 'reset', resetId },
      });
    }
    case 'ChangeMainBillingAddress':
      return ok({ type: 'MainBillingAddressChanged', data: { at, address: command.data.address } });
    case 'IssueOrderAccessToken': {
      const { orderId, tokenId, tokenHash } = command.data;
      if (!state.orders.some((order) => order.orderId === orderId) && !state.linkedOrderIds.includes(orderId))
        return fail('unknown-order', `order ${orderId} is not an order of customer ${state.customerId}`, { orderId });
      if (state.orderTokens[tokenId] !== undefined)
        return fail('duplicate-id', `token ${tokenId} exists already`, { tokenId });
      return ok({ type: 'OrderAccessTokenIssued', data: { at, orderId, tokenId, tokenHash } });
    }
    case 'RevokeOrderAccessToken': {
      const token = state.orderTokens[command.data.tokenId];
      if (token === undefined)
        return fail('unknown-token', `no order access token ${command.data.tokenId}`, {
          tokenId: command.data.tokenId,
        });
      if (token.revoked) return ok();
      return ok({
        type: 'OrderAccessTokenRevoked',
        data: { at, orderId: token.orderId, tokenId: command.data.tokenId },
      });
    }
  }
};

/** CUS-1..CUS-3: the pure decision for one shop's account rules. */
export const decideCustomer =
  (settings: CustomerSettings) =>
  (command: CustomerCommand, state: CustomerState): Decision =>
    decideWith(settings, command, state);

/** The customer decider for one shop's settings. */
export const customerDecider = (
  settings: CustomerSettings,
): Decider<CustomerCommand, CustomerEvent, CustomerState> => ({
  initialState: initialCustomerState,
  decide: decideCustomer(settings),
  evolve: evolveCustomer,
});
