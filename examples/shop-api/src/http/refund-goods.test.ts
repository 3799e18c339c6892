import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiptsStreamId } from '@ordersource/domain/receipts';
import { refundWords } from '@ordersource/example-admin-web';
import { checkoutBody } from '../fixtures.js';
import {
  ADMIN,
  adminToken,
  bearer,
  csrfOf,
  formClient,
  json,
  placeOrder,
  signedWebhook,
  signUp,
  startTestShop,
  type TestShop,
} from '../test-support/shop.js';
import { WEBHOOK_PATH } from './webhook.js';

/**
 * Issue 9 (PAY-5, REC-7) through real HTTP: the bank refunds part of a
 * delivered order from its dashboard, naming no goods (the provider's
 * webhook); the receipts record it unassigned. The admin sees it (the
 * attention list, the order's reconciliation, the order page's panel) and
 * names the goods through the JSON API or the panel's form; the return
 * receipt follows. A body that does not decode is refused naming the field,
 * and nothing is written.
 */
const olga = { id: 'cust-olga', name: 'Olga Petrova', email: 'olga@example.ru', language: 'ru' };
let shop: TestShop;
let admin: string;

const command = async (orderId: string, type: string, body: unknown) => {
  const response = await fetch(`${shop.url}/api/orders/${orderId}/commands/${type}`, json(body, bearer(admin)));
  expect(response.status, `${type}: ${await response.clone().text()}`).toBe(200);
};

/** Placed, paid by bank transfer, shipped and delivered (the closing receipt); then 1,500.00 back from the bank's dashboard. */
const deliveredAndRefunded = async (orderId: string): Promise<string> => {
  await placeOrder(shop.url, checkoutBody({ orderId, orderNumber: `SO-${orderId}`, customer: olga, offline: true }));
  await command(orderId, 'ConfirmOfflinePayment', {});
  await command(orderId, 'ShipOrder', { shipmentId: `${orderId}-s1`, carrier: 'CDEK' });
  await command(orderId, 'MarkDelivered', {});
  const refund = {
    id: `evt-${orderId}-dash`,
    type: 'refund.succeeded',
    data: { orderId, paymentId: `${orderId}-pay`, refundId: 'dash-1', amount: { amount: 150_000, currency: 'RUB' } },
  };
  const response = await fetch(`${shop.url}${WEBHOOK_PATH}`, signedWebhook(refund));
  expect(response.status, await response.clone().text()).toBe(200);
  return `${orderId}-pay:refund-dash-1`;
};

const assign = (orderId: string, movementId: string, body: unknown, headers: Record<string, string> = bearer(admin)) =>
  fetch(
    `${shop.url}/api/orders/${encodeURIComponent(orderId)}/refunds/${encodeURIComponent(movementId)}/goods`,
    json(body, headers),
  );

const receiptsVersion = async (orderId: string): Promise<number> => {
  let version = -1;
  for await (const envelope of shop.shop.store.read(receiptsStreamId(orderId))) version = envelope.streamVersion;
  return version;
};

beforeAll(async () => {
  shop = await startTestShop();
  admin = await adminToken(shop.url);
});
afterAll(async () => {
  await shop.stop();
});

