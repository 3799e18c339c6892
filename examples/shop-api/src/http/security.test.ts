import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { financialStatus } from '@ordersource/domain';
import { checkoutBody } from '../fixtures.js';
import {
  ADMIN,
  adminToken,
  bearer,
  csrfOf,
  formClient,
  invitationLink,
  json,
  placeOrder,
  signedWebhook,
  signUp,
  startTestShop,
  type TestShop,
} from '../test-support/shop.js';

/**
 * Security of the example shop (issue 16): a customer's token on another
 * customer's order, forms without their CSRF token, unsigned / forged /
 * replayed webhooks, hostile strings in every field, login rate limits.
 */
const olga = { id: 'cust-olga', name: 'Olga Petrova', email: 'olga@example.ru', language: 'ru' };
const ivan = { id: 'cust-ivan', name: 'Ivan Sidorov', email: 'ivan@example.ru', language: 'ru' };
let now = Math.floor(Date.now() / 1000);
let shop: TestShop;
let admin: string;

beforeAll(async () => {
  shop = await startTestShop({ nowSeconds: () => now, loginAttempts: 5 });
  admin = await adminToken(shop.url);
  await placeOrder(shop.url, checkoutBody({ orderId: 'olga-1', orderNumber: 'SO-O1', customer: olga, offline: true }));
  await placeOrder(shop.url, checkoutBody({ orderId: 'ivan-1', orderNumber: 'SO-I1', customer: ivan, offline: true }));
  await shop.shop.notifier.drain();
});
afterAll(async () => {
  await shop.stop();
});

const customerToken = async (email: string, password: string): Promise<string> => {
  const response = await fetch(`${shop.url}/api/session/customer`, json({ email, password }));
  expect(response.status, await response.clone().text()).toBe(201);
  return ((await response.json()) as { token: string }).token;
};

describe('CUS-3: a customer sees and acts on her own orders only', () => {
  it('Ivan’s token on Olga’s order is 404 (API and portal), on his own 200; he may not list all orders', async () => {
    await signUp(shop, 'olga-1', 'olga-password-1');
    const ivanPortal = await signUp(shop, 'ivan-1', 'ivan-password-1');
    const token = await customerToken('ivan@example.ru', 'ivan-password-1');
    expect((await fetch(`${shop.url}/api/orders/olga-1`, { headers: bearer(token) })).status).toBe(404);
    expect((await fetch(`${shop.url}/api/orders/ivan-1`, { headers: bearer(token) })).status).toBe(200);
    expect((await fetch(`${shop.url}/api/orders`, { headers: bearer(token) })).status).toBe(403);
    const act = await fetch(
      `${shop.url}/api/orders/olga-1/commands/CancelOrder`,
      json({ reason: 'mine now' }, bearer(token)),
    );
    expect(act.status).toBe(404);
    expect((await shop.shop.order('olga-1'))!.state.status).not.toBe('cancelled');
    expect((await ivanPortal.get('/portal/orders/olga-1')).status).toBe(404);
    expect((await ivanPortal.get('/portal/orders/ivan-1')).status).toBe(200);
    const mine = (await (await fetch(`${shop.url}/api/me/orders`, { headers: bearer(token) })).json()) as {
      orders: { orderId: string }[];
    };
    expect(mine.orders.map((o) => o.orderId)).toEqual(['ivan-1']);
  });

  it('the guest status page opens with the order’s token only', async () => {
    const placed = await placeOrder(
      shop.url,
      checkoutBody({
        orderId: 'guest-1',
        orderNumber: 'SO-G1',
        customer: { ...ivan, id: 'cust-guest', email: 'g@example.ru' },
      }),
    );
    const statusUrl = new URL(placed.body['statusUrl'] as string);
    expect((await fetch(`${shop.url}${statusUrl.pathname}${statusUrl.search}`)).status).toBe(200);
    statusUrl.searchParams.set('order', 'olga-1');
    expect((await fetch(`${shop.url}${statusUrl.pathname}${statusUrl.search}`)).status).toBe(404);
    statusUrl.searchParams.set('order', 'guest-1');
    statusUrl.searchParams.set('token', 'forged-token');
    expect((await fetch(`${shop.url}${statusUrl.pathname}${statusUrl.search}`)).status).toBe(404);
  });
});

