import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { effectsOf, project, rehydrate, type Actor, type Envelope } from '@ordersource/core';
import type { OrderCommand } from '../order/commands.js';
import { orderDecider, orderDeciderWith } from '../order/decider.js';
import { orderStreamId } from '../order/events.js';
import { command, sampleCheckout } from '../order/examples.js';
import { ordersProjection } from '../order/projections/orders.js';
import type { CustomerCommand } from './commands.js';
import { companyDecider, companyStreamId, type CompanyCommand } from './company.js';
import { customerDecider } from './decider.js';
import { directoryProjection, guestOrdersFor, type DirectoryEvent } from './directory.js';
import { customerStreamId, type CustomerEvent } from './events.js';
import { guestCustomerReactor } from './guest-from-order.js';
import { myCompanyOrders, myOrders } from './portal.js';
import { defaultCustomerSettings } from './settings.js';

/**
 * Seed 000 (Odoo eCommerce, "Cách khách hàng có thể truy cập vào tài khoản"):
 * the customer is offered to sign up (name, e-mail, password) once the order
 * is placed, never before; "My account" shows all her history and lets her
 * edit the main (billing) address; a contact of a company sees every document
 * of that company. Walked through the order, customer and company deciders
 * and the directory the order decider reads (issue 10).
 */

const T = (minute: number) => new Date(Date.UTC(2026, 11, 1, 9, minute)).toISOString();
const system: Actor = { kind: 'system', id: 'shop' };
const lan: Actor = { kind: 'customer', id: 'cu-lan' };
const minh: Actor = { kind: 'customer', id: 'cu-minh', companyId: 'co-tea' };

let position = 0;
const wrap = <Ev extends { type: string; data: unknown }>(streamId: string, events: readonly Ev[]): Envelope<Ev>[] =>
  events.map((event, i) => ({
    event,
    eventId: `${streamId}-${++position}`,
    streamId,
    streamVersion: i,
    globalPosition: String(position),
    occurredAt: T(position),
    recordedAt: T(position),
    actor: system,
    schemaVersion: 1,
  }));

const decided = <Ev>(result: E.Either<{ code: string }, readonly Ev[]>): readonly Ev[] => {
  if (E.isLeft(result)) throw new Error(result.left.code);
  return result.right;
};

const placeOrder = (orderId: string, customer: { id: string; name: string; email: string; companyId?: string }) =>
  decided(
    orderDecider.decide(
      command(
        'PlaceOrder',
        sampleCheckout({ orderId, orderNumber: `SO-${orderId}`, paymentId: `${orderId}-p`, customer }),
        T(0),
        { kind: 'customer', id: customer.id },
      ),
      orderDecider.initialState,
    ),
  );

const customers = customerDecider(defaultCustomerSettings);
const customerCmd = (type: CustomerCommand['type'], data: unknown, at = T(10)): CustomerCommand =>
  ({ type, data, metadata: { commandId: `${type}-${at}`, actor: system, at } }) as CustomerCommand;
const companyCmd = (type: CompanyCommand['type'], data: unknown, at = T(10)): CompanyCommand =>
  ({ type, data, metadata: { commandId: `${type}-${at}`, actor: system, at } }) as CompanyCommand;

