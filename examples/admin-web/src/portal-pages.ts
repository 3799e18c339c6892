import { money } from '@ordersource/core';
import type { CustomerOrderView, HistoryEntry } from '@ordersource/domain';
import type { PortalOrder } from '@ordersource/domain/customers';
import type { RegisterRow } from '@ordersource/domain/receipts';
import { html, type Html } from './html.js';
import { wordsFor, type Words } from './i18n.js';
import { page, type PageOptions } from './layout.js';

/**
 * The customer portal (seed 000 "My account", CUS-1..CUS-3, SUB-4): sign-up
 * from the invitation, login, my orders, my company's orders, one order with
 * its history, my subscriptions with the close form, my receipts, and the
 * guest order-status page opened by the link in the confirmation. Every page
 * speaks the customer's language; Persian is laid out right to left.
 */

export type PortalContext = Readonly<{
  language: string;
  csrf: string;
  customerName: string;
  flash?: PageOptions['flash'];
}>;

const nav = (w: Words, current: string) => [
  { href: '/portal', label: w.myOrders, current: current === 'orders' },
  { href: '/portal/company', label: w.companyOrders, current: current === 'company' },
  { href: '/portal/subscriptions', label: w.mySubscriptions, current: current === 'subscriptions' },
  { href: '/portal/receipts', label: w.myReceipts, current: current === 'receipts' },
];

const shell = (ctx: PortalContext, title: string, current: string, body: Html): Html => {
  const w = wordsFor(ctx.language);
  return page(
    {
      language: ctx.language,
      title,
      nav: nav(w, current),
      languagePicker: true,
      logout: { action: '/portal/logout', csrf: ctx.csrf, label: `${w.logout} (${ctx.customerName})` },
      ...(ctx.flash === undefined ? {} : { flash: ctx.flash }),
    },
    body,
  );
};

/** `csrf`: the pre-session login token, as on the admin login. */
export const portalLoginPage = (language: string, csrf: string, flash?: PageOptions['flash']): Html => {
  const w = wordsFor(language);
  return page(
    { language, title: w.login, languagePicker: true, ...(flash === undefined ? {} : { flash }) },
    html`<form method="post" action="/portal/login">
      <input type="hidden" name="lang" value="${language}" />
      <input type="hidden" name="_csrf" value="${csrf}" />
      <label>${w.email} <input type="email" name="email" autocomplete="username" required /></label>
      <label>${w.password} <input type="password" name="password" autocomplete="current-password" required /></label>
      <button>${w.login}</button>
    </form>`,
  );
};

/** CUS-1: the link in the order confirmation opens this page; nobody signs up before buying. */
export const portalSignupPage = (
  language: string,
  invitation: Readonly<{ customerId: string; token: string; name: string; email: string }>,
  csrf: string,
  flash?: PageOptions['flash'],
): Html => {
  const w = wordsFor(language);
  return page(
    { language, title: w.signUp, ...(flash === undefined ? {} : { flash }) },
    html`<p>${w.signUpIntro}</p>
      <form method="post" action="/portal/signup">
        <input type="hidden" name="customer" value="${invitation.customerId}" />
        <input type="hidden" name="token" value="${invitation.token}" />
        <input type="hidden" name="lang" value="${language}" />
        <input type="hidden" name="_csrf" value="${csrf}" />
        <p>${w.email}: <strong>${invitation.email}</strong></p>
        <label
          >${w.name} <input type="text" name="name" value="${invitation.name}" autocomplete="name" required
        /></label>
        <label
          >${w.password} <input type="password" name="password" autocomplete="new-password" minlength="8" required
        /></label>
        <button>${w.signUp}</button>
      </form>`,
  );
};

const fmt = (amount: number, currency: string): string => money.format({ amount, currency });

const ordersTable = (w: Words, orders: readonly PortalOrder[]): Html =>
  orders.length === 0
    ? html`<p>${w.noOrders}</p>`
    : html`<table>
        <thead>
          <tr>
            <th scope="col">${w.order}</th>
            <th scope="col">${w.placedAt}</th>
            <th scope="col">${w.status}</th>
            <th scope="col">${w.payment}</th>
            <th scope="col">${w.fulfillment}</th>
            <th scope="col">${w.total}</th>
            <th scope="col">${w.balanceDue}</th>
          </tr>
        </thead>
        <tbody>
          ${orders.map(
            (o) =>
              html`<tr>
                <td>
                  <a href="/portal/orders/${encodeURIComponent(o.orderId)}">${o.orderNumber}</a
                  >${o.via === 'own' ? '' : html` <span class="muted">(${o.via === 'company' ? w.viaCompany : w.viaLinked})</span>`}
                </td>
                <td>${o.placedAt}</td>
                <td>${o.status}</td>
                <td>${o.paymentStatus}</td>
                <td>${o.fulfillmentStatus}</td>
                <td>${money.format(o.total)}</td>
                <td>${fmt(o.balanceDue, o.total.currency)}</td>
              </tr>`,
          )}
        </tbody>
      </table>`;

/** CUS-2: her own orders and the guest orders her account took over. */
export const portalOrdersPage = (
  ctx: PortalContext,
  orders: readonly PortalOrder[],
  /** Issue 17: her store credit balance (`portalCreditSection`). */
  credit?: Html,
): Html => {
  const w = wordsFor(ctx.language);
  return shell(ctx, w.myOrders, 'orders', html`${ordersTable(w, orders)} ${credit ?? ''}`);
};

/** CUS-2: the orders of the companies she is a contact of. */
export const portalCompanyOrdersPage = (ctx: PortalContext, orders: readonly PortalOrder[]): Html => {
  const w = wordsFor(ctx.language);
  return shell(ctx, w.companyOrders, 'company', ordersTable(w, orders));
};