describe('CSRF', () => {
  it('an admin form posted without the session’s CSRF token is refused (403) and changes nothing; with it, it passes', async () => {
    const browser = formClient(shop.url);
    expect((await browser.login('/admin/login', ADMIN)).status).toBe(303);
    const page = await (await browser.get('/admin/orders/olga-1')).text();
    const before = (await shop.shop.order('olga-1'))!.version;
    const forged = await browser.post('/admin/orders/olga-1/actions/ProcessOrder', { status: 'Forged' });
    expect(forged.status).toBe(403);
    const wrong = await browser.post('/admin/orders/olga-1/actions/ProcessOrder', {
      status: 'Forged',
      _csrf: 'x'.repeat(43),
    });
    expect(wrong.status).toBe(403);
    expect((await shop.shop.order('olga-1'))!.version).toBe(before);
    const real = await browser.post('/admin/orders/olga-1/actions/ProcessOrder', {
      status: 'Checked',
      _csrf: csrfOf(page),
    });
    expect(real.status).toBe(303);
    expect((await shop.shop.order('olga-1'))!.state.processing.status).toBe('Checked');
  });

  it('an API call on a cookie session needs X-CSRF-Token; a bearer token does not', async () => {
    const browser = formClient(shop.url);
    await browser.login('/admin/login', ADMIN);
    const cookieOnly = await fetch(
      `${shop.url}/api/orders/olga-1/commands/ProcessOrder`,
      json({ status: 'Via cookie' }, { cookie: browser.cookie() }),
    );
    expect(cookieOnly.status).toBe(403);
    expect(((await cookieOnly.json()) as { code: string }).code).toBe('csrf-token-missing');
    const withBearer = await fetch(
      `${shop.url}/api/orders/olga-1/commands/ProcessOrder`,
      json({ status: 'Via token' }, bearer(admin)),
    );
    expect(withBearer.status).toBe(200);
  });
});

