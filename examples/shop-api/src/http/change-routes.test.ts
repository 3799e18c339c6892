import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutBody } from '../fixtures.js';
import { adminToken, bearer, json, placeOrder, signUp, startTestShop, type TestShop } from '../test-support/shop.js';

/**
 * Issue 17 over HTTP (CUS-3, PAY-5, REC-7): a customer asks for a return of
 * delivered socks, the admin confirms it to store credit and receives the
 * goods; the order shows the refund, the income-return receipt exists, the
 * customer sees her credit. Another customer cannot act on it; a malformed
 * command is refused naming the field, and nothing is written.
 */
const olga = { id: 'cust-olga', name: 'Olga Petrova', email: 'olga@example.ru', language: 'ru' };
const ivan = { id: 'cust-ivan', name: 'Ivan Sidorov', email: 'ivan@example.ru', language: 'en' };
let shop: TestShop;
let admin: string;
let olgaToken: string;
let ivanToken: string;

const customerToken = async (email: string, password: string): Promise<string> => {
  const response = await fetch(`${shop.url}/api/session/customer`, json({ email, password }));
  expect(response.status, await response.clone().text()).toBe(201);
  return ((await response.json()) as { token: string }).token;
};

const orderCommand = async (orderId: string, type: string, body: unknown) => {
  const response = await fetch(`${shop.url}/api/orders/${orderId}/commands/${type}`, json(body, bearer(admin)));
  expect(response.status, `${type}: ${await response.clone().text()}`).toBe(200);
};

const changeCommand = (changeId: string, type: string, body: unknown, token: string) =>
  fetch(`${shop.url}/api/order-changes/${changeId}/commands/${type}`, json(body, bearer(token)));

/** An order placed, paid, shipped and delivered (the closing receipt issued: REC-5). */
const delivered = async (orderId: string, customer: typeof olga) => {
  await placeOrder(shop.url, checkoutBody({ orderId, orderNumber: `SO-${orderId}`, customer, offline: true }));
  await orderCommand(orderId, 'ConfirmOfflinePayment', {});
  await orderCommand(orderId, 'ShipOrder', {
    shipmentId: `s-${orderId}`,
    carrier: 'CDEK',
    trackingReference: `T-${orderId}`,
  });
  await orderCommand(orderId, 'MarkDelivered', {});
};

beforeAll(async () => {
  shop = await startTestShop();
  admin = await adminToken(shop.url);
  await delivered('ret-o1', olga);
  await delivered('ret-i1', ivan);
  await shop.shop.notifier.drain();
  await signUp(shop, 'ret-o1', 'olga-password-1');
  await signUp(shop, 'ret-i1', 'ivan-password-1');
  olgaToken = await customerToken(olga.email, 'olga-password-1');
  ivanToken = await customerToken(ivan.email, 'ivan-password-1');
});
afterAll(async () => {
  await shop.stop();
});

