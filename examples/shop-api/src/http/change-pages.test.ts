import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutBody } from '../fixtures.js';
import {
  ADMIN,
  adminToken,
  bearer,
  csrfOf,
  formClient,
  json,
  placeOrder,
  signUp,
  startTestShop,
  type TestShop,
} from '../test-support/shop.js';

/**
 * Issue 17 on the pages, as the browser posts them: Olga asks for a return
 * of two pairs of socks from her order page in the portal (in Russian, the
 * reason from the catalog), the admin confirms it to store credit and
 * receives the socks from the order page; the order shows the refund and
 * the income-return receipt (REC-7), the portal shows the change done and
 * her credit. Ivan's portal cannot post a return on Olga's order (CUS-3).
 */
const olga = { id: 'cust-olga', name: 'Olga Petrova', email: 'olga@example.ru', language: 'ru' };
const ivan = { id: 'cust-ivan', name: 'Ivan Sidorov', email: 'ivan@example.ru', language: 'en' };
let shop: TestShop;
let admin: ReturnType<typeof formClient>;

const delivered = async (orderId: string, customer: typeof olga) => {
  const token = await adminToken(shop.url);
  await placeOrder(shop.url, checkoutBody({ orderId, orderNumber: `SO-${orderId}`, customer, offline: true }));
  for (const [type, body] of [
    ['ConfirmOfflinePayment', {}],
    ['ShipOrder', { shipmentId: `s-${orderId}` }],
    ['MarkDelivered', {}],
  ] as const) {
    const response = await fetch(`${shop.url}/api/orders/${orderId}/commands/${type}`, json(body, bearer(token)));
    expect(response.status, await response.clone().text()).toBe(200);
  }
};

beforeAll(async () => {
  shop = await startTestShop();
  admin = formClient(shop.url);
  expect((await admin.login('/admin/login', ADMIN)).status).toBe(303);
  await delivered('pg-o1', olga);
  await delivered('pg-i1', ivan);
  await shop.shop.notifier.drain();
});
afterAll(async () => {
  await shop.stop();
});