describe('issue 9: refunds awaiting goods, through HTTP (PAY-5, REC-7)', () => {
  it('PAY-5/REC-7: the admin sees the refund waiting for goods and names them through the JSON API; the return receipt follows', async () => {
    const movementId = await deliveredAndRefunded('rg-1');
    const attention = await fetch(`${shop.url}/api/reconciliation/attention`, { headers: bearer(admin) });
    expect(attention.status).toBe(200);
    expect(((await attention.json()) as { orders: unknown[] }).orders).toEqual([
      expect.objectContaining({
        orderId: 'rg-1',
        unassignedRefund: { amount: 150_000, currency: 'RUB' },
        openRefunds: [expect.objectContaining({ movementId, amount: { amount: 150_000, currency: 'RUB' } })],
      }),
    ]);
    const view = (await (
      await fetch(`${shop.url}/api/orders/rg-1/reconciliation`, { headers: bearer(admin) })
    ).json()) as { returnable: { lineId: string; quantity: number }[] };
    expect(view.returnable.map((g) => [g.lineId, g.quantity])).toEqual(
      expect.arrayContaining([
        ['l1', 1],
        ['l2', 3],
        ['l2~1', 1],
      ]),
    );

    const response = await assign('rg-1', movementId, { lines: [{ lineId: 'l1', qty: 1 }] });
    expect(response.status, await response.clone().text()).toBe(200);
    const outcome = (await response.json()) as {
      events: string[];
      reconciliation: { unassignedRefund: number; moneyReturned: number; needsAttention: boolean };
    };
    expect(outcome.events).toEqual(['RefundGoodsAssigned', 'ReceiptIssued']);
    expect(outcome.reconciliation).toMatchObject({
      unassignedRefund: 0,
      moneyReturned: 150_000,
      needsAttention: false,
    });
    const receipts = await shop.shop.receipts('rg-1');
    const back = Object.values(receipts?.receipts ?? {}).filter((r) => r.receipt.operation === 'income-return');
    expect(back.map((r) => [r.receipt.kind, r.receipt.total.amount, r.receipt.items.map((i) => i.lineId)])).toEqual([
      ['full-settlement', 150_000, ['l1']],
    ]);
    const after = await fetch(`${shop.url}/api/reconciliation/attention`, { headers: bearer(admin) });
    expect(((await after.json()) as { orders: unknown[] }).orders).toEqual([]);
    // Named again: nothing is left of that refund.
    const again = await assign('rg-1', movementId, { lines: [{ lineId: 'l2', qty: 1 }] });
    expect(again.status).toBe(422);
    expect(((await again.json()) as { code: string }).code).toBe('already-assigned');
  });

  it('a body with an unknown field or a wrong type is 422 naming each field; an unknown refund is 404; nothing is written', async () => {
    const movementId = await deliveredAndRefunded('rg-2');
    const before = await receiptsVersion('rg-2');
    const bad = await assign('rg-2', movementId, {
      lines: [{ lineId: 'l1', qty: '1', qtty: 1 }],
      movementId: 'other',
    });
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toBe('application/problem+json');
    const problem = (await bad.json()) as { code: string; errors: { path: string; rule: string }[] };
    expect(problem.code).toBe('validation-failed');
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'lines.0.qty', rule: 'PositiveInteger' }),
        expect.objectContaining({ path: 'lines.0.qtty', rule: 'unknown field' }),
        expect.objectContaining({ path: 'movementId', rule: 'unknown field' }),
      ]),
    );
    const empty = await assign('rg-2', movementId, { lines: [] });
    expect(empty.status).toBe(422);
    expect(((await empty.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(['lines']);
    const unknownLine = await assign('rg-2', movementId, { lines: [{ lineId: 'l9', qty: 1 }] });
    expect(unknownLine.status).toBe(422);
    expect(((await unknownLine.json()) as { code: string }).code).toBe('unknown-line');
    const tooMany = await assign('rg-2', movementId, { lines: [{ lineId: 'l1', qty: 2 }] });
    expect(((await tooMany.json()) as { code: string }).code).toBe('return-exceeds-sold');
    const noSuchRefund = await assign('rg-2', 'rg-2-pay:refund-nope', { lines: [{ lineId: 'l1', qty: 1 }] });
    expect(noSuchRefund.status).toBe(404);
    expect(((await noSuchRefund.json()) as { code: string }).code).toBe('unknown-movement');
    expect(await receiptsVersion('rg-2')).toBe(before);
  });

  it('admins only: no session 401, a customer 403, a cookie session without the CSRF header 403; nothing is written', async () => {
    const movementId = await deliveredAndRefunded('rg-3');
    const before = await receiptsVersion('rg-3');
    const body = { lines: [{ lineId: 'l1', qty: 1 }] };
    expect((await assign('rg-3', movementId, body, {})).status).toBe(401);
    const browser = formClient(shop.url);
    expect((await browser.login('/admin/login', ADMIN)).status).toBe(303);
    const noCsrf = await assign('rg-3', movementId, body, { cookie: browser.cookie() });
    expect(noCsrf.status).toBe(403);
    expect(((await noCsrf.json()) as { code: string }).code).toBe('csrf-token-missing');
    expect((await fetch(`${shop.url}/api/reconciliation/attention`)).status).toBe(401);
    // Olga herself (signed up from her confirmation), with her session's CSRF token: not hers to name.
    const olgaClient = await signUp(shop, 'rg-3', 'olga-password-1');
    const csrf = csrfOf(await (await olgaClient.get('/portal')).text());
    const customer = await assign('rg-3', movementId, body, { cookie: olgaClient.cookie(), 'x-csrf-token': csrf });
    expect(customer.status).toBe(403);
    // Refused by the route before any command is sent (the receipts decider would refuse it too).
    expect(await customer.json()).toMatchObject({ code: 'forbidden', detail: "an admin names a refund's goods" });
    const peek = await fetch(`${shop.url}/api/orders/rg-3/reconciliation`, {
      headers: { cookie: olgaClient.cookie() },
    });
    expect(peek.status).toBe(403);
    expect(await receiptsVersion('rg-3')).toBe(before);
    expect(await receiptsVersion('rg-3')).toBe(before);
  });

  it('the admin order page shows the panel; its form names the goods (a partial assignment leaves the rest open)', async () => {
    const movementId = await deliveredAndRefunded('rg-4');
    const browser = formClient(shop.url);
    expect((await browser.login('/admin/login', ADMIN)).status).toBe(303);
    const page = await (await browser.get('/admin/orders/rg-4')).text();
    expect(page).toContain('data-testid="refunds-awaiting-goods"');
    expect(page).toContain('Refunds awaiting goods');
    expect(page).toContain(`/admin/orders/rg-4/refunds/${encodeURIComponent(movementId)}/goods`);
    for (const field of ['qty.l1', 'qty.l2', 'qty.l2~1', 'qty.shipping']) expect(page).toContain(`name="${field}"`);
    // In the admin's language: ?lang= switches it (Russian here, the seed 003 shop's).
    const ru = await (await browser.get('/admin/orders/rg-4?lang=ru')).text();
    expect(ru).toContain(refundWords.ru.title);
    expect(ru).toContain('lang="ru"');
    await browser.get('/admin/orders/rg-4?lang=en');

    // One pair of socks came back: returned at its value, the rest of the money stays open.
    const action = `/admin/orders/rg-4/refunds/${encodeURIComponent(movementId)}/goods`;
    const posted = await browser.post(action, { _csrf: csrfOf(page), 'qty.l2': '1' });
    expect(posted.status, posted.status === 303 ? '' : (await posted.text()).slice(0, 400)).toBe(303);
    const open = await shop.shop.reconciliation('rg-4');
    expect(open?.moneyReturned).toBeGreaterThan(0);
    expect(open?.unassignedRefund).toBe(150_000 - (open?.moneyReturned ?? 0));
    expect(open?.returnable.find((g) => g.lineId === 'l2')?.quantity).toBe(2);

    // Nothing named: refused on the page, naming the field; a forged post without the token: 403.
    const again = await (await browser.get('/admin/orders/rg-4')).text();
    const none = await browser.post(action, { _csrf: csrfOf(again) });
    expect(none.status).toBe(422);
    expect(await none.text()).toContain('lines');
    expect((await browser.post(action, { 'qty.l1': '1' })).status).toBe(403);

    const shoes = await browser.post(action, { _csrf: csrfOf(again), 'qty.l1': '1' });
    expect(shoes.status).toBe(303);
    const done = await (await browser.get('/admin/orders/rg-4')).text();
    expect(done).not.toContain('data-testid="refunds-awaiting-goods"');
    expect((await shop.shop.reconciliation('rg-4'))?.needsAttention).toBe(false);
  });
});