describe('seed 000: an account after ordering, "My account", company documents (CUS-1..CUS-3)', () => {
  it('CUS-1/CUS-2/CUS-3: a guest orders, signs up from the confirmation, sees her orders; company contacts come and go', () => {
    // Two guest orders by Lan (no sign-up before buying), one order of the tea company by its buyer.
    const o1 = wrap(orderStreamId('o-1'), placeOrder('o-1', { id: 'cu-lan', name: 'Lan', email: 'lan@example.vn' }));
    const o2 = wrap(orderStreamId('o-2'), placeOrder('o-2', { id: 'cu-lan', name: 'Lan', email: 'LAN@example.vn' }));
    const o3 = wrap(
      orderStreamId('o-3'),
      placeOrder('o-3', { id: 'cu-buyer', name: 'Buyer', email: 'buyer@tea.vn', companyId: 'co-tea' }),
    );
    // The guest reactor records each order on the customer stream.
    const recorded = [...o1, ...o2].flatMap((envelope) =>
      effectsOf(guestCustomerReactor, envelope).flatMap((effect) =>
        effect.kind === 'command' ? [effect.command] : [],
      ),
    );
    expect(recorded).toHaveLength(2);
    const hash = (c: string) => c.repeat(64);
    let lanEvents: CustomerEvent[] = [];
    for (const c of recorded)
      lanEvents = [...lanEvents, ...decided(customers.decide(c, rehydrate(customers, lanEvents)))];
    const directoryBefore = project(
      directoryProjection,
      wrap(customerStreamId('cu-lan'), lanEvents as DirectoryEvent[]),
    );
    expect(guestOrdersFor(directoryBefore, 'lan@example.vn')).toEqual(['o-1', 'o-2']);
    // The confirmation e-mail invites her; accepting creates the account and links the guest orders.
    for (const c of [
      customerCmd('InviteToAccount', { invitationId: 'inv-1', tokenHash: hash('a'), expiresAt: T(60) }, T(11)),
      customerCmd(
        'AcceptInvitation',
        { tokenHash: hash('a'), name: 'Lan Nguyễn', passwordHash: 'scrypt$x', guestOrderIds: ['o-1', 'o-2'] },
        T(12),
      ),
    ])
      lanEvents = [...lanEvents, ...decided(customers.decide(c, rehydrate(customers, lanEvents)))];
    expect(lanEvents.map((e) => e.type)).toContain('AccountCreated');
    // The company registers its contacts: Minh sees the company's documents.
    const company = (cmds: CompanyCommand[]) => {
      let events: DirectoryEvent[] = [];
      for (const c of cmds)
        events = [...events, ...decided(companyDecider.decide(c, rehydrate(companyDecider, events as never)))];
      return wrap(companyStreamId('co-tea'), events);
    };
    const withMinh = company([
      companyCmd('RegisterCompany', { companyId: 'co-tea', name: 'Trà Việt' }),
      companyCmd('AddCompanyContact', { customerId: 'cu-minh' }),
    ]);
    const directory = project(directoryProjection, [
      ...wrap(customerStreamId('cu-lan'), lanEvents as DirectoryEvent[]),
      ...withMinh,
    ]);
    const orders = project(ordersProjection, [...o1, ...o2, ...o3]);
    expect(
      myOrders(orders, directory, lan)
        .map((o) => o.orderId)
        .sort(),
    ).toEqual(['o-1', 'o-2']);
    expect(myCompanyOrders(orders, directory, minh).map((o) => o.orderId)).toEqual(['o-3']);
    expect(myOrders(orders, directory, minh)).toEqual([]);
    // "My account": Minh edits the company order's billing address through the directory.
    const address = { name: 'Trà Việt', line1: '5 Hàng Bạc', city: 'Hanoi', country: 'VN' };
    const edit: OrderCommand = command('ChangeBillingAddress', { address }, T(20), minh);
    const o3State = rehydrate(
      orderDecider,
      o3.map((e) => e.event),
    );
    expect(E.isRight(orderDeciderWith(() => directory).decide(edit, o3State))).toBe(true);
    // Removed from the company, her session still says co-tea: she loses access at once.
    const removed = project(directoryProjection, [
      ...company([
        companyCmd('RegisterCompany', { companyId: 'co-tea', name: 'Trà Việt' }),
        companyCmd('AddCompanyContact', { customerId: 'cu-minh' }),
        companyCmd('RemoveCompanyContact', { customerId: 'cu-minh' }, T(30)),
      ]),
    ]);
    expect(myCompanyOrders(orders, removed, minh)).toEqual([]);
    const refused = orderDeciderWith(() => removed).decide(edit, o3State);
    expect(E.isLeft(refused) && refused.left.code).toBe('forbidden');
  });
});
