import type { Context, Hono } from 'hono';
import * as E from 'fp-ts/lib/Either.js';
import QRCode from 'qrcode';
import { verifyPassword } from '@ordersource/accounts';
import { newId, type Actor } from '@ordersource/core';
import {
  customerOrder,
  customerStatusHistory,
  listOrders,
  orderCommandTypes,
  renderOrderSummaryHtml,
  type OrderCommandType,
  type OrderListFilter,
  type OrderState,
} from '@ordersource/domain';
import {
  mayAccess,
  mayActOnOrder,
  myCompanyOrders,
  myOrders,
  myReceipts,
  mySubscriptions,
  type Directory,
} from '@ordersource/domain/customers';
import { adminSubscriptionView, portalSubscriptionView } from '@ordersource/domain/subscriptions';
import {
  clientAddress,
  commandIdOf,
  etagOf,
  ifMatchOf,
  isProblem,
  loginWait,
  nowIso,
  sendProblem,
  sessionOf,
  type Deps,
} from './deps.js';
import { forbidden, notFound, problem, problemOfError } from './problem.js';
import type { Session } from './sessions.js';

/**
 * The JSON API under /api: what a storefront, an admin tool or a script
 * calls. Bodies are the command data the io-ts codecs describe (the OpenAPI
 * document at /openapi.json is generated from the same codecs); every error
 * is a problem document. Browser forms post to the page routes instead.
 */

type Json = Record<string, unknown>;

export const readJson = async (c: Context): Promise<unknown> => {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type))
    return problem(415, 'unsupported-media-type', 'JSON expected', 'send the body as application/json');
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    return problem(
      400,
      'malformed-json',
      'The body is not JSON',
      error instanceof Error ? error.message : 'parse error',
    );
  }
};

const unauthorized = () =>
  problem(401, 'unauthenticated', 'Log in first', 'send a session token as "Authorization: Bearer <token>"');

/** The session, and for cookie sessions the CSRF header: a cookie alone never authorizes a change. */
export const authenticated = (
  c: Context,
  deps: Deps,
  unsafe: boolean,
): { session: Session } | ReturnType<typeof problem> => {
  const found = sessionOf(c, deps);
  if (found === undefined) return unauthorized();
  if (unsafe && found.viaCookie && !deps.sessions.csrfMatches(found.session, c.req.header('x-csrf-token')))
    return problem(403, 'csrf-token-missing', 'CSRF token missing or wrong', 'send the X-CSRF-Token of the session');
  return { session: found.session };
};

/** CUS-3 for one order: admins see all; a customer only what the directory says is hers (else 404, not 403: no probing). */
export const orderVisibleTo = (actor: Actor, state: OrderState, directory: Directory): boolean =>
  actor.kind === 'admin' ||
  (state.details !== null &&
    state.status !== 'discarded' &&
    mayAccess(directory, actor, state.details.customer, state.details.orderId));

const orderFilterOf = (query: Readonly<Record<string, string>>): OrderListFilter => {
  const list = (key: string) =>
    query[key] === undefined || query[key] === '' ? undefined : (query[key].split(',') as never[]);
  const filter: Record<string, unknown> = {};
  for (const key of ['status', 'paymentStatus', 'financialStatus', 'fulfillmentStatus']) {
    const values = list(key);
    if (values !== undefined) filter[key] = values;
  }
  if (query['q'] !== undefined && query['q'] !== '') filter['search'] = query['q'];
  if (query['fraud'] === 'yes') filter['fraudFlagged'] = true;
  if (query['fraud'] === 'no') filter['fraudFlagged'] = false;
  if (query['discarded'] === '1') filter['includeDiscarded'] = true;
  const limit = Number(query['limit'] ?? '100');
  const offset = Number(query['offset'] ?? '0');
  filter['limit'] = Number.isSafeInteger(limit) && limit > 0 && limit <= 1000 ? limit : 100;
  filter['offset'] = Number.isSafeInteger(offset) && offset >= 0 ? offset : 0;
  return filter;
};

