import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { project, type Actor, type Envelope } from '@ordersource/core';
import { sampleCheckout, command } from '../order/examples.js';
import type { OrdersModel } from '../order/projections/orders.js';
import { simulateOrder } from '../order/simulate.js';
import type { OrderState } from '../order/state.js';
import type { SubscriptionState } from '../subscriptions/state.js';
import { initialSubscriptionState } from '../subscriptions/state.js';
import { companyStreamId } from './company.js';
import { directoryProjection, type DirectoryEvent } from './directory.js';
import { customerStreamId } from './events.js';
import { mayActOnOrder, myCompanyOrders, myOrders, myReceipts, mySubscriptions } from './portal.js';

/**
 * CUS-3 as a law (1,000 runs): for random customers, companies whose
 * contacts are added and removed, accounts that took over guest orders,
 * orders and subscriptions, a customer reads and acts on exactly what is
 * hers, her linked guest orders, and what belongs to a company she is a
 * contact of *now*; the expected answer is computed here independently.
 */

const CUSTOMERS = ['c-0', 'c-1', 'c-2', 'c-3'];
const COMPANIES = ['co-0', 'co-1'];
const T0 = '2026-12-01T09:00:00Z';

const placed = simulateOrder([command('PlaceOrder', sampleCheckout(), T0, { kind: 'customer', id: 'c-1' })]);
if (E.isLeft(placed)) throw new Error(placed.left.error.message);
const base = placed.right.state;

type Doc = { customerId: string; companyId?: string };
const customerOf = (doc: Doc) => ({
  id: doc.customerId,
  name: doc.customerId,
  ...(doc.companyId === undefined ? {} : { companyId: doc.companyId }),
});
const orderState = (orderId: string, doc: Doc): OrderState => ({
  ...base,
  details: { ...(base.details as NonNullable<OrderState['details']>), orderId, customer: customerOf(doc) },
});

const docArb: fc.Arbitrary<Doc> = fc.record(
  { customerId: fc.constantFrom(...CUSTOMERS), companyId: fc.constantFrom(...COMPANIES) },
  { requiredKeys: ['customerId'] },
);
const contactOpArb = fc.record({
  add: fc.boolean(),
  companyId: fc.constantFrom(...COMPANIES),
  customerId: fc.constantFrom(...CUSTOMERS),
});
const linkArb = fc.record({ customerId: fc.constantFrom(...CUSTOMERS), orders: fc.subarray([0, 1, 2, 3, 4, 5, 6, 7]) });

let position = 0;
const envelope = (streamId: string, event: DirectoryEvent): Envelope<DirectoryEvent> => ({
  event,
  eventId: `e-${++position}`,
  streamId,
  streamVersion: 0,
  globalPosition: String(position),
  occurredAt: T0,
  recordedAt: T0,
  actor: { kind: 'system', id: 'law' },
  schemaVersion: 1,
});

describe('CUS-3: nobody reads or acts on what is not theirs', () => {
  it('portal lists and order commands follow ownership, linked guest orders and current membership', () => {
    fc.assert(
      fc.property(
        fc.array(docArb, { minLength: 1, maxLength: 8 }),
        fc.array(docArb, { maxLength: 4 }),
        fc.array(contactOpArb, { maxLength: 12 }),
        fc.array(linkArb, { maxLength: 2 }),
        (orderDocs, subscriptionDocs, contactOps, links) => {
          const events: Envelope<DirectoryEvent>[] = [];
          const members = new Map<string, boolean>();
          for (const op of contactOps) {
            members.set(`${op.companyId}|${op.customerId}`, op.add);
            events.push(
              envelope(companyStreamId(op.companyId), {
                type: op.add ? 'CompanyContactAdded' : 'CompanyContactRemoved',
                data: { at: T0, customerId: op.customerId },
              }),
            );
          }
          const linked = new Map<string, Set<string>>();
          for (const link of links) {
            const ids = link.orders.map((i) => `o-${i}`);
            linked.set(link.customerId, new Set(ids));
            events.push(
              envelope(customerStreamId(link.customerId), {
                type: 'AccountCreated',
                data: {
                  at: T0,
                  invitationId: 'inv',
                  name: 'n',
                  email: `${link.customerId}@example.com`,
                  passwordHash: 'h',
                  linkedOrderIds: ids,
                },
              }),
            );
          }
          const directory = project(directoryProjection, events);
          const orders: OrdersModel = { orders: {} };
          orderDocs.forEach((doc, i) => (orders.orders[`o-${i}`] = orderState(`o-${i}`, doc)));
          const subscriptions: Record<string, SubscriptionState> = {};
          subscriptionDocs.forEach(
            (doc, i) =>
              (subscriptions[`s-${i}`] = {
                ...initialSubscriptionState,
                status: 'in_progress',
                customer: customerOf(doc),
              }),
          );

          const member = (customerId: string, doc: Doc) =>
            doc.companyId !== undefined && members.get(`${doc.companyId}|${customerId}`) === true;
          for (const customerId of CUSTOMERS) {
            // A session may claim any company: the claim must change nothing.
            const actor: Actor = { kind: 'customer', id: customerId, companyId: 'co-0' };
            const mine = new Set(myOrders(orders, directory, actor).map((o) => o.orderId));
            const company = new Set(myCompanyOrders(orders, directory, actor).map((o) => o.orderId));
            orderDocs.forEach((doc, i) => {
              const id = `o-${i}`;
              const own = doc.customerId === customerId || linked.get(customerId)?.has(id) === true;
              const viaCompany = !own && member(customerId, doc);
              expect(mine.has(id)).toBe(own);
              expect(company.has(id)).toBe(viaCompany);
              const act = mayActOnOrder(directory, actor, 'CancelOrder', orders.orders[id] as OrderState);
              expect(E.isRight(act)).toBe(own || viaCompany);
              expect(E.isRight(mayActOnOrder(directory, actor, 'ShipOrder', orders.orders[id] as OrderState))).toBe(
                false,
              );
            });
            const receiptOrders = myReceipts(
              Object.fromEntries(Object.keys(orders.orders).map((id) => [id, [{ orderId: id } as never]])),
              orders,
              directory,
              actor,
            ).map((row) => (row as { orderId: string }).orderId);
            expect(new Set(receiptOrders)).toEqual(new Set([...mine, ...company]));
            const subs = new Set(mySubscriptions(subscriptions, directory, actor).map((s) => s.subscriptionId));
            subscriptionDocs.forEach((doc, i) =>
              expect(subs.has(`s-${i}`)).toBe(doc.customerId === customerId || member(customerId, doc)),
            );
          }
          for (const other of [
            { kind: 'admin', id: 'c-0' },
            { kind: 'provider', id: 'c-1' },
          ] as Actor[])
            expect(myOrders(orders, directory, other)).toEqual([]);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