describe('payment webhook', () => {
  const event = (id: string, type = 'payment.authorized') => ({
    id,
    type,
    data: {
      orderId: 'olga-1',
      paymentId: 'olga-1-pay',
      amount: { amount: 700_000, currency: 'RUB' },
      providerReference: 'psp-1',
      message: 'Approved',
    },
  });

  it('unsigned, forged, malformed and out-of-window requests are refused and record nothing', async () => {
    const before = (await shop.shop.order('olga-1'))!.version;
    const body = JSON.stringify(event('evt-1'));
    const unsigned = await fetch(`${shop.url}/webhooks/payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(unsigned.status).toBe(401);
    expect(((await unsigned.json()) as { code: string }).code).toBe('webhook-missing-signature');
    const forged = await fetch(`${shop.url}/webhooks/payments`, signedWebhook(event('evt-1'), now, 'not-the-secret'));
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as { code: string }).code).toBe('webhook-bad-signature');
    const old = await fetch(`${shop.url}/webhooks/payments`, signedWebhook(event('evt-1'), now - 3600));
    expect(old.status).toBe(400);
    expect(((await old.json()) as { code: string }).code).toBe('webhook-outside-window');
    // A valid signature over a body whose bytes were changed afterwards.
    const signed = signedWebhook(event('evt-1'), now);
    const tampered = await fetch(`${shop.url}/webhooks/payments`, {
      ...signed,
      body: (signed.body as string).replace('700000', '1'),
    });
    expect(tampered.status).toBe(401);
    expect((await shop.shop.order('olga-1'))!.version).toBe(before);
  });

  it('a signed event is recorded once: a retry or a replay inside the window with the same event id appends nothing', async () => {
    const request = signedWebhook(event('evt-2'), now);
    const first = await fetch(`${shop.url}/webhooks/payments`, request);
    expect(first.status, await first.clone().text()).toBe(200);
    expect(((await first.json()) as { duplicate: boolean }).duplicate).toBe(false);
    const version = (await shop.shop.order('olga-1'))!.version;
    const replay = await fetch(`${shop.url}/webhooks/payments`, request);
    expect(replay.status).toBe(200);
    expect(((await replay.json()) as { duplicate: boolean }).duplicate).toBe(true);
    expect((await shop.shop.order('olga-1'))!.version).toBe(version);
    expect((await shop.shop.order('olga-1'))!.state.payments[0]?.status).toBe('authorized');
    // The replay window: the same request an hour later is refused outright.
    now += 3600;
    expect((await fetch(`${shop.url}/webhooks/payments`, request)).status).toBe(400);
    now -= 3600;
    const undecodable = await fetch(
      `${shop.url}/webhooks/payments`,
      signedWebhook({ id: 'evt-3', type: 'payment.stolen', data: {} }, now),
    );
    expect(undecodable.status).toBe(422);
  });

  it('PAY-1/PAY-5 (issue 9.3): asynchronous outcomes arrive as webhooks: capture, a dispute opened and lost, each once', async () => {
    const send = async (id: string, type: string, extra: Record<string, unknown> = {}) => {
      const base = event(id, type);
      const response = await fetch(
        `${shop.url}/webhooks/payments`,
        signedWebhook({ ...base, data: { ...base.data, ...extra } }, now),
      );
      expect(response.status, await response.clone().text()).toBe(200);
      return (await response.json()) as { command: string; events: string[] };
    };
    expect((await send('evt-c1', 'payment.captured')).events).toContain('PaymentCaptured');
    expect((await send('evt-d1', 'dispute.opened', { disputeId: 'dp-1' })).command).toBe('OpenDispute');
    expect(financialStatus((await shop.shop.order('olga-1'))!.state)).toBe('disputed');
    expect((await send('evt-d2', 'dispute.lost', { disputeId: 'dp-1' })).events).toEqual(['DisputeClosed']);
    // The same outcome reported again under another event id changes nothing.
    expect((await send('evt-d3', 'dispute.lost', { disputeId: 'dp-1' })).events).toEqual([]);
    expect(financialStatus((await shop.shop.order('olga-1'))!.state)).toBe('charged_back');
  });
});

describe('hostile strings are escaped in every page', () => {
  const hostile = `<script>alert(1)</script>"'><img src=x onerror=alert(2)>`;
  it('a checkout and an admin note full of markup come out as text in the admin and portal pages', async () => {
    const evil = { id: 'cust-evil', name: `Eve ${hostile}`, email: 'eve@example.ru', language: 'fa' };
    const body = checkoutBody({
      orderId: 'evil-1',
      orderNumber: `SO-${hostile}`,
      customer: evil,
      remark: hostile,
      offline: true,
    });
    const address = { name: hostile, line1: hostile, city: hostile, country: 'RU' };
    const placed = await placeOrder(shop.url, { ...body, billingAddress: address, shippingAddress: address });
    expect(placed.response.status, JSON.stringify(placed.body)).toBe(201);
    await fetch(
      `${shop.url}/api/orders/evil-1/commands/ProcessOrder`,
      json(
        { status: hostile, note: hostile, noteVisibleToCustomer: true, carrier: hostile, trackingReference: hostile },
        bearer(admin),
      ),
    );
    const browser = formClient(shop.url);
    await browser.login('/admin/login', ADMIN);
    const pages = [
      await (await browser.get('/admin/orders/evil-1')).text(),
      await (await browser.get('/admin/orders')).text(),
      await (await browser.get('/admin/orders/evil-1/print')).text(),
      await (await browser.get(`/admin/orders?q=${encodeURIComponent(hostile)}`)).text(),
    ];
    const portal = await signUp(shop, 'evil-1', 'eve-password-1');
    pages.push(await (await portal.get('/portal')).text(), await (await portal.get('/portal/orders/evil-1')).text());
    for (const page of pages) {
      expect(page).not.toContain('<script>alert');
      expect(page).not.toContain('<img src=x');
      expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
    // Persian customer: her portal is right to left.
    expect(pages[4]).toContain('dir="rtl"');
  });
});

describe('login CSRF: the login and sign-up forms carry a pre-session token bound to a cookie', () => {
  it('a login or sign-up post without the form’s token (or with another browser’s) is 403 and logs nobody in; with it, it works', async () => {
    const sessionSet = (response: Response) =>
      response.headers.getSetCookie().some((c) => c.startsWith('shop_session='));
    // No cookie, no token: what a form on another site posts.
    const bare = await formClient(shop.url).post('/admin/login', ADMIN);
    expect(bare.status).toBe(403);
    expect(sessionSet(bare)).toBe(false);
    // The attacker's own token (from the page she opened) does not go with the victim's cookie.
    const attacker = formClient(shop.url);
    const attackerToken = csrfOf(await (await attacker.get('/admin/login')).text());
    const victim = formClient(shop.url);
    await victim.get('/admin/login');
    expect(victim.cookie()).toBe('');
    const crossed = await victim.post('/admin/login', { ...ADMIN, _csrf: attackerToken });
    expect(crossed.status).toBe(403);
    expect(sessionSet(crossed)).toBe(false);
    // A token without its cookie.
    expect((await formClient(shop.url).post('/admin/login', { ...ADMIN, _csrf: attackerToken })).status).toBe(403);

    const lena = { id: 'cust-lena', name: 'Lena Orlova', email: 'lena@example.ru', language: 'ru' };
    await placeOrder(
      shop.url,
      checkoutBody({ orderId: 'lena-1', orderNumber: 'SO-L1', customer: lena, offline: true }),
    );
    await shop.shop.notifier.drain();
    // Sign-up (CUS-1): the invitation's own form without its token is refused, the invitation stays unused.
    const link = new URL(invitationLink(shop.shop, 'lena-1'));
    const forgedSignUp = await formClient(shop.url).post('/portal/signup', {
      customer: link.searchParams.get('customer') ?? '',
      token: link.searchParams.get('token') ?? '',
      name: 'Mallory',
      password: 'mallory-password-1',
    });
    expect(forgedSignUp.status).toBe(403);
    expect((await shop.shop.customer('cust-lena'))?.status).toBe('guest');
    await signUp(shop, 'lena-1', 'lena-password-1');

    // Portal login: refused without the token, logged in with it.
    const browser = formClient(shop.url);
    const forgedLogin = await browser.post('/portal/login', { email: lena.email, password: 'lena-password-1' });
    expect(forgedLogin.status).toBe(403);
    expect(sessionSet(forgedLogin)).toBe(false);
    const login = await browser.login('/portal/login', { email: lena.email, password: 'lena-password-1' });
    expect(login.status).toBe(303);
    expect(sessionSet(login)).toBe(true);
    expect((await browser.get('/portal')).status).toBe(200);
  });
});

describe('login rate limit', () => {
  it('after 5 tries in a minute the next is 429 with Retry-After, before any password is checked', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const response = await fetch(
        `${shop.url}/api/session/admin`,
        json({ username: 'mallory', password: `guess-${i}` }),
      );
      statuses.push(response.status);
      if (response.status === 429) expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(2);
    expect(statuses.slice(0, 1)).toEqual([401]);
  });
});