export { orderFilterOf };

/** The order as the API returns it: the whole state to an admin, the customer view to a customer. */
const orderJson = async (deps: Deps, actor: Actor, orderId: string, state: OrderState): Promise<Json> => {
  const history = await deps.shop.history(orderId);
  if (actor.kind === 'admin') {
    const receipts = await deps.shop.receipts(orderId);
    return {
      order: state,
      history,
      receipts: receipts === undefined ? [] : receipts.issued.map((id) => receipts.receipts[id]),
      notifications: deps.shop.notifier.sentFor(orderId),
    };
  }
  const model = await deps.shop.ordersModel();
  const owner: Actor = { kind: 'customer', id: state.details?.customer.id ?? actor.id };
  return {
    order: customerOrder(model, owner, orderId),
    history: customerStatusHistory(model, await deps.shop.historyModel(), owner, orderId),
  };
};

/** PAY-3: a payment link's URL on this shop, and its QR code. */
export const paymentUrl = (deps: Deps, orderId: string, paymentId: string): string =>
  `${deps.config.baseUrl}/pay/${encodeURIComponent(orderId)}/${encodeURIComponent(paymentId)}`;

export const qrDataUrl = (text: string): Promise<string> =>
  QRCode.toDataURL(text, { errorCorrectionLevel: 'M', margin: 1, width: 160 });

/** Commands a customer may send through the API; everything else is the shop's. */
const CUSTOMER_COMMANDS = new Set<string>(['ChangeBillingAddress', 'CancelOrder']);

