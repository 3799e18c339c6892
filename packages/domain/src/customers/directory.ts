import type { Draft } from 'immer';
import type { Actor, Envelope, Projection } from '@ordersource/core';
import { createEnvelopeDecoder } from '@ordersource/core';
import type { Customer } from '../order/values.js';
import { COMPANY_STREAM_PREFIX, CompanyEventCodec, type CompanyEvent } from './company.js';
import { CUSTOMER_STREAM_PREFIX, CustomerEventCodec, type CustomerEvent } from './events.js';

/**
 * Who belongs to what, folded from the customer and company streams: the
 * company contacts (CUS-2), the guest orders each account took over (CUS-1),
 * and the guest orders per e-mail not yet taken (what an accepted invitation
 * links). Access reads company membership from here, not from the session's
 * `actor.companyId`, so removing a contact takes effect at once.
 *
 * `order/access.ts` (`customerMayAccess`, `authorize`) reads membership from
 * here too: the order decider takes the directory through `orderDeciderWith`.
 */

export type Directory = {
  /** companyId -> its current contacts. */
  contacts: Record<string, string[]>;
  /** customerId -> guest orders (under other ids) her account took over. */
  linked: Record<string, string[]>;
  /** lower-case e-mail -> guest orders with it that no account took yet. */
  guestOrdersByEmail: Record<string, string[]>;
  /** Customers who have an account: their later orders are not anyone's guest orders. */
  accounts: Record<string, true>;
};

export const emptyDirectory: Directory = { contacts: {}, linked: {}, guestOrdersByEmail: {}, accounts: {} };

export type DirectoryEvent = CustomerEvent | CompanyEvent;

const customerDecode = createEnvelopeDecoder(CustomerEventCodec);
const companyDecode = createEnvelopeDecoder(CompanyEventCodec);

const key = (email: string): string => email.trim().toLowerCase();

const addGuestOrder = (draft: Draft<Directory>, customerId: string, orderId: string, email?: string): void => {
  if (email === undefined || draft.accounts[customerId] === true) return;
  const list = (draft.guestOrdersByEmail[key(email)] ??= []);
  if (!list.includes(orderId)) list.push(orderId);
};

export const evolveDirectory = (draft: Draft<Directory>, envelope: Envelope<DirectoryEvent>): void => {
  const { event, streamId } = envelope;
  const customerId = streamId.slice(CUSTOMER_STREAM_PREFIX.length);
  const companyId = streamId.slice(COMPANY_STREAM_PREFIX.length);
  switch (event.type) {
    case 'GuestCustomerCreated':
    case 'CustomerOrderRecorded':
      addGuestOrder(draft, customerId, event.data.orderId, event.data.email);
      return;
    case 'AccountCreated': {
      draft.accounts[customerId] = true;
      draft.linked[customerId] = [...event.data.linkedOrderIds];
      const taken = new Set(event.data.linkedOrderIds);
      const list = draft.guestOrdersByEmail[key(event.data.email)];
      if (list !== undefined) draft.guestOrdersByEmail[key(event.data.email)] = list.filter((id) => !taken.has(id));
      return;
    }
    case 'CompanyContactAdded': {
      const list = (draft.contacts[companyId] ??= []);
      if (!list.includes(event.data.customerId)) list.push(event.data.customerId);
      return;
    }
    case 'CompanyContactRemoved':
      draft.contacts[companyId] = (draft.contacts[companyId] ?? []).filter((id) => id !== event.data.customerId);
      return;
    default:
      return;
  }
};

export const directoryProjection: Projection<Directory, DirectoryEvent> = {
  name: 'customers.directory',
  initialState: emptyDirectory,
  evolve: evolveDirectory,
  // One prefix per filter: the event types it reads occur in customer and company streams only.
  filter: {
    eventTypes: [
      'GuestCustomerCreated',
      'CustomerOrderRecorded',
      'AccountCreated',
      'CompanyContactAdded',
      'CompanyContactRemoved',
    ],
  },
  decode: (envelope) =>
    envelope.streamId.startsWith(COMPANY_STREAM_PREFIX) ? companyDecode(envelope) : customerDecode(envelope),
};

/** How a document is the viewer's: her own, taken over from a guest checkout, or her company's. */
export type Via = 'own' | 'linked' | 'company';

/**
 * CUS-2/CUS-3: why `actor` may see a document of `customer` (an order, or a
 * subscription with `orderId` undefined), or undefined when she may not.
 * Only customers are scoped here; the shop's own views are not portal views.
 */
export const accessVia = (
  directory: Directory,
  actor: Actor,
  customer: Customer,
  orderId?: string,
): Via | undefined => {
  if (actor.kind !== 'customer') return undefined;
  if (actor.id === customer.id) return 'own';
  if (orderId !== undefined && directory.linked[actor.id]?.includes(orderId) === true) return 'linked';
  if (customer.companyId !== undefined && directory.contacts[customer.companyId]?.includes(actor.id) === true)
    return 'company';
  return undefined;
};

export const mayAccess = (directory: Directory, actor: Actor, customer: Customer, orderId?: string): boolean =>
  accessVia(directory, actor, customer, orderId) !== undefined;

/** The guest orders an invitation accepted with this e-mail would link (`AcceptInvitation.guestOrderIds`). */
export const guestOrdersFor = (directory: Directory, email: string): readonly string[] =>
  directory.guestOrdersByEmail[key(email)] ?? [];
