import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutBody } from '../fixtures.js';
import { ADMIN, csrfOf, formClient, placeOrder, signUp, startTestShop, type TestShop } from '../test-support/shop.js';

/**
 * The admin's order actions as the browser posts them (form fields -> the
 * command's data -> its codec): mark paid (PAY-4), ship and correct the
 * shipment (FUL-2), delivered (FUL-4, the closing receipt REC-5), refund two
 * returned units (PAY-5, REC-7), a payment link with its QR code (PAY-3),
 * discard with a reason (ORD-6), the printable summary (ORD-10).
 */
const olga = { id: 'cust-olga', name: 'Olga Petrova', email: 'olga@example.ru', language: 'ru' };
let shop: TestShop;
let admin: ReturnType<typeof formClient>;

const act = async (orderId: string, type: string, form: Record<string, string>) => {
  const page = await (await admin.get(`/admin/orders/${orderId}`)).text();
  const response = await admin.post(`/admin/orders/${orderId}/actions/${type}`, { ...form, _csrf: csrfOf(page) });
  const body = response.status === 303 ? '' : await response.text();
  return { status: response.status, body };
};

beforeAll(async () => {
  shop = await startTestShop();
  admin = formClient(shop.url);
  expect((await admin.login('/admin/login', ADMIN)).status).toBe(303);
});
afterAll(async () => {
  await shop.stop();
});

describe('admin order forms', () => {
  it('mark paid, ship, correct the tracking, deliver, refund returned lines: each form becomes its command', async () => {
    await placeOrder(shop.url, checkoutBody({ orderId: 'f-1', orderNumber: 'SO-F1', customer: olga, offline: true }));
    expect((await act('f-1', 'ConfirmOfflinePayment', {})).status).toBe(303);
    expect((await shop.shop.order('f-1'))!.state.payments[0]?.status).toBe('captured');
    expect((await act('f-1', 'ShipOrder', { carrier: 'CDEK', trackingReference: 'CDEK-1' })).status).toBe(303);
    const shipment = (await shop.shop.order('f-1'))!.state.fulfillment.shipments[0]!;
    expect(shipment.carrier).toBe('CDEK');
    const amended = await act('f-1', 'AmendShipment', { shipmentId: shipment.shipmentId, trackingReference: 'CDEK-2' });
    expect(amended.status, amended.body.slice(0, 300)).toBe(303);
    expect((await shop.shop.order('f-1'))!.state.fulfillment.shipments[0]?.trackingReference).toBe('CDEK-2');
    expect((await act('f-1', 'MarkDelivered', { 'notify.email': '1' })).status).toBe(303);
    const refunded = await act('f-1', 'RefundPayment', { 'lines.l2': '2', reason: 'two pairs came back' });
    expect(refunded.status, refunded.body.slice(0, 300)).toBe(303);
    const state = (await shop.shop.order('f-1'))!.state;
    expect(state.returnedQty?.['l2']).toBe(2);
    expect(state.payments[0]?.refunded).toBeGreaterThan(0);
    const page = await (await admin.get('/admin/orders/f-1')).text();
    // REC-5 closing receipt on delivery, REC-7 the return.
    expect(page).toMatch(/full-settlement receipt/);
    expect(page).toMatch(/income-return [a-z-]+ receipt/);
    // CUS-2: Olga's portal lists those receipts.
    const portal = await signUp(shop, 'f-1', 'olga-password-1');
    const receipts = await (await portal.get('/portal/receipts')).text();
    expect(receipts).toContain('full-settlement');
    expect(receipts).toContain('f-1');
  });

  it('a refusal shows the page again with the problem, naming the field; nothing is written', async () => {
    await placeOrder(shop.url, checkoutBody({ orderId: 'f-2', orderNumber: 'SO-F2', customer: olga, offline: true }));
    const before = (await shop.shop.order('f-2'))!.version;
    const bad = await act('f-2', 'ProcessOrder', { status: 'x', loyaltyPoints: '-5' });
    expect(bad.status).toBe(422);
    expect(bad.body).toContain('loyaltyPoints');
    const stale = await act('f-2', 'HoldFulfillment', { reason: 'stock', _version: '0' });
    expect(stale.status).toBe(412);
    expect((await shop.shop.order('f-2'))!.version).toBe(before);
  });

  it('a payment link shows its QR code on the order page (PAY-3); discard keeps the reason (ORD-6); print (ORD-10)', async () => {
    await placeOrder(shop.url, checkoutBody({ orderId: 'f-3', orderNumber: 'SO-F3', customer: olga }));
    expect((await act('f-3', 'VoidPayment', { paymentId: 'f-3-pay', reason: 'by link' })).status).toBe(303);
    const link = await act('f-3', 'RequestPayment', { amount: '2500.50', channel: 'telegram' });
    expect(link.status, link.body.slice(0, 300)).toBe(303);
    const payment = (await shop.shop.order('f-3'))!.state.payments.at(-1)!;
    expect(payment.requested).toBe(250_050);
    const page = await (await admin.get('/admin/orders/f-3')).text();
    expect(page).toMatch(/<img class="qr" src="data:image\/png;base64,[A-Za-z0-9+/=]+"/);
    const print = await (await admin.get('/admin/orders/f-3/print')).text();
    expect(print).toContain('SO-F3');
    expect((await act('f-3', 'DiscardOrder', { reason: 'duplicate', duplicateOf: 'f-1' })).status).toBe(303);
    const discarded = (await shop.shop.order('f-3'))!.state;
    expect(discarded.status).toBe('discarded');
    expect(discarded.discarded?.reason).toBe('duplicate');
  });
});