export const registerApiRoutes = (app: Hono, deps: Deps): void => {
  const { shop } = deps;

  // ---- sessions -------------------------------------------------------------

  app.post('/api/session/admin', async (c) => {
    const body = await readJson(c);
    if (isProblem(body)) return sendProblem(c, body);
    const { username, password } = (body ?? {}) as { username?: unknown; password?: unknown };
    if (typeof username !== 'string' || typeof password !== 'string')
      return sendProblem(
        c,
        problem(422, 'validation-failed', 'username and password are required', 'both must be strings', {
          errors: [
            ...(typeof username === 'string'
              ? []
              : [{ path: 'username', rule: 'string', message: 'username: required' }]),
            ...(typeof password === 'string'
              ? []
              : [{ path: 'password', rule: 'string', message: 'password: required' }]),
          ],
        }),
      );
    const wait = loginWait(deps, clientAddress(c), `admin:${username}`);
    if (wait !== undefined)
      return sendProblem(c, problem(429, 'too-many-logins', 'Too many login attempts', `try again in ${wait} s`), {
        'retry-after': String(wait),
      });
    const admin = await adminLogin(deps, username, password);
    if (admin === undefined)
      return sendProblem(c, problem(401, 'wrong-credentials', 'Wrong user name or password', 'login refused'));
    const session = deps.sessions.create(admin, 'en');
    return c.json({ token: session.id, csrf: session.csrf, actor: admin }, 201);
  });

  app.post('/api/session/customer', async (c) => {
    const body = await readJson(c);
    if (isProblem(body)) return sendProblem(c, body);
    const { email, password } = (body ?? {}) as { email?: unknown; password?: unknown };
    if (typeof email !== 'string' || typeof password !== 'string')
      return sendProblem(
        c,
        problem(422, 'validation-failed', 'email and password are required', 'both must be strings'),
      );
    const outcome = await customerLogin(deps, c, email, password);
    if (isProblem(outcome))
      return sendProblem(c, outcome, outcome.status === 429 ? { 'retry-after': String(outcome['retryAfter']) } : {});
    return c.json({ token: outcome.id, csrf: outcome.csrf, actor: outcome.actor }, 201);
  });

  app.delete('/api/session', (c) => {
    const found = sessionOf(c, deps);
    deps.sessions.destroy(found?.session.id);
    return c.body(null, 204);
  });

  // ---- orders ---------------------------------------------------------------

  /** ORD-1: checkout. A guest may check out; a logged-in customer only for herself. */
  app.post('/api/orders', async (c) => {
    const body = await readJson(c);
    if (isProblem(body)) return sendProblem(c, body);
    const found = sessionOf(c, deps);
    const data = (body ?? {}) as { orderId?: unknown; customer?: { id?: unknown } };
    const customerId = typeof data.customer?.id === 'string' ? data.customer.id : 'guest';
    if (found !== undefined && found.session.actor.kind === 'customer' && found.session.actor.id !== customerId)
      return sendProblem(c, forbidden('a customer places orders for herself only (CUS-3)'));
    const actor: Actor =
      found?.session.actor.kind === 'admin' ? found.session.actor : { kind: 'customer', id: customerId };
    const commandId = commandIdOf(c, actor);
    if (isProblem(commandId)) return sendProblem(c, commandId);
    const orderId = typeof data.orderId === 'string' && data.orderId !== '' ? data.orderId : newId();
    const handled = await shop.orderCommand(
      orderId,
      { type: 'PlaceOrder', data: { ...(body as object), orderId } },
      { commandId, actor, at: nowIso() },
    );
    if (E.isLeft(handled)) return sendProblem(c, problemOfError(handled.left));
    const token = await shop.accounts.issueOrderAccessToken(customerId, orderId);
    const statusUrl = E.isRight(token)
      ? `${deps.config.baseUrl}/orders/status?order=${encodeURIComponent(orderId)}&customer=${encodeURIComponent(customerId)}&token=${token.right}`
      : undefined;
    c.header('etag', etagOf(handled.right.version));
    c.header('location', `/api/orders/${encodeURIComponent(orderId)}`);
    if (handled.right.duplicate) c.header('idempotent-replayed', 'true');
    return c.json(
      {
        orderId,
        version: handled.right.version,
        duplicate: handled.right.duplicate,
        events: handled.right.events.map((e) => e.type),
        ...(statusUrl === undefined ? {} : { statusUrl }),
      },
      handled.right.duplicate ? 200 : 201,
    );
  });

  /** The admin order list with the seeds' filters (status, payment, fulfillment, search, fraud). */
  app.get('/api/orders', async (c) => {
    const auth = authenticated(c, deps, false);
    if (isProblem(auth)) return sendProblem(c, auth);
    if (auth.session.actor.kind !== 'admin') return sendProblem(c, forbidden('the order list is for admins'));
    return c.json({ orders: listOrders(await shop.ordersModel(), orderFilterOf(c.req.query())) });
  });

  app.get('/api/orders/:orderId', async (c) => {
    const auth = authenticated(c, deps, false);
    if (isProblem(auth)) return sendProblem(c, auth);
    const orderId = c.req.param('orderId');
    const found = await shop.order(orderId);
    if (found === undefined || !orderVisibleTo(auth.session.actor, found.state, await shop.directory()))
      return sendProblem(c, notFound(`order ${orderId}`));
    const etag = etagOf(found.version);
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, { etag });
    c.header('etag', etag);
    return c.json({ version: found.version, ...(await orderJson(deps, auth.session.actor, orderId, found.state)) });
  });

  /** ORD-10: the printable summary. */
  app.get('/api/orders/:orderId/summary', async (c) => {
    const auth = authenticated(c, deps, false);
    if (isProblem(auth)) return sendProblem(c, auth);
    const orderId = c.req.param('orderId');
    const found = await shop.order(orderId);
    if (found === undefined || !orderVisibleTo(auth.session.actor, found.state, await shop.directory()))
      return sendProblem(c, notFound(`order ${orderId}`));
    return c.html(renderOrderSummaryHtml(found.state));
  });

  /** Any order command by type, its data as the body; If-Match and Idempotency-Key honoured. */
  app.post('/api/orders/:orderId/commands/:type', async (c) => {
    const auth = authenticated(c, deps, true);
    if (isProblem(auth)) return sendProblem(c, auth);
    const { actor } = auth.session;
    const orderId = c.req.param('orderId');
    const type = c.req.param('type');
    if (!(orderCommandTypes as readonly string[]).includes(type) || type === 'PlaceOrder')
      return sendProblem(c, notFound(`command ${type}`));
    const found = await shop.order(orderId);
    const directory = await shop.directory();
    if (found === undefined || !orderVisibleTo(actor, found.state, directory))
      return sendProblem(c, notFound(`order ${orderId}`));
    if (actor.kind === 'customer') {
      const allowed = mayActOnOrder(directory, actor, type as OrderCommandType, found.state);
      if (E.isLeft(allowed) || !CUSTOMER_COMMANDS.has(type))
        return sendProblem(c, forbidden(`a customer may not send ${type} (CUS-3)`));
    }
    const ifMatch = ifMatchOf(c);
    if (isProblem(ifMatch)) return sendProblem(c, ifMatch);
    const body = await readJson(c);
    if (isProblem(body)) return sendProblem(c, body);
    const commandId = commandIdOf(c, actor);
    if (isProblem(commandId)) return sendProblem(c, commandId);
    const handled = await shop.orderCommand(orderId, { type, data: body }, { commandId, actor, at: nowIso() }, ifMatch);
    if (E.isLeft(handled)) return sendProblem(c, problemOfError(handled.left));
    c.header('etag', etagOf(handled.right.version));
    if (handled.right.duplicate) c.header('idempotent-replayed', 'true');
    return c.json({
      version: handled.right.version,
      duplicate: handled.right.duplicate,
      events: handled.right.events.map((e) => e.type),
    });
  });

  /** PAY-3: a payment link for the balance or a part; the answer carries its URL and QR code. */
  app.post('/api/orders/:orderId/payment-links', async (c) => {
    const auth = authenticated(c, deps, true);
    if (isProblem(auth)) return sendProblem(c, auth);
    if (auth.session.actor.kind !== 'admin') return sendProblem(c, forbidden('payment links are made by the shop'));
    const orderId = c.req.param('orderId');
    const found = await shop.order(orderId);
    if (found === undefined || found.state.details === null) return sendProblem(c, notFound(`order ${orderId}`));
    const body = await readJson(c);
    if (isProblem(body)) return sendProblem(c, body);
    const given = (typeof body === 'object' && body !== null ? body : {}) as Json;
    const paymentId = typeof given['paymentId'] === 'string' ? given['paymentId'] : `link-${newId()}`;
    const url = paymentUrl(deps, orderId, paymentId);
    const data = { channel: 'qr', method: found.state.details.paymentMethod, ...given, paymentId, url };
    const commandId = commandIdOf(c, auth.session.actor);
    if (isProblem(commandId)) return sendProblem(c, commandId);
    const ifMatch = ifMatchOf(c);
    if (isProblem(ifMatch)) return sendProblem(c, ifMatch);
    const handled = await shop.orderCommand(
      orderId,
      { type: 'RequestPayment', data },
      { commandId, actor: auth.session.actor, at: nowIso() },
      ifMatch,
    );
    if (E.isLeft(handled)) return sendProblem(c, problemOfError(handled.left));
    c.header('etag', etagOf(handled.right.version));
    return c.json(
      {
        paymentId,
        url,
        qrPng: `/api/orders/${encodeURIComponent(orderId)}/payments/${encodeURIComponent(paymentId)}/qr.png`,
        qrDataUrl: await qrDataUrl(url),
        version: handled.right.version,
      },
      201,
    );
  });

  app.get('/api/orders/:orderId/payments/:paymentId/qr.png', async (c) => {
    const auth = authenticated(c, deps, false);
    if (isProblem(auth)) return sendProblem(c, auth);
    const orderId = c.req.param('orderId');
    const found = await shop.order(orderId);
    if (found === undefined || !orderVisibleTo(auth.session.actor, found.state, await shop.directory()))
      return sendProblem(c, notFound(`order ${orderId}`));
    const payment = found.state.payments.find((p) => p.paymentId === c.req.param('paymentId'));
    if (payment?.url === undefined) return sendProblem(c, notFound('payment link'));
    const png = await QRCode.toBuffer(payment.url, { type: 'png', margin: 1, width: 240 });
    return c.body(new Uint8Array(png), 200, { 'content-type': 'image/png', 'cache-control': 'no-store' });
  });

  // ---- subscriptions ---------------------------------------------------------

  app.post('/api/subscriptions', async (c) => {
    const auth = authenticated(c, deps, true);
    if (isProblem(auth)) return sendProblem(c, auth);
    if (auth.session.actor.kind !== 'admin') return sendProblem(c, forbidden('subscriptions are started by the shop'));
    const body = await readJson(c);
    if (isProblem(body)) return sendProblem(c, body);
    const id = (body as { subscriptionId?: unknown } | null)?.subscriptionId;
    const subscriptionId = typeof id === 'string' && id !== '' ? id : newId();
    const commandId = commandIdOf(c, auth.session.actor);
    if (isProblem(commandId)) return sendProblem(c, commandId);
    const handled = await shop.subscriptionCommand(
      subscriptionId,
      { type: 'StartSubscription', data: { ...(body as object), subscriptionId } },
      { commandId, actor: auth.session.actor, at: nowIso() },
    );
    if (E.isLeft(handled)) return sendProblem(c, problemOfError(handled.left));
    return c.json({ subscriptionId, version: handled.right.version }, 201);
  });

  app.get('/api/subscriptions', async (c) => {
    const auth = authenticated(c, deps, false);
    if (isProblem(auth)) return sendProblem(c, auth);
    if (auth.session.actor.kind !== 'admin') return sendProblem(c, forbidden('use /api/me/subscriptions'));
    const all = await shop.subscriptions();
    return c.json({
      subscriptions: Object.entries(all).map(([subscriptionId, state]) => ({
        subscriptionId,
        ...adminSubscriptionView(state),
      })),
    });
  });

  /** SUB-3 (admin: listed reason or free text) and SUB-4 (customer: listed reason, closable plan). */
  app.post('/api/subscriptions/:subscriptionId/commands/:type', async (c) => {
    const auth = authenticated(c, deps, true);
    if (isProblem(auth)) return sendProblem(c, auth);
    const { actor } = auth.session;
    const subscriptionId = c.req.param('subscriptionId');
    const type = c.req.param('type');
    const found = await shop.subscription(subscriptionId);
    if (found === undefined) return sendProblem(c, notFound(`subscription ${subscriptionId}`));
    if (actor.kind === 'customer') {
      const customer = found.state.customer;
      if (customer === null || !mayAccess(await shop.directory(), actor, customer))
        return sendProblem(c, notFound(`subscription ${subscriptionId}`));
      if (type !== 'CloseSubscription') return sendProblem(c, forbidden(`a customer may not send ${type}`));
    }
    const body = await readJson(c);
    if (isProblem(body)) return sendProblem(c, body);
    const commandId = commandIdOf(c, actor);
    if (isProblem(commandId)) return sendProblem(c, commandId);
    const handled = await shop.subscriptionCommand(
      subscriptionId,
      { type, data: body },
      { commandId, actor, at: nowIso() },
    );
    if (E.isLeft(handled)) return sendProblem(c, problemOfError(handled.left));
    return c.json({ version: handled.right.version, events: handled.right.events.map((e) => e.type) });
  });

  /** Companies and their contacts (CUS-2), for the shop. */
  app.post('/api/companies/:companyId/commands/:type', async (c) => {
    const auth = authenticated(c, deps, true);
    if (isProblem(auth)) return sendProblem(c, auth);
    if (auth.session.actor.kind !== 'admin') return sendProblem(c, forbidden('companies are managed by the shop'));
    const body = await readJson(c);
    if (isProblem(body)) return sendProblem(c, body);
    const commandId = commandIdOf(c, auth.session.actor);
    if (isProblem(commandId)) return sendProblem(c, commandId);
    const handled = await shop.companyCommand(
      c.req.param('companyId'),
      { type: c.req.param('type'), data: body },
      { commandId, actor: auth.session.actor, at: nowIso() },
    );
    if (E.isLeft(handled)) return sendProblem(c, problemOfError(handled.left));
    return c.json({ version: handled.right.version, events: handled.right.events.map((e) => e.type) });
  });

  // ---- my account (CUS-2) ----------------------------------------------------

  const mine = (path: string, build: (deps: Deps, actor: Actor) => Promise<unknown>) =>
    app.get(path, async (c) => {
      const auth = authenticated(c, deps, false);
      if (isProblem(auth)) return sendProblem(c, auth);
      if (auth.session.actor.kind !== 'customer') return sendProblem(c, forbidden('for customers'));
      return c.json(await build(deps, auth.session.actor));
    });
  mine('/api/me/orders', async (d, actor) => ({
    orders: myOrders(await d.shop.ordersModel(), await d.shop.directory(), actor),
  }));
  mine('/api/me/company-orders', async (d, actor) => ({
    orders: myCompanyOrders(await d.shop.ordersModel(), await d.shop.directory(), actor),
  }));
  mine('/api/me/subscriptions', async (d, actor) => {
    const all = await d.shop.subscriptions();
    return {
      subscriptions: mySubscriptions(all, await d.shop.directory(), actor).map((s) => ({
        ...s,
        ...portalSubscriptionView(all[s.subscriptionId]!, {
          kind: 'customer',
          id: all[s.subscriptionId]!.customer!.id,
        }),
      })),
    };
  });
  mine('/api/me/receipts', async (d, actor) => ({
    receipts: myReceipts(
      (await d.shop.receiptRows()).byOrder,
      await d.shop.ordersModel(),
      await d.shop.directory(),
      actor,
    ),
  }));
};

