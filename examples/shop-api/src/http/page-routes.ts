import type { Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import * as E from 'fp-ts/lib/Either.js';
import { derivedId, money, newId, type Actor } from '@ordersource/core';
import { customerOrder, customerStatusHistory, listOrders, renderOrderSummaryHtml } from '@ordersource/domain';
import { guestOrdersFor, myCompanyOrders, myOrders, myReceipts, mySubscriptions } from '@ordersource/domain/customers';
import { adminSubscriptionView, closeReasonText, portalSubscriptionView } from '@ordersource/domain/subscriptions';
import {
  actionSpec,
  adminLoginPage,
  adminOrderPage,
  adminOrdersPage,
  adminPrintPage,
  adminSubscriptionsPage,
  formToData,
  guestOrderStatusPage,
  pageLanguage,
  portalCompanyOrdersPage,
  portalLoginPage,
  portalMessagePage,
  portalOrderPage,
  portalOrdersPage,
  portalReceiptsPage,
  portalSignupPage,
  portalSubscriptionsPage,
  refundsAwaitingGoodsPanel,
  assignGoodsLines,
  toString,
  wordsFor,
  type Html,
  type PageOptions,
} from '@ordersource/example-admin-web';
import { adminLogin, customerLogin, orderFilterOf, orderVisibleTo, paymentUrl, qrDataUrl } from './api-routes.js';
import { createLoginCsrf, LOGIN_CSRF_COOKIE } from './login-csrf.js';
import { clientAddress, isProblem, loginWait, nowIso, sessionOf, type Deps } from './deps.js';
import { problemOfError } from './problem.js';
import {
  ADMIN_CHANGE_ACTIONS,
  adminChangeData,
  adminChanges,
  portalChanges,
  portalCredit,
  requestReturnFromPortal,
  startChangeFromAdmin,
} from './change-pages.js';
import { SESSION_COOKIE, type Session } from './sessions.js';

/**
 * The browser pages: admin under /admin, the customer portal under /portal,
 * the guest order-status page at /orders/status. Forms post
 * application/x-www-form-urlencoded with the session's CSRF token in
 * `_csrf`; a post without it (or with another session's) is refused with 403
 * before anything is read. The login and sign-up forms, before any session,
 * carry a pre-session token bound to a cookie (login-csrf.ts), checked the same way. A refused command shows the page again with the
 * problem's text (422); an accepted one redirects (303) back to the page.
 */

type Form = Record<string, string>;
type Flash = NonNullable<PageOptions['flash']>;

const readForm = async (c: Context): Promise<Form> => {
  const parsed = await c.req.parseBody();
  const form: Form = {};
  for (const [key, value] of Object.entries(parsed)) if (typeof value === 'string') form[key] = value;
  return form;
};

/** Through the context, so the cookies set on it (the login form's CSRF nonce) go out with the page. */
const send = (c: Context, page: Html, status = 200): Response =>
  c.body(toString(page), status as ContentfulStatusCode, { 'content-type': 'text/html; charset=utf-8' });

export const registerPageRoutes = (app: Hono, deps: Deps): void => {
  const { shop } = deps;
  const flashes = new Map<string, Flash>();
  const takeFlash = (session: Session): Flash | undefined => {
    const flash = flashes.get(session.id);
    flashes.delete(session.id);
    return flash;
  };

  const startSession = (c: Context, actor: Actor, language: string): Session => {
    const old = sessionOf(c, deps);
    deps.sessions.destroy(old?.session.id);
    const session = deps.sessions.create(actor, language);
    setCookie(c, SESSION_COOKIE, session.id, {
      httpOnly: true,
      sameSite: 'Lax',
      secure: deps.config.secureCookies,
      path: '/',
    });
    return session;
  };

  /** The cookie session of the given kind, or undefined (the caller redirects to its login page). */
  const browserSession = (c: Context, kind: Actor['kind']): Session | undefined => {
    const found = sessionOf(c, deps);
    return found !== undefined && found.viaCookie && found.session.actor.kind === kind ? found.session : undefined;
  };

  const csrfRefused = (_c: Context, session: Session, form: Form): Response | undefined =>
    deps.sessions.csrfMatches(session, form['_csrf'])
      ? undefined
      : new Response('The form is missing its CSRF token (or it is not this session’s). Reload the page.', {
          status: 403,
          headers: { 'content-type': 'text/plain; charset=utf-8' },
        });

  /** A form post of a signed-in admin or customer: the login page when there is none, a 403 without its CSRF token. */
  const formPost = async (
    c: Context,
    kind: 'admin' | 'customer',
  ): Promise<Response | Readonly<{ session: Session; form: Form }>> => {
    const session = browserSession(c, kind);
    if (session === undefined) return c.redirect(kind === 'admin' ? '/admin/login' : '/portal/login', 303);
    const form = await readForm(c);
    return csrfRefused(c, session, form) ?? { session, form };
  };

  const loginCsrf = createLoginCsrf();
  /** The login form's token; sets the nonce cookie when the browser has none (or a malformed one). */
  const loginToken = (c: Context): string => {
    let nonce = getCookie(c, LOGIN_CSRF_COOKIE);
    if (!loginCsrf.wellFormed(nonce)) {
      nonce = loginCsrf.newNonce();
      setCookie(c, LOGIN_CSRF_COOKIE, nonce, {
        httpOnly: true,
        sameSite: 'Lax',
        secure: deps.config.secureCookies,
        path: '/',
      });
    }
    return loginCsrf.tokenFor(nonce);
  };
  /** A login or sign-up post without its pre-session token (or with another browser's) is 403, before any password is checked. */
  const loginCsrfRefused = (c: Context, form: Form): Response | undefined =>
    loginCsrf.matches(getCookie(c, LOGIN_CSRF_COOKIE), form['_csrf'])
      ? undefined
      : new Response('The form is missing its CSRF token (or it is not this browser’s). Reload the page.', {
          status: 403,
          headers: { 'content-type': 'text/plain; charset=utf-8' },
        });

  // ---- admin ----------------------------------------------------------------

  app.get('/admin', (c) => c.redirect('/admin/orders', 303));
  app.get('/admin/login', (c) => send(c, adminLoginPage(loginToken(c))));
  app.post('/admin/login', async (c) => {
    const form = await readForm(c);
    const forged = loginCsrfRefused(c, form);
    if (forged !== undefined) return forged;
    const username = form['username'] ?? '';
    const wait = loginWait(deps, clientAddress(c), `admin:${username}`);
    if (wait !== undefined)
      return send(
        c,
        adminLoginPage(loginToken(c), { kind: 'error', text: `Too many attempts. Try again in ${wait} s.` }),
        429,
      );
    const admin = await adminLogin(deps, username, form['password'] ?? '');
    if (admin === undefined)
      return send(c, adminLoginPage(loginToken(c), { kind: 'error', text: 'Wrong user name or password.' }), 401);
    startSession(c, admin, 'en');
    return c.redirect('/admin/orders', 303);
  });
  app.post('/admin/logout', async (c) => {
    const session = browserSession(c, 'admin');
    if (session !== undefined) {
      const refused = csrfRefused(c, session, await readForm(c));
      if (refused !== undefined) return refused;
      deps.sessions.destroy(session.id);
    }
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect('/admin/login', 303);
  });

  const adminCtx = (session: Session, flash?: Flash) => ({
    csrf: session.csrf,
    nonce: newId(),
    adminName: session.actor.name ?? session.actor.id,
    language: session.language,
    ...(flash === undefined ? {} : { flash }),
  });

  app.get('/admin/orders', async (c) => {
    const session = browserSession(c, 'admin');
    if (session === undefined) return c.redirect('/admin/login', 303);
    const query = c.req.query();
    const orders = listOrders(await shop.ordersModel(), orderFilterOf(query));
    return send(c, adminOrdersPage(adminCtx(session, takeFlash(session)), orders, query));
  });

  const renderOrder = async (c: Context, session: Session, orderId: string, flash?: Flash, status = 200) => {
    const found = await shop.order(orderId);
    if (found === undefined) return send(c, portalMessagePage('en', 'Not found', `No order ${orderId}.`), 404);
    const qr: Record<string, string> = {};
    for (const p of found.state.payments) if (p.url !== undefined) qr[p.paymentId] = await qrDataUrl(p.url);
    const invitation = shop.invitationFor(orderId);
    // Issue 9: refunds awaiting goods, in the admin's language (`?lang=` switches it, kept in the session).
    const refunds = refundsAwaitingGoodsPanel(
      { ...adminCtx(session), language: languageFor(c, session) },
      await shop.reconciliation(orderId),
    );
    const ctx = adminCtx(session, flash ?? takeFlash(session));
    return send(
      c,
      adminOrderPage(ctx, {
        state: found.state,
        version: found.version,
        history: await shop.history(orderId),
        receipts: await shop.receipts(orderId),
        sent: shop.notifier.sentFor(orderId),
        qr,
        ...(invitation === undefined ? {} : { invitation }),
        refundsAwaitingGoods: refunds,
        ...(found.state.details === null ? {} : { changes: await adminChanges(deps, ctx, found.state, found.version) }),
      }),
      status,
    );
  };

  /** Issue 17: the admin starts a return or claim for the customer (a draft, confirmed on the same page). */
  app.post('/admin/orders/:orderId/changes', async (c) => {
    const posted = await formPost(c, 'admin');
    if (posted instanceof Response) return posted;
    const { session, form } = posted;
    const orderId = c.req.param('orderId');
    if ((await shop.order(orderId)) === undefined)
      return send(c, portalMessagePage('en', 'Not found', `No order ${orderId}.`), 404);
    flashes.set(session.id, await startChangeFromAdmin(deps, session.actor, orderId, form));
    return c.redirect(`/admin/orders/${encodeURIComponent(orderId)}#changes`, 303);
  });

  /** Issue 17: the admin's actions on a change (confirm with the refund destination, receive, decline, cancel). */
  app.post('/admin/order-changes/:changeId/actions/:type', async (c) => {
    const posted = await formPost(c, 'admin');
    if (posted instanceof Response) return posted;
    const { session, form } = posted;
    const type = c.req.param('type');
    const found = await shop.change(c.req.param('changeId'));
    if (!(ADMIN_CHANGE_ACTIONS as readonly string[]).includes(type) || found?.state.basis == null)
      return send(c, portalMessagePage('en', 'Not found', 'No such change or action.'), 404);
    const orderId = found.state.basis.orderId;
    const version = /^\d+$/.test(form['_version'] ?? '') ? Number(form['_version']) : undefined;
    const commandId = derivedId('form', session.actor.id, found.state.changeId, type, form['_nonce'] ?? newId());
    const handled = await shop.changeCommand(
      found.state.changeId,
      { type, data: adminChangeData(type, form, found.state) },
      { commandId, actor: session.actor, at: nowIso() },
      version,
    );
    if (E.isLeft(handled)) {
      const p = problemOfError(handled.left);
      const fields = p.errors?.map((e) => `${e.path}: ${e.rule}`).join('; ');
      return renderOrder(
        c,
        session,
        orderId,
        { kind: 'error', text: `${type} refused (${p.code}): ${fields ?? p.detail}` },
        p.status,
      );
    }
    await shop.notifier.drain();
    flashes.set(session.id, {
      kind: 'ok',
      text: `${type}: ${handled.right.events.map((e) => e.type).join(', ') || 'no change'}`,
    });
    return c.redirect(`/admin/orders/${encodeURIComponent(orderId)}#changes`, 303);
  });

  /** Issue 9 (PAY-5, REC-7): the panel's form names the goods of a refund recorded with none (`AssignRefundGoods`). */
  app.post('/admin/orders/:orderId/refunds/:movementId/goods', async (c) => {
    const posted = await formPost(c, 'admin');
    if (posted instanceof Response) return posted;
    const { session, form } = posted;
    const orderId = c.req.param('orderId');
    const movementId = c.req.param('movementId');
    const view = await shop.reconciliation(orderId);
    if (view === undefined)
      return send(c, portalMessagePage('en', 'Not found', `No receipts of order ${orderId}.`), 404);
    // The nonce rendered into the form: a double submit of one form is one command.
    const commandId = derivedId('form', session.actor.id, orderId, movementId, form['_nonce'] ?? newId());
    const handled = await shop.receiptsCommand(
      orderId,
      { type: 'AssignRefundGoods', data: { movementId, lines: assignGoodsLines(view.returnable, form) } },
      { commandId, actor: session.actor, at: nowIso() },
    );
    if (E.isLeft(handled)) {
      const p = problemOfError(handled.left);
      const fields = p.errors?.map((e) => `${e.path}: ${e.rule}`).join('; ');
      return renderOrder(
        c,
        session,
        orderId,
        { kind: 'error', text: `Assign the goods refused (${p.code}): ${fields ?? p.detail}` },
        p.status,
      );
    }
    flashes.set(session.id, {
      kind: 'ok',
      text: `Assign the goods: ${handled.right.events.map((e) => e.type).join(', ') || 'no change'}`,
    });
    return c.redirect(`/admin/orders/${encodeURIComponent(orderId)}`, 303);
  });

  app.get('/admin/orders/:orderId', async (c) => {
    const session = browserSession(c, 'admin');
    if (session === undefined) return c.redirect('/admin/login', 303);
    return renderOrder(c, session, c.req.param('orderId'));
  });

  app.get('/admin/orders/:orderId/print', async (c) => {
    const session = browserSession(c, 'admin');
    if (session === undefined) return c.redirect('/admin/login', 303);
    const found = await shop.order(c.req.param('orderId'));
    if (found?.state.details == null) return send(c, portalMessagePage('en', 'Not found', 'No such order.'), 404);
    return send(c, adminPrintPage(renderOrderSummaryHtml(found.state), found.state.details.orderNumber));
  });

  /** Every order action of the page: the form spec turns the post into command data; the codec judges it. */
  app.post('/admin/orders/:orderId/actions/:type', async (c) => {
    const posted = await formPost(c, 'admin');
    if (posted instanceof Response) return posted;
    const { session, form } = posted;
    const orderId = c.req.param('orderId');
    const spec = actionSpec(c.req.param('type'));
    const found = await shop.order(orderId);
    if (spec === undefined || found === undefined || found.state.details === null)
      return send(c, portalMessagePage('en', 'Not found', 'No such order or action.'), 404);
    const data = formToData(spec, form, found.state);
    if (spec.type === 'RefundPayment') data['refundId'] = `refund-${newId()}`;
    if (spec.type === 'ShipOrder') data['shipmentId'] = `shipment-${newId()}`;
    if (spec.type === 'RequestPayment') {
      const paymentId = `link-${newId()}`;
      Object.assign(data, {
        paymentId,
        url: paymentUrl(deps, orderId, paymentId),
        method: found.state.details.paymentMethod,
        channel: data['channel'] ?? 'qr',
      });
    }
    const version = /^\d+$/.test(form['_version'] ?? '') ? Number(form['_version']) : undefined;
    // The nonce rendered into the form: a double submit of one form is one command.
    const commandId = derivedId('form', session.actor.id, orderId, spec.type, form['_nonce'] ?? newId());
    const handled = await shop.orderCommand(
      orderId,
      { type: spec.type, data },
      { commandId, actor: session.actor, at: nowIso() },
      version,
    );
    if (E.isLeft(handled)) {
      const p = problemOfError(handled.left);
      const fields = p.errors?.map((e) => `${e.path}: ${e.rule}`).join('; ');
      return renderOrder(
        c,
        session,
        orderId,
        { kind: 'error', text: `${spec.label} refused (${p.code}): ${fields ?? p.detail}` },
        p.status,
      );
    }
    await shop.notifier.drain();
    flashes.set(session.id, {
      kind: 'ok',
      text: `${spec.label}: ${handled.right.events.map((e) => e.type).join(', ') || 'no change'}`,
    });
    return c.redirect(`/admin/orders/${encodeURIComponent(orderId)}`, 303);
  });

  app.get('/admin/subscriptions', async (c) => {
    const session = browserSession(c, 'admin');
    if (session === undefined) return c.redirect('/admin/login', 303);
    const all = await shop.subscriptions();
    return send(
      c,
      adminSubscriptionsPage(
        adminCtx(session, takeFlash(session)),
        Object.entries(all).map(([subscriptionId, state]) => ({ subscriptionId, view: adminSubscriptionView(state) })),
        shop.subscriptionSettings.closeReasons,
      ),
    );
  });

  app.post('/admin/subscriptions/:subscriptionId/close', async (c) => {
    const posted = await formPost(c, 'admin');
    if (posted instanceof Response) return posted;
    const { session, form } = posted;
    const data =
      (form['reasonCode'] ?? '') !== '' ? { reasonCode: form['reasonCode'] } : { reasonText: form['reasonText'] ?? '' };
    const handled = await shop.subscriptionCommand(
      c.req.param('subscriptionId'),
      { type: 'CloseSubscription', data },
      { commandId: newId(), actor: session.actor, at: nowIso() },
    );
    flashes.set(
      session.id,
      E.isLeft(handled)
        ? { kind: 'error', text: `Close refused: ${problemOfError(handled.left).detail}` }
        : { kind: 'ok', text: 'Subscription closed.' },
    );
    return c.redirect('/admin/subscriptions', 303);
  });

  // ---- customer portal ------------------------------------------------------

  /** The page language: ?lang= (the picker, remembered in the session), else the session's, else the browser's. */
  const languageFor = (c: Context, session?: Session): string => {
    const asked = c.req.query('lang');
    if (asked !== undefined && asked !== '') {
      const lang = pageLanguage(asked);
      if (session !== undefined) (session as { language: string }).language = lang;
      return lang;
    }
    if (session !== undefined) return session.language;
    return pageLanguage(c.req.header('accept-language')?.split(',')[0]?.split(';')[0]?.trim());
  };

  const portalCtx = (c: Context, session: Session, flash?: Flash) => ({
    language: languageFor(c, session),
    csrf: session.csrf,
    customerName: session.actor.name ?? session.actor.id,
    ...(flash === undefined ? {} : { flash }),
  });

  app.get('/portal/login', (c) => send(c, portalLoginPage(languageFor(c), loginToken(c))));
  app.post('/portal/login', async (c) => {
    const form = await readForm(c);
    const forged = loginCsrfRefused(c, form);
    if (forged !== undefined) return forged;
    const language = pageLanguage(form['lang']);
    const w = wordsFor(language);
    const outcome = await customerLogin(deps, c, form['email'] ?? '', form['password'] ?? '');
    if (isProblem(outcome))
      return send(
        c,
        portalLoginPage(language, loginToken(c), {
          kind: 'error',
          text: outcome.status === 429 ? w.tooMany : w.wrongLogin,
        }),
        outcome.status,
      );
    deps.sessions.destroy(outcome.id);
    startSession(c, outcome.actor, outcome.language);
    return c.redirect('/portal', 303);
  });
  app.post('/portal/logout', async (c) => {
    const session = browserSession(c, 'customer');
    if (session !== undefined) {
      const refused = csrfRefused(c, session, await readForm(c));
      if (refused !== undefined) return refused;
      deps.sessions.destroy(session.id);
    }
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    // The login page in the language she was reading.
    return c.redirect(`/portal/login?lang=${encodeURIComponent(session?.language ?? 'en')}`, 303);
  });

  /** CUS-1: the invitation link of the order confirmation. */
  app.get('/portal/signup', async (c) => {
    const customerId = c.req.query('customer') ?? '';
    const token = c.req.query('token') ?? '';
    const state = customerId === '' ? undefined : await shop.customer(customerId);
    const language = languageFor(c) === 'en' ? await languageOfCustomer(customerId) : languageFor(c);
    const w = wordsFor(language);
    if (state === undefined || state.status !== 'guest' || state.email === undefined || token === '')
      return send(c, portalMessagePage(language, w.signUp, w.notFound), 404);
    return send(
      c,
      portalSignupPage(language, { customerId, token, name: state.name, email: state.email }, loginToken(c)),
    );
  });

  const languageOfCustomer = async (customerId: string): Promise<string> => {
    const model = await shop.ordersModel();
    const orders = Object.values(model.orders).filter((s) => s.details?.customer.id === customerId);
    return orders.at(-1)?.details?.customer.language ?? 'en';
  };

  app.post('/portal/signup', async (c) => {
    const form = await readForm(c);
    const forged = loginCsrfRefused(c, form);
    if (forged !== undefined) return forged;
    const customerId = form['customer'] ?? '';
    const token = form['token'] ?? '';
    const language = form['lang'] === undefined ? await languageOfCustomer(customerId) : pageLanguage(form['lang']);
    const w = wordsFor(language);
    const state = await shop.customer(customerId);
    if (state === undefined || state.email === undefined)
      return send(c, portalMessagePage(language, w.signUp, w.notFound), 404);
    const directory = await shop.directory();
    const accepted = await shop.accounts.acceptInvitation(customerId, token, {
      name: form['name'] ?? '',
      password: form['password'] ?? '',
      guestOrderIds: guestOrdersFor(directory, state.email).filter((id) => !state.orders.some((o) => o.orderId === id)),
    });
    if (E.isLeft(accepted)) {
      const p = problemOfError(accepted.left);
      return send(
        c,
        portalSignupPage(
          language,
          { customerId, token, name: form['name'] ?? state.name, email: state.email },
          loginToken(c),
          {
            kind: 'error',
            text: p.detail,
          },
        ),
        p.status,
      );
    }
    const session = startSession(c, { kind: 'customer', id: customerId, name: form['name'] ?? state.name }, language);
    flashes.set(session.id, { kind: 'ok', text: w.signedUp });
    return c.redirect('/portal', 303);
  });

  const portalPage = (path: string, build: (c: Context, session: Session) => Promise<Response>) =>
    app.get(path, async (c) => {
      const session = browserSession(c, 'customer');
      if (session === undefined) return c.redirect('/portal/login', 303);
      return build(c, session);
    });

  portalPage('/portal', async (c, session) => {
    const ctx = portalCtx(c, session, takeFlash(session));
    return send(
      c,
      portalOrdersPage(
        ctx,
        myOrders(await shop.ordersModel(), await shop.directory(), session.actor),
        await portalCredit(deps, ctx.language, session.actor.id),
      ),
    );
  });
  portalPage('/portal/company', async (c, session) =>
    send(
      c,
      portalCompanyOrdersPage(
        portalCtx(c, session),
        myCompanyOrders(await shop.ordersModel(), await shop.directory(), session.actor),
      ),
    ),
  );
  portalPage('/portal/orders/:orderId', async (c, session) => {
    const orderId = c.req.param('orderId') ?? '';
    const found = await shop.order(orderId);
    const ctx = portalCtx(c, session, takeFlash(session));
    // CUS-3: another customer's order is answered exactly like one that does not exist.
    if (found === undefined || !orderVisibleTo(session.actor, found.state, await shop.directory()))
      return send(c, portalMessagePage(ctx.language, wordsFor(ctx.language).notFound, orderId), 404);
    const owner: Actor = { kind: 'customer', id: found.state.details!.customer.id };
    const model = await shop.ordersModel();
    const view = customerOrder(model, owner, orderId);
    if (view === undefined)
      return send(c, portalMessagePage(ctx.language, wordsFor(ctx.language).notFound, orderId), 404);
    return send(
      c,
      portalOrderPage(
        ctx,
        view,
        customerStatusHistory(model, await shop.historyModel(), owner, orderId),
        await portalChanges(deps, ctx, found),
      ),
    );
  });
  /** Issue 17: "Request a return" on her order page; the change decider checks the order is hers (CUS-3). */
  app.post('/portal/orders/:orderId/returns', async (c) => {
    const posted = await formPost(c, 'customer');
    if (posted instanceof Response) return posted;
    const { session, form } = posted;
    const orderId = c.req.param('orderId');
    const found = await shop.order(orderId);
    const language = languageFor(c, session);
    if (found === undefined || !orderVisibleTo(session.actor, found.state, await shop.directory()))
      return send(c, portalMessagePage(language, wordsFor(language).notFound, orderId), 404);
    const outcome = await requestReturnFromPortal(deps, session.actor, language, orderId, form);
    flashes.set(session.id, outcome);
    return c.redirect(`/portal/orders/${encodeURIComponent(orderId)}`, 303);
  });
  portalPage('/portal/subscriptions', async (c, session) => {
    const all = await shop.subscriptions();
    const listed = mySubscriptions(all, await shop.directory(), session.actor).flatMap((s) => {
      const state = all[s.subscriptionId];
      if (state?.customer == null) return [];
      const view = portalSubscriptionView(state, { kind: 'customer', id: state.customer.id });
      if (view === undefined) return [];
      return [
        {
          subscriptionId: s.subscriptionId,
          planName: state.plan?.name ?? s.subscriptionId,
          status: view.status,
          canClose: view.canClose,
          ...(state.closed === undefined ? {} : { closeReason: closeReasonText(state.closed.reason) }),
        },
      ];
    });
    return send(
      c,
      portalSubscriptionsPage(
        portalCtx(c, session, takeFlash(session)),
        listed,
        shop.subscriptionSettings.closeReasons,
      ),
    );
  });
  /** SUB-4: a listed reason only; the decider refuses free text from a customer and a plan that is not closable. */
  app.post('/portal/subscriptions/:subscriptionId/close', async (c) => {
    const posted = await formPost(c, 'customer');
    if (posted instanceof Response) return posted;
    const { session, form } = posted;
    const subscriptionId = c.req.param('subscriptionId');
    const found = await shop.subscription(subscriptionId);
    const directory = await shop.directory();
    const mine = mySubscriptions(
      found === undefined ? {} : { [subscriptionId]: found.state },
      directory,
      session.actor,
    );
    if (found === undefined || mine.length === 0)
      return send(c, portalMessagePage(session.language, 'Not found', subscriptionId), 404);
    // The decider checks the customer's own id against the subscription's; a company contact acts for the holder.
    const handled = await shop.subscriptionCommand(
      subscriptionId,
      { type: 'CloseSubscription', data: { reasonCode: form['reasonCode'] ?? '' } },
      { commandId: newId(), actor: session.actor, at: nowIso() },
    );
    flashes.set(
      session.id,
      E.isLeft(handled)
        ? { kind: 'error', text: problemOfError(handled.left).detail }
        : { kind: 'ok', text: wordsFor(session.language).closed },
    );
    return c.redirect('/portal/subscriptions', 303);
  });
  portalPage('/portal/receipts', async (c, session) =>
    send(
      c,
      portalReceiptsPage(
        portalCtx(c, session),
        myReceipts((await shop.receiptRows()).byOrder, await shop.ordersModel(), await shop.directory(), session.actor),
      ),
    ),
  );

  /** CUS-3: the guest's status page, opened by the token in her confirmation; a wrong token is a 404. */
  app.get('/orders/status', async (c) => {
    const orderId = c.req.query('order') ?? '';
    const customerId = c.req.query('customer') ?? '';
    const token = c.req.query('token') ?? '';
    const found = orderId === '' ? undefined : await shop.order(orderId);
    const language = languageFor(c) === 'en' ? (found?.state.details?.customer.language ?? 'en') : languageFor(c);
    const opens =
      found !== undefined &&
      found.state.details?.customer.id === customerId &&
      token !== '' &&
      (await shop.accounts.opensOrder(customerId, orderId, token));
    if (!opens)
      return send(c, portalMessagePage(language, wordsFor(language).notFound, wordsFor(language).orderStatus), 404);
    const owner: Actor = { kind: 'customer', id: customerId };
    const model = await shop.ordersModel();
    const view = customerOrder(model, owner, orderId);
    if (view === undefined) return send(c, portalMessagePage(language, wordsFor(language).notFound, orderId), 404);
    return send(
      c,
      guestOrderStatusPage(language, view, customerStatusHistory(model, await shop.historyModel(), owner, orderId)),
    );
  });

  /** PAY-3: where a payment link points. The example has no real provider: the page says what a provider would show. */
  app.get('/pay/:orderId/:paymentId', async (c) => {
    const found = await shop.order(c.req.param('orderId'));
    const payment = found?.state.payments.find((p) => p.paymentId === c.req.param('paymentId'));
    const language = found?.state.details?.customer.language ?? 'en';
    if (found === undefined || payment === undefined)
      return send(c, portalMessagePage(language, wordsFor(language).notFound, 'payment link'), 404);
    return send(
      c,
      portalMessagePage(
        language,
        `${wordsFor(language).payment}: ${found.state.details?.orderNumber ?? ''}`,
        `${money.format({ amount: payment.requested, currency: found.state.currency })} (${payment.method.name}): ${payment.status}`,
      ),
    );
  });
};
