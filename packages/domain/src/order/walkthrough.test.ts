import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { reactInline } from '@ordersource/testing';
import {
  createCommandHandler,
  createInMemoryEventStore,
  createProjectionRunner,
  type Actor,
  type Checkpoint,
} from '@ordersource/core';
import { decodeOrderCommand } from './commands.js';
import { orderDecider } from './decider.js';
import { orderStreamId } from './events.js';
import { financialStatus, pixpaPaymentStatus } from './payment-status.js';
import { orderPolicies } from './policies/all.js';
import { decodeOrderEnvelope } from './policies/reactor-base.js';
import { customerOrders } from './projections/customer-orders.js';
import { renderOrderSummaryText } from './projections/order-summary.js';
import { listOrders, orderDetail, ordersProjection } from './projections/orders.js';
import { statusHistory, statusHistoryProjection } from './projections/status-history.js';
import { defaultShopSettings } from './settings.js';

/**
 * One order from checkout to fulfilled with a partial refund, the way an
 * application wires it: raw input decoded at the boundary, the command
 * handler over an event store, the shop's policies reacting to new events,
 * and the read models folded from the log. This is the path the demo walks.
 */
describe('walkthrough: checkout to fulfilled with a partial refund', () => {
  it('ORD-1, ORD-2, ORD-3, PAY-1, PAY-5, PAY-7, FUL-1, FUL-2, FUL-4, ORD-5, ORD-10 end to end', async () => {
    const store = createInMemoryEventStore();
    const orders = createCommandHandler({ store, decider: orderDecider, decodeEnvelope: decodeOrderEnvelope });
    const policies = orderPolicies(defaultShopSettings);
    const stream = orderStreamId('o-42');
    let seen: Checkpoint | undefined;
    let n = 0;

    /** Decode raw input, handle it, then let the policies react until quiet. */
    const send = async (type: string, data: unknown, actor: Actor, at: string) => {
      const decoded = decodeOrderCommand({ type, data, metadata: { commandId: `c-${++n}`, actor, at } });
      if (E.isLeft(decoded)) throw new Error(decoded.left.message);
      const handled = await orders.handle(stream, decoded.right);
      if (E.isLeft(handled)) throw new Error(handled.left.message);
      const reacted = await reactInline({
        store,
        decode: decodeOrderEnvelope,
        reactors: policies,
        handle: orders.handle,
        ...(seen === undefined ? {} : { after: seen }),
      });
      seen = reacted.checkpoint;
      return handled.right;
    };

    const customer: Actor = { kind: 'customer', id: 'cust-7', name: 'Marie Dupont' };
    const admin: Actor = { kind: 'admin', id: 'ann', name: 'Ann' };
    const stripe: Actor = { kind: 'provider', id: 'stripe' };
    const eur = (amount: number) => ({ amount, currency: 'EUR' });

    await send(
      'PlaceOrder',
      {
        orderId: 'o-42',
        orderNumber: 'SO-0042',
        paymentId: 'pi_1',
        lines: [
          {
            lineId: 'print',
            sku: 'PRINT-A3',
            name: 'Fine-art print A3',
            qty: 2,
            unitPrice: eur(4500),
            vatRate: 'vat20',
            kind: 'physical',
          },
          {
            lineId: 'zip',
            sku: 'GALLERY-ZIP',
            name: 'Gallery download',
            qty: 1,
            unitPrice: eur(1500),
            vatRate: 'vat20',
            kind: 'digital',
          },
        ],
        subtotal: eur(10500),
        shippingFee: eur(900),
        discount: eur(1000),
        total: eur(10400),
        shippingMethod: { code: 'colissimo', name: 'Colissimo' },
        paymentMethod: { code: 'stripe', name: 'Card', kind: 'online', capture: 'manual' },
        customer: { id: 'cust-7', name: 'Marie Dupont', email: 'marie@example.fr', language: 'fr' },
        billingAddress: {
          name: 'Marie Dupont',
          line1: '3 rue des Lilas',
          city: 'Lyon',
          postalCode: '69001',
          country: 'FR',
        },
        shippingAddress: {
          name: 'Marie Dupont',
          line1: '3 rue des Lilas',
          city: 'Lyon',
          postalCode: '69001',
          country: 'FR',
        },
        ip: '198.51.100.4',
        ipCountry: 'FR',
        remark: 'Gift wrap, please',
      },
      customer,
      '2026-11-24T09:00:00Z',
    );
    await send(
      'AuthorizePayment',
      { paymentId: 'pi_1', amount: eur(10400), providerMessage: 'succeeded' },
      stripe,
      '2026-11-24T09:01:00Z',
    );
    await send('CapturePayment', { paymentId: 'pi_1' }, admin, '2026-11-24T09:30:00Z');
    await send(
      'ShipOrder',
      {
        shipmentId: 'sh-1',
        carrier: 'La Poste',
        trackingReference: '6A12345678901',
        note: 'Shipped today',
        notify: { email: true, sms: false },
      },
      admin,
      '2026-11-24T15:00:00Z',
    );
    await send(
      'MarkDelivered',
      { deliveredAt: '2026-11-26T11:00:00Z', notify: { email: true, sms: false } },
      admin,
      '2026-11-26T12:00:00Z',
    );
    const refunded = await send(
      'RefundPayment',
      { paymentId: 'pi_1', refundId: 're_1', amount: eur(4500), reason: 'one print arrived damaged' },
      admin,
      '2026-11-27T10:00:00Z',
    );

    expect(refunded.duplicate).toBe(false);
    const loaded = await orders.load(stream);
    if (E.isLeft(loaded)) throw new Error(loaded.left.message);
    const state = loaded.right.state;
    expect(state.status).toBe('confirmed');
    expect(state.fulfillment.status).toBe('fulfilled');
    expect(state.fulfillment.downloadsUnlocked).toBe(true);
    expect(financialStatus(state)).toBe('partially_refunded');
    expect(pixpaPaymentStatus(financialStatus(state))).toBe('paid');
    expect(state.invoices).toMatchObject([{ amount: 10400, paid: 10400 }]);

    const list = createProjectionRunner(store, ordersProjection);
    const history = createProjectionRunner(store, statusHistoryProjection);
    await list.catchUp();
    await history.catchUp();
    expect(listOrders(list.state(), { financialStatus: ['partially_refunded'] }).map((o) => o.orderNumber)).toEqual([
      'SO-0042',
    ]);
    expect(customerOrders(list.state(), customer)).toHaveLength(1);
    expect(statusHistory(history.state(), 'o-42')[0]).toMatchObject({ status: 'refunded: 45.00 EUR', actor: admin });
    const detail = orderDetail(list.state(), 'o-42');
    expect(detail?.refunded).toBe(4500);
    expect(renderOrderSummaryText(state)).toContain('Total: 104.00 EUR');
  });
});