describe('issue 17: return request in the portal, confirmation and receipt in the admin', () => {
  it('Olga requests a return; the admin confirms to store credit and receives it; refund, receipt and credit show', async () => {
    const portal = await signUp(shop, 'pg-o1', 'olga-password-1');
    const page = await (await portal.get('/portal/orders/pg-o1')).text();
    expect(page).toContain('Оформить возврат');
    expect(page).toContain('Не подошёл размер');
    expect(page).toContain('name="qty.l2"');
    const posted = await portal.post('/portal/orders/pg-o1/returns', {
      _csrf: csrfOf(page),
      'qty.l1': '0',
      'qty.l2': '2',
      reason: 'wrong-size',
      note: 'too small',
    });
    expect(posted.status).toBe(303);
    const [changeId] = await shop.shop.changesOf('pg-o1');
    expect(changeId).toBeDefined();
    const requested = (await shop.shop.change(changeId!))!.state;
    expect(requested).toMatchObject({ status: 'requested', kind: 'return', requestedBy: 'customer' });
    expect(requested.items).toEqual([{ lineId: 'l2', qty: 2, reason: 'wrong-size', note: 'too small' }]);
    const after = await (await portal.get('/portal/orders/pg-o1')).text();
    expect(after).toContain('Заявка на возврат отправлена');
    expect(after).toMatch(/data-testid="change-status">\s*Заявка отправлена/);
    // Only the two pairs not asked for yet may still be returned.
    expect(after).toMatch(/name="qty\.l2" min="0" max="2"/);

    const adminAct = async (type: string, form: Record<string, string>) => {
      const text = await (await admin.get('/admin/orders/pg-o1')).text();
      const version = text.match(new RegExp(`actions/${type}"[\\s\\S]*?name="_version" value="(\\d+)"`))?.[1];
      expect(version, `${type} form on the admin page`).toBeDefined();
      return admin.post(`/admin/order-changes/${changeId}/actions/${type}`, {
        ...form,
        _csrf: csrfOf(text),
        _version: version!,
      });
    };
    expect((await adminAct('ConfirmOrderChange', { refundTo: 'store-credit', notifyCustomer: '1' })).status).toBe(303);
    expect((await shop.shop.change(changeId!))!.state.status).toBe('confirmed');
    const received = await adminAct('ReceiveReturn', {
      'qty.l2': '2',
      'condition.l2': 'sellable',
      'restock.l2': '1',
    });
    expect(received.status).toBe(303);

    const change = (await shop.shop.change(changeId!))!.state;
    expect(change.status).toBe('applied');
    const order = (await shop.shop.order('pg-o1'))!.state;
    const refunded = order.payments.reduce((sum, p) => sum + p.refunded, 0);
    expect(refunded).toBeGreaterThan(0);
    expect(change.applied?.credited?.amount).toBe(refunded);
    const receipts = await shop.shop.receipts('pg-o1');
    const returns = receipts!.issued
      .map((id) => receipts!.receipts[id]!.receipt)
      .filter((r) => r.operation === 'income-return');
    expect(returns.map((r) => r.total.amount)).toEqual([refunded]);

    const adminPage = await (await admin.get('/admin/orders/pg-o1')).text();
    expect(adminPage).toMatch(/income-return [a-z-]+ receipt/);
    expect(adminPage).toContain('Handed to the stock');
    // The returned goods are not owed again (issue 17, PAY-2): the order page shows nothing due.
    expect((adminPage.match(/data-testid="balance-due">due ([^<]*)</)?.[1] ?? '').replace(/\D/g, '')).toBe('000');
    const portalPage = await (await portal.get('/portal/orders/pg-o1')).text();
    expect(portalPage).toMatch(/data-testid="change-status">\s*Выполнен/);
    const shown = portalPage.match(/data-testid="store-credit">([^<]*)</)?.[1] ?? '';
    expect(shown.replace(/\D/g, '')).toBe(String(refunded));
    const home = await (await portal.get('/portal')).text();
    expect(home).toContain('Ваш баланс в магазине');
    expect((home.match(/data-testid="store-credit">([^<]*)</)?.[1] ?? '').replace(/\D/g, '')).toBe(String(refunded));
  });

  it('Ivan cannot post a return on Olga’s order (404, as her order page); nothing is written', async () => {
    const portal = await signUp(shop, 'pg-i1', 'ivan-password-1');
    const own = await (await portal.get('/portal/orders/pg-i1')).text();
    const before = await shop.shop.changesOf('pg-o1');
    const posted = await portal.post('/portal/orders/pg-o1/returns', {
      _csrf: csrfOf(own),
      'qty.l2': '1',
      reason: 'wrong-size',
    });
    expect(posted.status).toBe(404);
    expect(await shop.shop.changesOf('pg-o1')).toEqual(before);
    // Without the session's CSRF token nothing is read.
    const forged = await portal.post('/portal/orders/pg-i1/returns', { 'qty.l2': '1', reason: 'wrong-size' });
    expect(forged.status).toBe(403);
    expect(await shop.shop.changesOf('pg-i1')).toEqual([]);
  });

  it('a quantity that is no whole number is refused naming the field; the draft is canceled, nothing requested', async () => {
    const portal = formClient(shop.url);
    expect((await portal.login('/portal/login', { email: ivan.email, password: 'ivan-password-1' })).status).toBe(303);
    const page = await (await portal.get('/portal/orders/pg-i1')).text();
    const posted = await portal.post('/portal/orders/pg-i1/returns', {
      _csrf: csrfOf(page),
      'qty.l2': '1.5',
      reason: 'wrong-size',
    });
    expect(posted.status).toBe(303);
    const shown = await (await portal.get('/portal/orders/pg-i1')).text();
    expect(shown).toContain('item.qty: PositiveInteger');
    const [changeId] = await shop.shop.changesOf('pg-i1');
    const state = (await shop.shop.change(changeId!))!.state;
    expect(state.status).toBe('canceled');
    expect(state.items).toEqual([]);
  });

  it('the admin starts a claim for a damaged unit, settled by a refund to the original payment', async () => {
    const page = await (await admin.get('/admin/orders/pg-i1')).text();
    expect(page).toContain('Start a return or claim for the customer');
    const started = await admin.post('/admin/orders/pg-i1/changes', {
      _csrf: csrfOf(page),
      kind: 'claim',
      resolution: 'refund',
      'qty.l1': '1',
      reason: 'damaged',
    });
    expect(started.status).toBe(303);
    const ids = await shop.shop.changesOf('pg-i1');
    const claimId = ids.at(-1)!;
    const draft = (await shop.shop.change(claimId))!.state;
    expect(draft).toMatchObject({ kind: 'claim', status: 'draft', requestedBy: 'admin', resolution: 'refund' });
    const text = await (await admin.get('/admin/orders/pg-i1')).text();
    const form = text.match(
      new RegExp(`order-changes/${claimId}/actions/ConfirmOrderChange"[\\s\\S]*?name="_version" value="(\\d+)"`),
    );
    expect(form).not.toBeNull();
    const confirmed = await admin.post(`/admin/order-changes/${claimId}/actions/ConfirmOrderChange`, {
      _csrf: csrfOf(text),
      _version: form![1]!,
      refundTo: 'original',
    });
    expect(confirmed.status).toBe(303);
    expect((await shop.shop.change(claimId))!.state.status).toBe('applied');
    const order = (await shop.shop.order('pg-i1'))!.state;
    expect(order.payments.reduce((sum, p) => sum + p.refunded, 0)).toBeGreaterThan(0);
    expect((await shop.shop.credit('cust-ivan')).balances).toEqual({});
  });

  it('Ivan reports a damaged unit from the portal as a claim settled by a refund; it waits for the shop', async () => {
    const portal = formClient(shop.url);
    expect((await portal.login('/portal/login', { email: ivan.email, password: 'ivan-password-1' })).status).toBe(303);
    const page = await (await portal.get('/portal/orders/pg-i1')).text();
    expect(page).toContain('It arrived damaged or is missing: refund me (claim)');
    const before = await shop.shop.changesOf('pg-i1');
    const posted = await portal.post('/portal/orders/pg-i1/returns', {
      _csrf: csrfOf(page),
      kind: 'claim-refund',
      'qty.l2': '1',
      reason: 'damaged',
    });
    expect(posted.status).toBe(303);
    const claimId = (await shop.shop.changesOf('pg-i1')).find((id) => !before.includes(id))!;
    expect((await shop.shop.change(claimId))!.state).toMatchObject({
      kind: 'claim',
      resolution: 'refund',
      status: 'requested',
      requestedBy: 'customer',
    });
    expect(await (await portal.get('/portal/orders/pg-i1')).text()).toContain('Your claim was sent');
  });
});