const historyList = (w: Words, history: readonly HistoryEntry[]): Html =>
  html`<h2>${w.history}</h2>
    <ol reversed>
      ${history.map(
        (e) =>
          html`<li>
            <time datetime="${e.at}">${e.at}</time>
            ${e.status}${e.noteVisibleToCustomer && e.remarks.admin !== undefined ? html`: <q>${e.remarks.admin}</q>` : ''}
          </li>`,
      )}
    </ol>`;

const orderBody = (w: Words, order: CustomerOrderView, history: readonly HistoryEntry[]): Html =>
  html`<table>
      <tbody>
        <tr>
          <th scope="row">${w.status}</th>
          <td data-testid="order-status">${order.status}</td>
        </tr>
        <tr>
          <th scope="row">${w.payment}</th>
          <td>${order.paymentStatus}</td>
        </tr>
        <tr>
          <th scope="row">${w.fulfillment}</th>
          <td>${order.fulfillmentStatus}</td>
        </tr>
        <tr>
          <th scope="row">${w.total}</th>
          <td>${money.format(order.total)}</td>
        </tr>
        <tr>
          <th scope="row">${w.balanceDue}</th>
          <td>${fmt(order.balanceDue, order.total.currency)}</td>
        </tr>
      </tbody>
    </table>
    <table>
      <caption>
        ${w.lines}
      </caption>
      <thead>
        <tr>
          <th scope="col">${w.lines}</th>
          <th scope="col">${w.qty}</th>
          <th scope="col">${w.price}</th>
        </tr>
      </thead>
      <tbody>
        ${order.lines.map(
          (l) =>
            html`<tr>
              <td>${l.name}</td>
              <td>${l.qty}</td>
              <td>${money.format(l.unitPrice)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${historyList(w, history)}`;

export const portalOrderPage = (
  ctx: PortalContext,
  order: CustomerOrderView,
  history: readonly HistoryEntry[],
  /** Issue 17: her returns and the return form, her store credit (`portalChangesSection`). */
  changes?: Html,
): Html => {
  const w = wordsFor(ctx.language);
  return shell(
    ctx,
    `${w.order} ${order.orderNumber}`,
    'orders',
    html`${orderBody(w, order, history)} ${changes ?? ''}`,
  );
};

/** CUS-3: the guest's order-status page, opened by the token in her confirmation link; no login. */
export const guestOrderStatusPage = (
  language: string,
  order: CustomerOrderView,
  history: readonly HistoryEntry[],
): Html => {
  const w = wordsFor(language);
  return page(
    { language, title: `${w.orderStatus}: ${order.orderNumber}`, languagePicker: false },
    orderBody(w, order, history),
  );
};

export type PortalSubscription = Readonly<{
  subscriptionId: string;
  planName: string;
  /** The portal's status (in_progress, closed, paused, ...). */
  status: string;
  canClose: boolean;
  closeReason?: string;
}>;

/** SUB-4: she may close a closable plan, and only with one of the listed reasons (no free text). */
export const portalSubscriptionsPage = (
  ctx: PortalContext,
  subscriptions: readonly PortalSubscription[],
  reasons: readonly Readonly<{ code: string; label: string }>[],
): Html => {
  const w = wordsFor(ctx.language);
  return shell(
    ctx,
    w.mySubscriptions,
    'subscriptions',
    subscriptions.length === 0
      ? html`<p>${w.noSubscriptions}</p>`
      : html`<table>
          <thead>
            <tr>
              <th scope="col">${w.mySubscriptions}</th>
              <th scope="col">${w.status}</th>
              <th scope="col">${w.closeSubscription}</th>
            </tr>
          </thead>
          <tbody>
            ${subscriptions.map(
              (s) =>
                html`<tr data-subscription="${s.subscriptionId}">
                  <td>${s.planName} <span class="muted">${s.subscriptionId}</span></td>
                  <td data-testid="subscription-status">
                    ${s.status === 'closed' ? w.closed : s.status === 'in_progress' ? w.inProgress : s.status}${s.closeReason === undefined ? '' : html`: ${s.closeReason}`}
                  </td>
                  <td>
                    ${
                      s.canClose
                        ? html`<form
                            method="post"
                            action="/portal/subscriptions/${encodeURIComponent(s.subscriptionId)}/close"
                          >
                            <input type="hidden" name="_csrf" value="${ctx.csrf}" />
                            <label
                              >${w.closeReason}
                              <select name="reasonCode" required>
                                ${reasons.map((r) => html`<option value="${r.code}">${r.label}</option>`)}
                              </select></label
                            >
                            <button>${w.closeSubscription}</button>
                          </form>`
                        : ''
                    }
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>`,
  );
};

export const portalReceiptsPage = (ctx: PortalContext, rows: readonly RegisterRow[]): Html => {
  const w = wordsFor(ctx.language);
  return shell(
    ctx,
    w.myReceipts,
    'receipts',
    rows.length === 0
      ? html`<p>${w.noReceipts}</p>`
      : html`<table>
          <thead>
            <tr>
              <th scope="col">${w.receipts}</th>
              <th scope="col">${w.order}</th>
              <th scope="col">${w.placedAt}</th>
              <th scope="col">${w.total}</th>
              <th scope="col">${w.status}</th>
            </tr>
          </thead>
          <tbody>
            ${rows.map(
              (r) =>
                html`<tr>
                  <td>${r.kind} ${r.receiptId}</td>
                  <td>${r.orderId}</td>
                  <td>${r.day}</td>
                  <td>${money.format(r.total)}</td>
                  <td>${r.status}</td>
                </tr>`,
            )}
          </tbody>
        </table>`,
  );
};

export const portalMessagePage = (language: string, title: string, text: string): Html =>
  page({ language, title }, html`<p>${text}</p>`);
