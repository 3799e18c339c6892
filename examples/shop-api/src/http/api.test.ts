import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutBody } from '../fixtures.js';
import { adminToken, bearer, json, placeOrder, startTestShop, type TestShop } from '../test-support/shop.js';

/**
 * HTTP the way API users expect it: RFC 9457 problems with field paths,
 * Idempotency-Key as the command id, ETag / If-Match as the stream version,
 * body limits. On an in-memory PGlite, over a real loopback socket.
 */
const olga = { id: 'cust-olga', name: 'Olga Petrova', email: 'olga@example.ru', language: 'ru' };
let shop: TestShop;
let admin: string;

beforeAll(async () => {
  shop = await startTestShop();
  admin = await adminToken(shop.url);
});
afterAll(async () => {
  await shop.stop();
});

describe('problem details (RFC 9457)', () => {
  it('a checkout that does not decode is 422 application/problem+json naming each field and rule; nothing is written', async () => {
    const body = checkoutBody({ orderId: 'bad-1', orderNumber: 'SO-BAD', customer: olga });
    const response = await fetch(
      `${shop.url}/api/orders`,
      json({ ...body, total: { amount: 70.5, currency: 'RUB' }, ammount: 1 }),
    );
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const problem = (await response.json()) as {
      type: string;
      code: string;
      status: number;
      errors: { path: string; rule: string }[];
    };
    expect(problem).toMatchObject({ type: '/problems/validation-failed', code: 'validation-failed', status: 422 });
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'total.amount', rule: 'SafeInteger' }),
        expect.objectContaining({ path: 'ammount', rule: 'unknown field' }),
      ]),
    );
    expect(await shop.shop.order('bad-1')).toBeUndefined();
  });

  it('a business refusal carries the domain code; malformed JSON, a wrong media type and unknown routes are problems too', async () => {
    await placeOrder(shop.url, checkoutBody({ orderId: 'p-1', orderNumber: 'SO-P1', customer: olga }));
    const refund = await fetch(
      `${shop.url}/api/orders/p-1/commands/RefundPayment`,
      json({ refundId: 'r1', amount: { amount: 100, currency: 'RUB' } }, bearer(admin)),
    );
    expect(refund.status).toBe(422);
    expect(((await refund.json()) as { code: string }).code).toBe('nothing-to-refund');

    const malformed = await fetch(`${shop.url}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":',
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { code: string }).code).toBe('malformed-json');
    const text = await fetch(`${shop.url}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hi',
    });
    expect(text.status).toBe(415);
    const missing = await fetch(`${shop.url}/nowhere`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
  });

  it('a body over the limit is refused with 413 before it is parsed', async () => {
    const response = await fetch(`${shop.url}/api/orders`, json({ remark: 'x'.repeat(70 * 1024) }));
    expect(response.status).toBe(413);
    expect(((await response.json()) as { code: string }).code).toBe('body-too-large');
  });
});

describe('Idempotency-Key -> command id', () => {
  it('the same checkout sent twice with one key places one order; the repeat says so', async () => {
    const body = checkoutBody({ orderId: 'idem-1', orderNumber: 'SO-IDEM', customer: olga });
    const first = await placeOrder(shop.url, body, 'checkout-7f3a');
    const second = await placeOrder(shop.url, body, 'checkout-7f3a');
    expect(first.response.status).toBe(201);
    expect(second.response.status).toBe(200);
    expect(second.response.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body['duplicate']).toBe(true);
    const events: string[] = [];
    for await (const e of shop.shop.store.read('order-idem-1')) events.push(e.event.type);
    expect(events.filter((t) => t === 'OrderPlaced')).toHaveLength(1);

    const hold = () =>
      fetch(
        `${shop.url}/api/orders/idem-1/commands/HoldFulfillment`,
        json({ reason: 'stock check' }, { ...bearer(admin), 'idempotency-key': 'hold-1' }),
      );
    expect((await hold()).status).toBe(200);
    const repeat = await hold();
    expect(((await repeat.json()) as { duplicate: boolean }).duplicate).toBe(true);
  });

  it('a key that is not visible ASCII is a 400 problem', async () => {
    const response = await fetch(`${shop.url}/api/orders`, json({}, { 'idempotency-key': 'a b' }));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe('invalid-idempotency-key');
  });
});

