import type { Draft } from 'immer';
import type { Address } from '../order/values.js';
import type { CustomerEvent } from './events.js';

/** A single-use token: its hash, its expiry, and whether it was used. */
export type PendingToken = Readonly<{ id: string; tokenHash: string; expiresAt: string; used: boolean }>;

export type CustomerOrderRef = Readonly<{ orderId: string; email?: string }>;

export type CustomerState = Readonly<{
  status: 'none' | 'guest' | 'account';
  customerId: string;
  name: string;
  /** The e-mail of her latest order while a guest; the account's e-mail once she has one. */
  email?: string;
  /** Orders placed under this customer id, in order. */
  orders: readonly CustomerOrderRef[];
  /** Guest orders (under other guest ids) the account took over when it was created (CUS-1). */
  linkedOrderIds: readonly string[];
  invitation?: PendingToken;
  passwordHash?: string;
  consecutiveFailures: number;
  lockedUntil?: string;
  reset?: PendingToken;
  mainBillingAddress?: Address;
  /** tokenId -> the order's access token (hash only). */
  orderTokens: Readonly<Record<string, Readonly<{ orderId: string; tokenHash: string; revoked: boolean }>>>;
}>;

export const initialCustomerState: CustomerState = {
  status: 'none',
  customerId: '',
  name: '',
  orders: [],
  linkedOrderIds: [],
  consecutiveFailures: 0,
  orderTokens: {},
};

const ref = (orderId: string, email: string | undefined): CustomerOrderRef =>
  email === undefined ? { orderId } : { orderId, email };

export const evolveCustomer = (draft: Draft<CustomerState>, event: CustomerEvent): void => {
  switch (event.type) {
    case 'GuestCustomerCreated':
      draft.status = 'guest';
      draft.customerId = event.data.customerId;
      draft.name = event.data.name;
      if (event.data.email !== undefined) draft.email = event.data.email;
      draft.orders.push(ref(event.data.orderId, event.data.email));
      return;
    case 'CustomerOrderRecorded':
      draft.orders.push(ref(event.data.orderId, event.data.email));
      if (draft.status === 'guest' && event.data.email !== undefined) draft.email = event.data.email;
      return;
    case 'AccountInvitationIssued':
      // A new invitation replaces the old one: only the latest link works.
      draft.invitation = {
        id: event.data.invitationId,
        tokenHash: event.data.tokenHash,
        expiresAt: event.data.expiresAt,
        used: false,
      };
      return;
    case 'AccountCreated':
      draft.status = 'account';
      draft.name = event.data.name;
      draft.email = event.data.email;
      draft.passwordHash = event.data.passwordHash;
      draft.linkedOrderIds = [...event.data.linkedOrderIds];
      if (draft.invitation !== undefined) draft.invitation.used = true;
      return;
    case 'LoginSucceeded':
      draft.consecutiveFailures = 0;
      return;
    case 'LoginFailed':
      if (event.data.reason === 'wrong-password') draft.consecutiveFailures = event.data.consecutiveFailures;
      return;
    case 'AccountLocked':
      // The lock takes over the count: after it ends she has the full number of tries again.
      draft.lockedUntil = event.data.until;
      draft.consecutiveFailures = 0;
      return;
    case 'PasswordResetRequested':
      draft.reset = {
        id: event.data.resetId,
        tokenHash: event.data.tokenHash,
        expiresAt: event.data.expiresAt,
        used: false,
      };
      return;
    case 'PasswordChanged':
      draft.passwordHash = event.data.passwordHash;
      if (event.data.via === 'reset') {
        // Proving the mailbox ends a lock; the token is spent.
        if (draft.reset !== undefined) draft.reset.used = true;
        delete draft.lockedUntil;
        draft.consecutiveFailures = 0;
      }
      return;
    case 'MainBillingAddressChanged':
      draft.mainBillingAddress = { ...event.data.address };
      return;
    case 'OrderAccessTokenIssued':
      draft.orderTokens[event.data.tokenId] = {
        orderId: event.data.orderId,
        tokenHash: event.data.tokenHash,
        revoked: false,
      };
      return;
    case 'OrderAccessTokenRevoked': {
      const token = draft.orderTokens[event.data.tokenId];
      if (token !== undefined) token.revoked = true;
      return;
    }
  }
};

/** Whether the account is locked at `at` (the lock ends by itself when its time has passed). */
export const isLocked = (state: CustomerState, at: string): boolean =>
  state.lockedUntil !== undefined && Date.parse(at) < Date.parse(state.lockedUntil);

/** The guest order-status page: does `tokenHash` open `orderId`? Revoked tokens open nothing. */
export const orderTokenOpens = (state: CustomerState, orderId: string, tokenHash: string): boolean =>
  Object.values(state.orderTokens).some(
    (token) => !token.revoked && token.orderId === orderId && token.tokenHash === tokenHash,
  );
