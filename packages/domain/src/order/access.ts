import * as E from 'fp-ts/lib/Either.js';
import { domainError, type Actor, type DomainError } from '@ordersource/core';
import { emptyDirectory, mayAccess, type Directory } from '../customers/directory.js';
import type { OrderCommandType } from './commands.js';
import type { Customer } from './values.js';

/**
 * Who may do what (CUS-3). Admins and the system may send any command.
 * Customers may only act on their own orders (or, as a company contact, on
 * their company's), and only through the few commands a storefront offers.
 * Payment providers may only report payment outcomes.
 */

const CUSTOMER_COMMANDS: ReadonlySet<OrderCommandType> = new Set<OrderCommandType>([
  'PlaceOrder',
  'CancelOrder',
  'RequestPayment',
  'ChangeBillingAddress',
]);

const PROVIDER_COMMANDS: ReadonlySet<OrderCommandType> = new Set<OrderCommandType>([
  'AuthorizePayment',
  'RecordSale',
  'CapturePayment',
  'VoidPayment',
  'ExpirePayment',
  'FailPayment',
  'RefundPayment',
  // Issue 9.3: asynchronous outcomes.
  'RequireCustomerAction',
  'FailCapture',
  'ConfirmRefund',
  'FailRefund',
  'ReverseRefund',
  'OpenDispute',
  'CloseDispute',
]);

/**
 * CUS-2/CUS-3: the customer herself, a contact of the company the order
 * belongs to, or the account that took the guest order over. Membership is
 * read from the directory (customers/directory.ts): what the shop recorded,
 * never the session's `actor.companyId`, which a removed contact may still
 * carry. Without a directory only the customer herself has access.
 */
export const customerMayAccess = (
  actor: Actor,
  customer: Customer,
  directory: Directory = emptyDirectory,
  orderId?: string,
): boolean => mayAccess(directory, actor, customer, orderId);

/**
 * Whether `actor` may send `type` to an order of `customer` (null before the
 * order exists); `directory` and `orderId` as for `customerMayAccess`.
 */
export const authorize = (
  actor: Actor,
  type: OrderCommandType,
  customer: Customer | null,
  directory: Directory = emptyDirectory,
  orderId?: string,
): E.Either<DomainError, void> => {
  switch (actor.kind) {
    case 'admin':
    case 'system':
      return E.right(undefined);
    case 'provider':
      return PROVIDER_COMMANDS.has(type)
        ? E.right(undefined)
        : E.left(domainError('forbidden', `a payment provider may not send ${type}`));
    case 'customer':
      if (!CUSTOMER_COMMANDS.has(type)) return E.left(domainError('forbidden', `a customer may not send ${type}`));
      if (customer !== null && !customerMayAccess(actor, customer, directory, orderId))
        return E.left(domainError('forbidden', 'this order belongs to another customer'));
      return E.right(undefined);
  }
};
