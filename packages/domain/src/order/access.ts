import * as E from 'fp-ts/lib/Either.js';
import { domainError, type Actor, type DomainError } from '@ordersource/core';
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
]);

/** CUS-2/CUS-3: the customer herself, or a contact of the company the order belongs to. */
export const customerMayAccess = (actor: Actor, customer: Customer): boolean =>
  actor.kind === 'customer' &&
  (actor.id === customer.id || (customer.companyId !== undefined && actor.companyId === customer.companyId));

/** Whether `actor` may send `type` to an order of `customer` (null before the order exists). */
export const authorize = (
  actor: Actor,
  type: OrderCommandType,
  customer: Customer | null,
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
      if (customer !== null && !customerMayAccess(actor, customer))
        return E.left(domainError('forbidden', 'this order belongs to another customer'));
      return E.right(undefined);
  }
};