describe('ETag / If-Match -> stream version', () => {
  it('GET gives the version as ETag; a write with a stale If-Match is 412 and writes nothing; the current one passes', async () => {
    await placeOrder(shop.url, checkoutBody({ orderId: 'etag-1', orderNumber: 'SO-ETAG', customer: olga }));
    const read = await fetch(`${shop.url}/api/orders/etag-1`, { headers: bearer(admin) });
    const etag = read.headers.get('etag')!;
    expect(etag).toMatch(/^"v\d+"$/);
    const notModified = await fetch(`${shop.url}/api/orders/etag-1`, {
      headers: { ...bearer(admin), 'if-none-match': etag },
    });
    expect(notModified.status).toBe(304);

    const processed = await fetch(
      `${shop.url}/api/orders/etag-1/commands/ProcessOrder`,
      json({ status: 'Packing' }, { ...bearer(admin), 'if-match': etag }),
    );
    expect(processed.status).toBe(200);
    const after = processed.headers.get('etag');
    expect(after).not.toBe(etag);

    const before = (await shop.shop.order('etag-1'))!.version;
    const stale = await fetch(
      `${shop.url}/api/orders/etag-1/commands/ProcessOrder`,
      json({ status: 'Packed' }, { ...bearer(admin), 'if-match': etag }),
    );
    expect(stale.status).toBe(412);
    expect((await stale.json()) as object).toMatchObject({ code: 'version-mismatch', status: 412 });
    expect((await shop.shop.order('etag-1'))!.version).toBe(before);
    expect((await shop.shop.order('etag-1'))!.state.processing.status).toBe('Packing');

    const bad = await fetch(
      `${shop.url}/api/orders/etag-1/commands/ProcessOrder`,
      json({ status: 'x' }, { ...bearer(admin), 'if-match': 'yesterday' }),
    );
    expect(bad.status).toBe(400);
  });
});

describe('payment links (PAY-3)', () => {
  it('a link for part of the balance answers its URL and a QR code image', async () => {
    await placeOrder(shop.url, checkoutBody({ orderId: 'link-1', orderNumber: 'SO-LINK', customer: olga }));
    // The checkout's own request covers the total (links never exceed the order): it is voided first.
    const voided = await fetch(
      `${shop.url}/api/orders/link-1/commands/VoidPayment`,
      json({ paymentId: 'link-1-pay', reason: 'customer will pay by link' }, bearer(admin)),
    );
    expect(voided.status, await voided.clone().text()).toBe(200);
    const created = await fetch(
      `${shop.url}/api/orders/link-1/payment-links`,
      json({ amount: { amount: 100_000, currency: 'RUB' }, channel: 'telegram' }, bearer(admin)),
    );
    const body = (await created.json()) as { url?: string; qrPng?: string; qrDataUrl?: string; code?: string };
    expect(created.status, JSON.stringify(body)).toBe(201);
    expect(body.url).toContain('/pay/link-1/');
    expect(body.qrDataUrl).toMatch(/^data:image\/png;base64,/);
    const png = await fetch(`${shop.url}${body.qrPng}`, { headers: bearer(admin) });
    expect(png.headers.get('content-type')).toBe('image/png');
    const bytes = new Uint8Array(await png.arrayBuffer());
    expect([...bytes.slice(1, 4)].map((b) => String.fromCharCode(b)).join('')).toBe('PNG');
    // More than the balance is refused (PAY-3): open requests count against it.
    const beyond = await fetch(
      `${shop.url}/api/orders/link-1/payment-links`,
      json({ amount: { amount: 700_000, currency: 'RUB' } }, bearer(admin)),
    );
    expect(beyond.status).toBe(422);
  });
});

describe('notifications (NOT-2, NOT-3)', () => {
  it('process order with an e-mail sends one message, in the chosen language, recorded once on the order', async () => {
    await placeOrder(
      shop.url,
      checkoutBody({ orderId: 'note-1', orderNumber: 'SO-NOTE', customer: olga, offline: true }),
    );
    const processed = await fetch(
      `${shop.url}/api/orders/note-1/commands/ProcessOrder`,
      json(
        {
          status: 'Packed',
          note: 'Leaves tomorrow',
          noteVisibleToCustomer: true,
          notify: { email: true, sms: false },
          mailLanguage: 'fr',
        },
        bearer(admin),
      ),
    );
    expect(processed.status).toBe(200);
    const updates = shop.shop.notifier
      .sentFor('note-1')
      .filter((m) => m.audience === 'customer' && m.text.includes('Leaves tomorrow'));
    expect(updates).toHaveLength(1);
    expect(updates[0]?.language).toBe('fr');
    const recorded: string[] = [];
    for await (const e of shop.shop.store.read('order-note-1'))
      if (e.event.type === 'NotificationSent') recorded.push(JSON.stringify(e.event.data));
    // The confirmation, the shop's alert and the update: each recorded once, nothing announced about a record.
    expect(recorded.filter((r) => r.includes('"customer"'))).toHaveLength(2);
    expect(recorded).toHaveLength(3);
  });
});