/** An admin's actor when the user name and password match a configured admin. */
export const adminLogin = async (deps: Deps, username: string, password: string): Promise<Actor | undefined> => {
  const admin = deps.config.admins.find((a) => a.username === username);
  // An unknown user name still costs one scrypt, so timing does not tell which names exist.
  const hash = admin?.passwordHash ?? deps.config.admins[0]?.passwordHash;
  const matched = hash === undefined ? false : await verifyPassword(password, hash);
  return admin !== undefined && matched ? { kind: 'admin', id: admin.username, name: admin.name } : undefined;
};

/** CUS-1 login by e-mail, limited per address and per account; the decider's lockout applies too. */
export const customerLogin = async (
  deps: Deps,
  c: Context,
  email: string,
  password: string,
): Promise<Session | ReturnType<typeof problem>> => {
  const wait = loginWait(deps, clientAddress(c), `email:${email.trim().toLowerCase()}`);
  if (wait !== undefined)
    return problem(429, 'too-many-logins', 'Too many login attempts', `try again in ${wait} s`, { retryAfter: wait });
  const customerId = await deps.shop.accountByEmail(email);
  const outcome = await deps.shop.accounts.login(customerId ?? `unknown:${email}`, password);
  if (E.isRight(outcome) && outcome.right === 'ok' && customerId !== undefined) {
    const state = await deps.shop.customer(customerId);
    const language = await languageOf(deps, customerId);
    return deps.sessions.create({ kind: 'customer', id: customerId, name: state?.name ?? customerId }, language);
  }
  if (E.isRight(outcome) && outcome.right === 'locked')
    return problem(423, 'account-locked', 'The account is locked for a while', 'too many wrong passwords (CUS-1)');
  return problem(401, 'wrong-credentials', 'Wrong e-mail or password', 'login refused');
};

/** The customer's language: the one on her latest order (the checkout records it), else English. */
export const languageOf = async (deps: Deps, customerId: string): Promise<string> => {
  const model = await deps.shop.ordersModel();
  const latest = Object.values(model.orders)
    .filter((s) => s.details?.customer.id === customerId)
    .sort((a, b) => Date.parse(b.details?.placedAt ?? '') - Date.parse(a.details?.placedAt ?? ''))[0];
  return latest?.details?.customer.language ?? 'en';
};
