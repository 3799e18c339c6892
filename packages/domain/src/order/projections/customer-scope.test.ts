import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { project, type Actor, type Envelope } from '@ordersource/core';
import { emptyDirectory, type Directory } from '../../customers/directory.js';
import { orderDecider } from '../decider.js';
import { orderStreamId, type OrderEvent } from '../events.js';
import { command, sampleCheckout } from '../examples.js';
import { customerOrder, customerOrders, customerStatusHistory } from './customer-orders.js';
import { ordersProjection } from './orders.js';
import { statusHistoryProjection } from './status-history.js';

/**
 * CUS-3 as a property: whatever orders exist, for whichever customers and
 * companies, a customer query returns only the asking customer's own orders
 * or those of the companies the shop recorded her as a contact of (the
 * directory), whatever company her session claims.
 */
const CUSTOMERS = ['c-1', 'c-2', 'c-3', 'c-4'];
const COMPANIES = [undefined, 'acme', 'globex'];

const ownerArb = fc.record({
  id: fc.constantFrom(...CUSTOMERS),
  companyId: fc.constantFrom(...COMPANIES),
});
const actorArb: fc.Arbitrary<Actor> = fc.oneof(
  ownerArb.map(({ id, companyId }): Actor =>
    companyId === undefined ? { kind: 'customer', id } : { kind: 'customer', id, companyId },
  ),
  fc.constantFrom<Actor>({ kind: 'admin', id: 'ann' }, { kind: 'provider', id: 'stripe' }, { kind: 'system', id: 's' }),
);

const placed = (orderId: string, owner: { id: string; companyId: string | undefined }): Envelope<OrderEvent>[] => {
  const customer = {
    id: owner.id,
    name: owner.id,
    ...(owner.companyId === undefined ? {} : { companyId: owner.companyId }),
  };
  const decided = orderDecider.decide(
    command('PlaceOrder', sampleCheckout({ orderId, orderNumber: orderId, customer }), '2026-11-24T10:00:00Z'),
    orderDecider.initialState,
  );
  if (E.isLeft(decided)) throw new Error(decided.left.message);
  return decided.right.map((event, version) => ({
    event,
    eventId: `${orderId}-${version}`,
    streamId: orderStreamId(orderId),
    streamVersion: version,
    globalPosition: `${orderId}-${version}`,
    occurredAt: '2026-11-24T10:00:00Z',
    recordedAt: '2026-11-24T10:00:00Z',
    actor: { kind: 'admin', id: 'ann' },
    schemaVersion: 1,
  }));
};

const maySee = (directory: Directory, actor: Actor, owner: { id: string; companyId: string | undefined }) =>
  actor.kind === 'customer' &&
  (actor.id === owner.id ||
    (owner.companyId !== undefined && (directory.contacts[owner.companyId] ?? []).includes(actor.id)));

/** Which customers the shop recorded as contacts of each company. */
const directoryArb: fc.Arbitrary<Directory> = fc
  .record({ acme: fc.subarray(CUSTOMERS), globex: fc.subarray(CUSTOMERS) })
  .map((contacts) => ({ ...emptyDirectory, contacts }));

describe('customer scoping (CUS-3)', () => {
  it('CUS-3: customer queries never return another customer’s or company’s order; a claimed companyId gives nothing (1000 runs)', () => {
    fc.assert(
      fc.property(
        fc.array(ownerArb, { minLength: 1, maxLength: 8 }),
        actorArb,
        directoryArb,
        (owners, actor, directory) => {
          const envelopes = owners.flatMap((owner, i) => placed(`o-${i}`, owner));
          const orders = project(ordersProjection, envelopes);
          const history = project(statusHistoryProjection, envelopes);
          const visible = new Set(customerOrders(orders, actor, directory).map((o) => o.orderId));
          owners.forEach((owner, i) => {
            const orderId = `o-${i}`;
            const allowed = maySee(directory, actor, owner);
            expect(visible.has(orderId)).toBe(allowed);
            expect(customerOrder(orders, actor, orderId, directory) !== undefined).toBe(allowed);
            expect(customerStatusHistory(orders, history, actor, orderId, directory).length > 0).toBe(allowed);
          });
        },
      ),
      { numRuns: 1000 },
    );
  });
});
