import { createPgliteExecutor, createPostgresEventStore } from '@ordersource/postgres';
import { signatureHeader } from '@ordersource/notify';
import type { EventStore } from '@ordersource/core';
import { startShop, type RunningShop } from '../server.js';

/**
 * A running example shop for tests: on an in-memory PGlite unless a store is
 * given, on a free loopback port, messages kept in the outbox (nothing
 * printed), scrypt at its cheapest accepted cost so logins stay fast.
 */

export const ADMIN = { username: 'ann', password: 'ann-password-1' } as const;
export const WEBHOOK_SECRET = 'whsec-test-secret';
export const FAST_SCRYPT = { log2N: 10, r: 8, p: 1 } as const;

export type TestShop = RunningShop & Readonly<{ stop: () => Promise<void> }>;

export const startTestShop = async (
  options: Readonly<{
    store?: EventStore;
    loginAttempts?: number;
    nowSeconds?: () => number;
    /** "outbox" unless given: an smtp:// URL sends the e-mails (issue 17's test, to a loopback server). */
    transport?: string;
  }> = {},
): Promise<TestShop> => {
  const executor = options.store === undefined ? await createPgliteExecutor() : undefined;
  const store = options.store ?? (await createPostgresEventStore(executor!));
  const running = await startShop({
    store,
    admins: { [ADMIN.username]: ADMIN.password },
    webhookSecrets: [WEBHOOK_SECRET],
    notifier: { transport: options.transport ?? 'outbox' },
    scrypt: FAST_SCRYPT,
    config: {
      loginLimit: { attempts: options.loginAttempts ?? 50, windowMs: 60_000 },
      ...(options.nowSeconds === undefined ? {} : { nowSeconds: options.nowSeconds }),
    },
  });
  return {
    ...running,
    stop: async () => {
      await running.close();
      if (executor !== undefined) {
        await store.close();
        await executor.close();
      }
    },
  };
};

export const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

/** An admin API token. */
export const adminToken = async (url: string): Promise<string> => {
  const response = await fetch(`${url}/api/session/admin`, json(ADMIN));
  if (response.status !== 201) throw new Error(`admin login: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
};

/** The payment provider's request: the body signed with the shared secret at `timestamp`. */
export const signedWebhook = (
  event: unknown,
  timestamp = Math.floor(Date.now() / 1000),
  secret = WEBHOOK_SECRET,
): RequestInit => {
  const body = JSON.stringify(event);
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'ordersource-signature': signatureHeader([secret], timestamp, body),
    },
    body,
  };
};

/** Place an order through the API as the storefront does (a guest checkout). */
export const placeOrder = async (url: string, body: Record<string, unknown>, key?: string) => {
  const response = await fetch(`${url}/api/orders`, json(body, key === undefined ? {} : { 'idempotency-key': key }));
  return { response, body: (await response.json()) as Record<string, unknown> };
};

/** The invitation link (CUS-1) of an order, as its confirmation e-mail carried it. */
export const invitationLink = (shop: RunningShop['shop'], orderId: string): string => {
  const mail = shop.notifier.sentFor(orderId).find((m) => m.audience === 'customer' && m.channel === 'email');
  const link = mail?.text.match(/https?:\/\/\S+\/portal\/signup\?\S+/)?.[0];
  if (link === undefined) throw new Error(`no invitation in the confirmation of ${orderId}`);
  // Bidi isolation marks of the templates (U+2068/U+2069) are not part of the link.
  return link.replace(/[\u2066-\u2069]/g, '');
};

/**
 * A browser-like client without a browser: keeps its cookies (the session and
 * the login form's CSRF nonce), posts forms, never follows redirects.
 */
export const formClient = (url: string) => {
  const jar = new Map<string, string>();
  let cookie = '';
  const remember = (response: Response) => {
    for (const set of response.headers.getSetCookie()) {
      const match = set.match(/^([^=;]+)=([^;]*)/);
      if (match === null) continue;
      const [, name, value] = match as unknown as [string, string, string];
      if (value === '' || /max-age=0/i.test(set)) jar.delete(name);
      else jar.set(name, value);
    }
    cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  };
  const client = {
    get: async (path: string) => {
      const response = await fetch(`${url}${path}`, { headers: cookie === '' ? {} : { cookie }, redirect: 'manual' });
      remember(response);
      return response;
    },
    post: async (path: string, form: Record<string, string>) => {
      const response = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie === '' ? {} : { cookie }) },
        body: new URLSearchParams(form).toString(),
        redirect: 'manual',
      });
      remember(response);
      return response;
    },
    /** Only the session cookie (what a cookie-authenticated API call sends). */
    cookie: () => (jar.has('shop_session') ? `shop_session=${jar.get('shop_session')}` : ''),
    /** Open a login page and post its form, with the page's pre-session CSRF token. */
    login: async (path: string, form: Record<string, string>) => {
      const page = await client.get(path);
      return client.post(path, { ...form, _csrf: csrfOf(await page.text()) });
    },
  };
  return client;
};

/** The CSRF token a page's forms carry. */
export const csrfOf = (page: string): string => {
  const token = page.match(/name="_csrf" value="([^"]+)"/)?.[1];
  if (token === undefined) throw new Error('no CSRF token on the page');
  return token;
};

/** CUS-1: accept the invitation of an order's confirmation through the sign-up form; returns the logged-in client. */
export const signUp = async (running: RunningShop, orderId: string, password: string) => {
  const link = new URL(invitationLink(running.shop, orderId));
  const client = formClient(running.url);
  const form = await client.get(`${link.pathname}${link.search}`);
  if (form.status !== 200) throw new Error(`sign-up page: ${form.status}`);
  const text = await form.text();
  const lang = text.match(/name="lang" value="([^"]*)"/)?.[1] ?? 'en';
  const posted = await client.post('/portal/signup', {
    _csrf: csrfOf(text),
    lang,
    customer: link.searchParams.get('customer') ?? '',
    token: link.searchParams.get('token') ?? '',
    name: 'New Name',
    password,
  });
  if (posted.status !== 303) throw new Error(`sign-up: ${posted.status} ${await posted.text()}`);
  return client;
};