describe('issue 17: a return through the JSON API', () => {
  it('the customer requests, the admin confirms to store credit and receives; refund, receipt and credit follow', async () => {
    const begun = await fetch(
      `${shop.url}/api/orders/ret-o1/changes`,
      json({ kind: 'return', changeId: 'ret-1' }, bearer(olgaToken)),
    );
    expect(begun.status, await begun.clone().text()).toBe(201);
    expect(begun.headers.get('location')).toBe('/api/order-changes/ret-1');
    const staged = await changeCommand(
      'ret-1',
      'StageReturnItem',
      { item: { lineId: 'l2', qty: 2, reason: 'wrong-size' } },
      olgaToken,
    );
    expect(staged.status, await staged.clone().text()).toBe(200);
    expect((await changeCommand('ret-1', 'RequestOrderChange', {}, olgaToken)).status).toBe(200);
    // Confirming is the shop's (CUS-3).
    expect((await changeCommand('ret-1', 'ConfirmOrderChange', {}, olgaToken)).status).toBe(403);

    const read = await fetch(`${shop.url}/api/order-changes/ret-1`, { headers: bearer(admin) });
    const view = (await read.json()) as {
      change: { status: string };
      preview: { refundOwed: number; receipts: { operation: string }[] } | null;
    };
    expect(view.change.status).toBe('requested');
    expect(view.preview?.refundOwed).toBeGreaterThan(0);
    expect(view.preview?.receipts.map((r) => r.operation)).toContain('income-return');

    const confirmed = await changeCommand('ret-1', 'ConfirmOrderChange', { refundTo: 'store-credit' }, admin);
    expect(confirmed.status, await confirmed.clone().text()).toBe(200);
    const received = await changeCommand(
      'ret-1',
      'ReceiveReturn',
      { items: [{ lineId: 'l2', qty: 2, condition: 'sellable', restock: true }] },
      admin,
    );
    expect(received.status, await received.clone().text()).toBe(200);

    const change = (await shop.shop.change('ret-1'))!.state;
    expect(change.status).toBe('applied');
    const order = (await shop.shop.order('ret-o1'))!.state;
    expect(order.returnedQty?.['l2']).toBe(2);
    const refunded = order.payments.reduce((sum, p) => sum + p.refunded, 0);
    expect(refunded).toBe(view.preview?.refundOwed);
    expect(change.applied?.credited?.amount).toBe(refunded);

    const orderJson = (await (await fetch(`${shop.url}/api/orders/ret-o1`, { headers: bearer(admin) })).json()) as {
      receipts: { receipt: { operation: string; total: { amount: number }; items: { lineId?: string }[] } }[];
    };
    const returns = orderJson.receipts.filter((r) => r.receipt.operation === 'income-return');
    expect(returns.map((r) => r.receipt.total.amount)).toEqual([refunded]);
    expect(returns[0]?.receipt.items.every((i) => i.lineId?.startsWith('l2'))).toBe(true);
    expect(shop.shop.restocks()).toEqual([
      expect.objectContaining({ lines: [expect.objectContaining({ lineId: 'l2', qty: 2 })] }),
    ]);

    const credit = (await (await fetch(`${shop.url}/api/me/credit`, { headers: bearer(olgaToken) })).json()) as {
      balances: { amount: number; currency: string }[];
      receipts: { operation: string; total: { amount: number } }[];
    };
    expect(credit.balances).toEqual([{ amount: refunded, currency: 'RUB' }]);
    // The account holds the money as the customer's advance: its own receipt (seed 003, REC-2).
    expect(credit.receipts.map((r) => [r.operation, r.total.amount])).toEqual([['income', refunded]]);
    const listed = (await (
      await fetch(`${shop.url}/api/orders/ret-o1/changes`, { headers: bearer(olgaToken) })
    ).json()) as { changes: { change: { changeId: string; status: string } }[] };
    expect(listed.changes.map((c) => [c.change.changeId, c.change.status])).toEqual([['ret-1', 'applied']]);
    const notices = (await (
      await fetch(`${shop.url}/api/orders/ret-o1/changes`, { headers: bearer(admin) })
    ).json()) as { notifications: { notification: { audience: string; step: string; language?: string } }[] };
    const steps = notices.notifications.map((n) => `${n.notification.audience}:${n.notification.step}`);
    expect(steps).toEqual(expect.arrayContaining(['admin:requested', 'customer:confirmed', 'customer:applied']));
    expect(notices.notifications.find((n) => n.notification.audience === 'customer')?.notification.language).toBe('ru');
  });

  it('a customer cannot act on another customer’s order or change (404, as the order routes); nothing is written', async () => {
    const begin = await fetch(`${shop.url}/api/orders/ret-o1/changes`, json({ kind: 'return' }, bearer(ivanToken)));
    expect(begin.status).toBe(404);
    expect(await shop.shop.changesOf('ret-o1')).toEqual(['ret-1']);
    const before = (await shop.shop.change('ret-1'))!.version;
    expect((await changeCommand('ret-1', 'CancelOrderChange', { reason: 'mine' }, ivanToken)).status).toBe(404);
    expect((await fetch(`${shop.url}/api/order-changes/ret-1`, { headers: bearer(ivanToken) })).status).toBe(404);
    expect((await fetch(`${shop.url}/api/customers/cust-olga/credit`, { headers: bearer(ivanToken) })).status).toBe(
      404,
    );
    expect((await shop.shop.change('ret-1'))!.version).toBe(before);
    // An edit is the shop's: a customer may not begin one.
    const edit = await fetch(`${shop.url}/api/orders/ret-i1/changes`, json({ kind: 'edit' }, bearer(ivanToken)));
    expect(edit.status).toBe(403);
  });

  it('a malformed command body is 422 naming each field and rule; nothing is written', async () => {
    const begun = await fetch(
      `${shop.url}/api/orders/ret-i1/changes`,
      json({ kind: 'return', changeId: 'ret-2' }, bearer(ivanToken)),
    );
    expect(begun.status).toBe(201);
    const before = (await shop.shop.change('ret-2'))!.version;
    const bad = await changeCommand(
      'ret-2',
      'StageReturnItem',
      { item: { lineId: 'l2', qty: 1.5, reason: 'wrong-size' }, quantity: 1 },
      ivanToken,
    );
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toBe('application/problem+json');
    const problem = (await bad.json()) as { code: string; errors: { path: string; rule: string }[] };
    expect(problem.code).toBe('validation-failed');
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'item.qty', rule: 'PositiveInteger' }),
        expect.objectContaining({ path: 'quantity', rule: 'unknown field' }),
      ]),
    );
    const badBegin = await fetch(`${shop.url}/api/orders/ret-i1/changes`, json({ kind: 'swap' }, bearer(ivanToken)));
    expect(badBegin.status).toBe(422);
    expect(((await badBegin.json()) as { errors: { path: string }[] }).errors[0]?.path).toBe('kind');
    // The basis is the server's: a caller sending one is refused, nothing begun.
    const withBasis = await fetch(
      `${shop.url}/api/orders/ret-i1/changes`,
      json({ kind: 'return', changeId: 'ret-3', basis: { orderId: 'ret-o1' } }, bearer(ivanToken)),
    );
    expect(withBasis.status).toBe(422);
    expect(((await withBasis.json()) as { errors: { path: string; rule: string }[] }).errors).toEqual([
      expect.objectContaining({ path: 'basis', rule: 'unknown field' }),
    ]);
    expect(await shop.shop.change('ret-3')).toBeUndefined();
    expect((await shop.shop.change('ret-2'))!.version).toBe(before);
    expect((await shop.shop.change('ret-2'))!.state.items).toEqual([]);
  });

  it('the change’s ETag is its stream version: a stale If-Match is 412 and writes nothing', async () => {
    const read = await fetch(`${shop.url}/api/order-changes/ret-2`, { headers: bearer(ivanToken) });
    const etag = read.headers.get('etag')!;
    expect(etag).toMatch(/^"v\d+"$/);
    const staged = await fetch(
      `${shop.url}/api/order-changes/ret-2/commands/StageReturnItem`,
      json({ item: { lineId: 'l2', qty: 1, reason: 'changed-mind' } }, { ...bearer(ivanToken), 'if-match': etag }),
    );
    expect(staged.status, await staged.clone().text()).toBe(200);
    const before = (await shop.shop.change('ret-2'))!;
    const stale = await fetch(
      `${shop.url}/api/order-changes/ret-2/commands/StageReturnItem`,
      json({ item: { lineId: 'l1', qty: 1, reason: 'changed-mind' } }, { ...bearer(ivanToken), 'if-match': etag }),
    );
    expect(stale.status).toBe(412);
    expect(((await stale.json()) as { code: string }).code).toBe('version-mismatch');
    const after = (await shop.shop.change('ret-2'))!;
    expect(after.version).toBe(before.version);
    expect(after.state.items.map((i) => i.lineId)).toEqual(['l2']);
  });

  it('an admin issues goodwill credit; a customer may not', async () => {
    const issued = await fetch(
      `${shop.url}/api/customers/cust-ivan/credit/goodwill`,
      json({ amount: { amount: 50_000, currency: 'RUB' }, reason: 'late parcel' }, bearer(admin)),
    );
    expect(issued.status, await issued.clone().text()).toBe(201);
    const credit = (await (await fetch(`${shop.url}/api/me/credit`, { headers: bearer(ivanToken) })).json()) as {
      balances: unknown[];
    };
    expect(credit.balances).toEqual([{ amount: 50_000, currency: 'RUB' }]);
    const self = await fetch(
      `${shop.url}/api/customers/cust-ivan/credit/goodwill`,
      json({ amount: { amount: 50_000, currency: 'RUB' }, reason: 'me' }, bearer(ivanToken)),
    );
    expect(self.status).toBe(403);
  });
});
