import { money } from '@ordersource/core';
import {
  balanceDue,
  financialStatus,
  pixpaPaymentStatus,
  type FinancialStatus,
  type HistoryEntry,
  type OrderListItem,
  type OrderState,
} from '@ordersource/domain';
import { renderReceipt, type ReceiptsState } from '@ordersource/domain/receipts';
import type { AdminSubscriptionView } from '@ordersource/domain/subscriptions';
import { actionSpecs, majorUnits, type ActionSpec, type FieldSpec } from './forms.js';
import { html, trusted, type Html } from './html.js';
import { financialStatusLabel, financialStatuses } from './i18n.js';
import { page, type PageOptions } from './layout.js';

/**
 * The admin pages (seeds 000, 001, 002): the order list with the seeds'
 * filters, the order page with its "process order" form (ORD-4), the status
 * history newest first with what was sent (ORD-5, NOT-3), the payments with
 * their links and QR codes (PAY-3), the fiscal receipts (REC-*), every other
 * action of the order as its own form, and the printable summary (ORD-10).
 */

export type AdminContext = Readonly<{
  csrf: string;
  adminName: string;
  /** Rendered into each action form: posting one form twice is one command (its id derives from it). */
  nonce?: string;
  flash?: PageOptions['flash'];
  /** The admin's language for the filter labels (default English). */
  language?: string;
}>;

/** What the notifier sent about an order (NOT-3: which channel, to whom, when, what). */
export type SentView = Readonly<{
  channel: string;
  audience: string;
  to: string;
  language: string;
  subject: string;
  text: string;
  at: string;
  keptCopy: boolean;
}>;

const nav = (current: string) => [
  { href: '/admin/orders', label: 'Orders', current: current === 'orders' },
  { href: '/admin/subscriptions', label: 'Subscriptions', current: current === 'subscriptions' },
  { href: '/openapi.json', label: 'API (OpenAPI)' },
];

const shell = (ctx: AdminContext, title: string, current: string, body: Html): Html =>
  page(
    {
      language: 'en',
      title,
      nav: nav(current),
      logout: { action: '/admin/logout', csrf: ctx.csrf, label: `Log out ${ctx.adminName}` },
      ...(ctx.flash === undefined ? {} : { flash: ctx.flash }),
    },
    body,
  );

const fmt = (amount: number, currency: string): string => money.format({ amount, currency });

/** `csrf`: the pre-session login token (login CSRF: nobody logs a browser into an account it did not choose). */
export const adminLoginPage = (csrf: string, flash?: PageOptions['flash']): Html =>
  page(
    { language: 'en', title: 'Shop admin: log in', ...(flash === undefined ? {} : { flash }) },
    html`<form method="post" action="/admin/login">
      <input type="hidden" name="_csrf" value="${csrf}" />
      <label>User name <input type="text" name="username" autocomplete="username" required /></label>
      <label>Password <input type="password" name="password" autocomplete="current-password" required /></label>
      <button>Log in</button>
    </form>`,
  );

export type OrderFilterInput = Readonly<Record<string, string | undefined>>;

const select = (
  name: string,
  label: string,
  values: readonly string[],
  current: string | undefined,
  labelOf: (value: string) => string = (value) => value,
): Html =>
  html`<label
    >${label}
    <select name="${name}">
      <option value="">(any)</option>
      ${values.map((v) => html`<option value="${v}" ${v === current ? html` selected` : ''}>${labelOf(v)}</option>`)}
    </select></label
  >`;

/** The order list with the seeds' filters: order, payment (Pixpa and Shopify's), fulfillment status, search, fraud. */
export const adminOrdersPage = (ctx: AdminContext, orders: readonly OrderListItem[], filter: OrderFilterInput): Html =>
  shell(
    ctx,
    'Orders',
    'orders',
    html`<form method="get" class="filters" aria-label="Filter orders">
        ${select('status', 'Order status', ['pending', 'recorded', 'confirmed', 'cancelled', 'discarded'], filter['status'])}
        ${select('paymentStatus', 'Payment (PAY-2)', ['paid', 'pending', 'refunded'], filter['paymentStatus'])}
        ${select(
          'financialStatus',
          'Financial status',
          // Issue 9: every status, the money facts too (disputed, charged back, over-refunded, overpaid, expired).
          financialStatuses,
          filter['financialStatus'],
          (status) => financialStatusLabel(status as FinancialStatus, ctx.language),
        )}
        ${select(
          'fulfillmentStatus',
          'Fulfillment (FUL-1)',
          ['unfulfilled', 'processed', 'on_hold', 'partially_shipped', 'shipped', 'cancelled', 'fulfilled'],
          filter['fulfillmentStatus'],
        )}
        ${select('fraud', 'Fraud signal (ORD-7)', ['yes', 'no'], filter['fraud'])}
        <label
          >Search <input type="text" name="q" value="${filter['q'] ?? ''}" placeholder="number, name, e-mail, phone"
        /></label>
        <label class="inline"
          ><input type="checkbox" name="discarded" value="1" ${filter['discarded'] === '1' ? html` checked` : ''} />
          include discarded (ORD-6)</label
        >
        <button>Filter</button>
      </form>
      <table>
        <caption>
          ${orders.length} order(s), newest first
        </caption>
        <thead>
          <tr>
            <th scope="col">Order</th>
            <th scope="col">Placed</th>
            <th scope="col">Customer</th>
            <th scope="col">Status</th>
            <th scope="col">Payment</th>
            <th scope="col">Fulfillment</th>
            <th scope="col">Total</th>
            <th scope="col">Due</th>
            <th scope="col">Flags</th>
          </tr>
        </thead>
        <tbody>
          ${orders.map(
            (o) =>
              html`<tr>
                <td><a href="/admin/orders/${encodeURIComponent(o.orderId)}">${o.orderNumber}</a></td>
                <td>${o.placedAt}</td>
                <td>${o.customerName}</td>
                <td>${o.status}</td>
                <td>${o.paymentStatus} (${o.financialStatus})</td>
                <td>${o.fulfillmentStatus}</td>
                <td>${money.format(o.total)}</td>
                <td>${fmt(o.balanceDue, o.total.currency)}</td>
                <td>${o.fraudFlagged ? 'fraud signal ' : ''}${o.locked ? 'locked' : ''}</td>
              </tr>`,
          )}
        </tbody>
      </table>`,
  );

const fieldInput = (spec: ActionSpec, field: FieldSpec, order: OrderState): Html => {
  const id = `${spec.type}-${field.name}`;
  const req = field.required === true ? html` required` : '';
  switch (field.kind) {
    case 'bool':
      return html`<label class="inline" for="${id}"
        ><input type="checkbox" id="${id}" name="${field.name}" value="1" /> ${field.label}</label
      >`;
    case 'textarea':
      return html`<label for="${id}">${field.label}</label><textarea id="${id}" name="${field.name}"></textarea>`;
    case 'int':
      return html`<label for="${id}">${field.label}</label
        ><input type="number" id="${id}" name="${field.name}" min="0" step="1" ${req} />`;
    case 'datetime':
      return html`<label for="${id}">${field.label} (UTC)</label
        ><input type="datetime-local" id="${id}" name="${field.name}" ${req} />`;
    case 'money':
      return html`<label for="${id}">${field.label} (${order.currency})</label
        ><input
          type="text"
          inputmode="decimal"
          id="${id}"
          name="${field.name}"
          pattern="[0-9]+([.,][0-9]+)?"
          ${req}
        />`;
    case 'select':
      return html`<label for="${id}">${field.label}</label
        ><select id="${id}" name="${field.name}" ${req}>
          ${(field.options ?? []).map((o) => html`<option value="${o.value}">${o.label}</option>`)}
        </select>`;
    case 'payment':
      return html`<label for="${id}">${field.label}</label
        ><select id="${id}" name="${field.name}" ${req}>
          ${field.required === true ? '' : html`<option value="">(the one awaited / newest)</option>`}${order.payments.map(
            (p) =>
              html`<option value="${p.paymentId}">
                ${p.paymentId}: ${p.status}, ${fmt(p.requested, order.currency)}
              </option>`,
          )}
        </select>`;
    case 'shipment':
      return html`<label for="${id}">${field.label}</label
        ><select id="${id}" name="${field.name}" ${req}>
          ${field.required === true ? '' : html`<option value="">(everything shipped)</option>`}
          ${order.fulfillment.shipments.map((s) => html`<option value="${s.shipmentId}">${s.shipmentId}</option>`)}
        </select>`;
    case 'lines':
      return html`<fieldset>
        <legend>${field.label}</legend>
        ${order.lines.map(
          (line) =>
            html`<label
              >${line.name} (${line.sku}, ordered ${line.qty})
              <input
                type="number"
                name="lines.${line.lineId}"
                min="0"
                max="${line.qty}"
                step="1"
                value="0"
                aria-label="returned quantity of ${line.name}"
            /></label>`,
        )}
      </fieldset>`;
    default:
      return html`<label for="${id}">${field.label}</label
        ><input
          type="text"
          id="${id}"
          name="${field.name}"
          ${req}
        />${field.hint === undefined ? '' : html` <span class="muted">${field.hint}</span>`}`;
  }
};

const actionForm = (ctx: AdminContext, orderId: string, version: number, spec: ActionSpec, order: OrderState): Html =>
  html`<form
    method="post"
    action="/admin/orders/${encodeURIComponent(orderId)}/actions/${spec.type}"
    ${
      spec.type === 'DiscardOrder' || spec.type === 'CancelOrder' ? html` data-confirm="${spec.label} this order?"` : ''
    }
  >
    <fieldset>
      <legend>${spec.label} <span class="muted">(${spec.ids})</span></legend>
      <input type="hidden" name="_csrf" value="${ctx.csrf}" />
      <input type="hidden" name="_version" value="${version}" />
      ${ctx.nonce === undefined ? '' : html`<input type="hidden" name="_nonce" value="${ctx.nonce}" />`}
      ${spec.fields.map((field) => fieldInput(spec, field, order))}
      <div><button>${spec.label}</button></div>
    </fieldset>
  </form>`;

export type OrderPageData = Readonly<{
  state: OrderState;
  version: number;
  history: readonly HistoryEntry[];
  receipts: ReceiptsState | undefined;
  sent: readonly SentView[];
  /** paymentId -> the link's QR code as an image data URL (made by the server). */
  qr: Readonly<Record<string, string>>;
  invitation?: string;
  /** Issue 9 (PAY-5, REC-7): the refunds awaiting goods panel (`refundsAwaitingGoodsPanel`), shown above the receipts. */
  refundsAwaitingGoods?: Html;
  /** Issue 17: the order's changes with their actions, and the customer's store credit (`adminChangesSection`). */
  changes?: Html;
}>;

const historyTable = (entries: readonly HistoryEntry[]): Html =>
  html`<table>
    <caption>
      Status history, newest first (ORD-5)
    </caption>
    <thead>
      <tr>
        <th scope="col">When</th>
        <th scope="col">Status</th>
        <th scope="col">By</th>
        <th scope="col">E-mail</th>
        <th scope="col">SMS</th>
        <th scope="col">Remarks</th>
      </tr>
    </thead>
    <tbody>
      ${entries.map(
        (e) =>
          html`<tr>
            <td>${e.at}</td>
            <td>${e.status}</td>
            <td>${e.actor.kind}:${e.actor.name ?? e.actor.id}</td>
            <td>${e.email ? '✓ sent' : ''}</td>
            <td>${e.sms ? '✓ sent' : ''}</td>
            <td>
              ${[
                e.remarks.admin === undefined
                  ? ''
                  : html`<div>Note${e.noteVisibleToCustomer ? ' (customer sees it)' : ''}: ${e.remarks.admin}</div>`,
                e.remarks.gateway === undefined ? '' : html`<div>Gateway: ${e.remarks.gateway}</div>`,
                e.remarks.customer === undefined ? '' : html`<div>Customer: ${e.remarks.customer}</div>`,
                e.language === undefined
                  ? ''
                  : html`<div class="muted">
                      mail language ${e.language}${e.keepCopy === true ? ', copy kept' : ''}
                    </div>`,
              ]}
            </td>
          </tr>`,
      )}
    </tbody>
  </table>`;

const receiptsSection = (receipts: ReceiptsState | undefined): Html =>
  receipts === undefined || receipts.issued.length === 0
    ? html`<p class="muted">No fiscal receipts yet.</p>`
    : html`${receipts.issued.map((id) => {
        const record = receipts.receipts[id];
        if (record === undefined) return '';
        return html`<figure>
          <figcaption>${record.receipt.operation} ${record.receipt.kind} receipt ${id} (${record.status})</figcaption>
          <pre class="mono">
${renderReceipt(record.receipt, {
              status: record.status,
              ...(record.fiscalSign === undefined ? {} : { fiscalSign: record.fiscalSign }),
              acceptedMarks: record.acceptedMarks,
            })}</pre>
        </figure>`;
      })}`;

/** The admin order page. */
export const adminOrderPage = (ctx: AdminContext, data: OrderPageData): Html => {
  const { state } = data;
  const details = state.details;
  if (details === null) return shell(ctx, 'Order not found', 'orders', html`<p>No such order.</p>`);
  const status = financialStatus(state);
  const c = details.customer;
  return shell(
    ctx,
    `Order ${details.orderNumber}`,
    'orders',
    html`<p>
        <a href="/admin/orders/${encodeURIComponent(details.orderId)}/print">Print the order summary (ORD-10)</a> ·
        <span class="muted">version ${data.version}</span>
      </p>
      <table>
        <tbody>
          <tr>
            <th scope="row">Order status</th>
            <td data-testid="order-status">
              ${state.status}${state.locked === undefined ? '' : ' (locked: closing receipt issued)'}
            </td>
          </tr>
          <tr>
            <th scope="row">Process status</th>
            <td data-testid="process-status">${state.processing.status ?? ''}</td>
          </tr>
          <tr>
            <th scope="row">Payment</th>
            <td>
              ${pixpaPaymentStatus(status)} (${status}), total ${fmt(state.totals.total.amount, state.currency)},
              <span data-testid="balance-due">due ${fmt(balanceDue(state), state.currency)}</span>
            </td>
          </tr>
          <tr>
            <th scope="row">Fulfillment</th>
            <td>
              ${state.fulfillment.status}${state.fulfillment.hold === undefined ? '' : `: ${state.fulfillment.hold.reason}`}
            </td>
          </tr>
          <tr>
            <th scope="row">Customer</th>
            <td>
              ${c.name} · ${c.email ?? ''} · ${c.phone ?? ''} · language
              ${c.language ?? ''}${c.companyId === undefined ? '' : ` · company ${c.companyId}`}
            </td>
          </tr>
          <tr>
            <th scope="row">Billing address</th>
            <td>
              ${details.billingAddress.name}, ${details.billingAddress.line1}, ${details.billingAddress.city},
              ${details.billingAddress.country}
            </td>
          </tr>
          <tr>
            <th scope="row">Shipping</th>
            <td>
              ${details.shippingMethod.name}: ${details.shippingAddress.line1}, ${details.shippingAddress.city},
              ${details.shippingAddress.country}
            </td>
          </tr>
          <tr>
            <th scope="row">Checkout remark</th>
            <td>${details.remark ?? ''}</td>
          </tr>
          <tr>
            <th scope="row">IP</th>
            <td>
              ${details.ip ?? ''}
              ${details.ipCountry ?? ''}${details.fraudSignals.length > 0 ? html` <strong>fraud signal: ${details.fraudSignals.join(', ')}</strong>` : ''}
            </td>
          </tr>
          <tr>
            <th scope="row">Loyalty points</th>
            <td>
              ${state.processing.loyaltyPoints ?? ''}${state.processing.loyaltyPointsApproved === true ? ' (approved)' : ''}
            </td>
          </tr>
          <tr>
            <th scope="row">Dates, tracking</th>
            <td>
              ${state.processing.shipDate ?? ''} ${state.processing.deliveryDate ?? ''}
              ${state.processing.carrier ?? ''} ${state.processing.trackingReference ?? ''}
            </td>
          </tr>
          ${
            data.invitation === undefined
              ? ''
              : html`<tr>
                  <th scope="row">Account invitation (CUS-1)</th>
                  <td class="muted">sent with the confirmation</td>
                </tr>`
          }
        </tbody>
      </table>
      <table>
        <caption>
          Lines
        </caption>
        <thead>
          <tr>
            <th scope="col">SKU</th>
            <th scope="col">Item</th>
            <th scope="col">Qty</th>
            <th scope="col">Price</th>
            <th scope="col">VAT</th>
          </tr>
        </thead>
        <tbody>
          ${state.lines.map(
            (l) =>
              html`<tr>
                <td>${l.sku}</td>
                <td>${l.name}</td>
                <td>${l.qty}</td>
                <td>${money.format(l.unitPrice)}</td>
                <td>${typeof l.vatRate === 'string' ? l.vatRate : `${l.vatRate.basisPoints / 100}%`}</td>
              </tr>`,
          )}
        </tbody>
        <tfoot>
          <tr>
            <td colspan="3">
              Subtotal ${money.format(state.totals.subtotal)}, shipping ${money.format(state.totals.shippingFee)},
              discount ${money.format(state.totals.discount)}
            </td>
            <td colspan="2"><strong>${money.format(state.totals.total)}</strong></td>
          </tr>
        </tfoot>
      </table>
      <h2>Payments (PAY-1..PAY-5)</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Payment</th>
            <th scope="col">Method</th>
            <th scope="col">Status</th>
            <th scope="col">Requested</th>
            <th scope="col">Captured</th>
            <th scope="col">Refunded</th>
            <th scope="col">Link</th>
            <th scope="col">Provider messages</th>
          </tr>
        </thead>
        <tbody>
          ${state.payments.map((p) => {
            const qr = data.qr[p.paymentId];
            return html`<tr>
              <td>${p.paymentId}</td>
              <td>${p.method.name} (${p.channel})</td>
              <td>${p.status}</td>
              <td>${fmt(p.requested, state.currency)}</td>
              <td>${fmt(p.captured, state.currency)}</td>
              <td>${fmt(p.refunded, state.currency)}</td>
              <td>
                ${
                  p.url === undefined
                    ? ''
                    : html`<a href="${p.url}">${p.url}</a
                        >${qr === undefined ? '' : html`<br /><img class="qr" src="${trusted(qr)}" alt="QR code of the payment link ${p.url}" width="160" height="160" />`}`
                }
              </td>
              <td>${p.messages.map((m) => html`<div>${m.at} ${m.event}: ${m.message}</div>`)}</td>
            </tr>`;
          })}
        </tbody>
      </table>
      ${historyTable(data.history)}
      <h2>Messages sent (NOT-1..NOT-3)</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Channel</th>
            <th scope="col">To</th>
            <th scope="col">Language</th>
            <th scope="col">Subject / text</th>
          </tr>
        </thead>
        <tbody>
          ${data.sent.map(
            (m) =>
              html`<tr>
                <td>${m.at}</td>
                <td>${m.channel}</td>
                <td>${m.audience}: ${m.to}</td>
                <td>${m.language}${m.keptCopy ? ' (copy kept)' : ''}</td>
                <td>
                  <details>
                    <summary>${m.subject === '' ? m.text.slice(0, 60) : m.subject}</summary>
                    <pre class="mono">${m.text}</pre>
                  </details>
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
      ${data.refundsAwaitingGoods ?? ''}
      <h2>Fiscal receipts (REC-1..REC-8)</h2>
      ${receiptsSection(data.receipts)} ${data.changes ?? ''}
      <h2>Actions</h2>
      <div class="actions">
        ${actionSpecs.map((spec) => actionForm(ctx, details.orderId, data.version, spec, state))}
      </div>`,
  );
};

/** ORD-10: the printable order summary; the domain renders the document, the page adds a print button. */
export const adminPrintPage = (summaryHtml: string, orderNumber: string): Html =>
  page(
    { language: 'en', title: `Order ${orderNumber}` },
    html`<p class="noprint"><button data-print>Print</button></p>
      ${trusted(summaryHtml)}`,
  );

export const adminSubscriptionsPage = (
  ctx: AdminContext,
  subscriptions: readonly Readonly<{ subscriptionId: string; view: AdminSubscriptionView }>[],
  reasons: readonly Readonly<{ code: string; label: string }>[],
): Html =>
  shell(
    ctx,
    'Subscriptions',
    'subscriptions',
    html`<table>
      <thead>
        <tr>
          <th scope="col">Subscription</th>
          <th scope="col">Status</th>
          <th scope="col">Close reason</th>
          <th scope="col">Close (SUB-3)</th>
        </tr>
      </thead>
      <tbody>
        ${subscriptions.map(
          ({ subscriptionId, view }) =>
            html`<tr>
              <td>${subscriptionId}</td>
              <td>${view.status}</td>
              <td>${view.closeReason ?? ''}</td>
              <td>
                ${
                  view.status === 'cancelled'
                    ? ''
                    : html`<form
                        method="post"
                        action="/admin/subscriptions/${encodeURIComponent(subscriptionId)}/close"
                      >
                        <input type="hidden" name="_csrf" value="${ctx.csrf}" />
                        <label
                          >Listed reason
                          <select name="reasonCode">
                            <option value="">(free text)</option>
                            ${reasons.map((r) => html`<option value="${r.code}">${r.label}</option>`)}
                          </select></label
                        >
                        <label>Free text <input type="text" name="reasonText" /></label><button>Close</button>
                      </form>`
                }
              </td>
            </tr>`,
        )}
      </tbody>
    </table>`,
  );

export const adminMessagePage = (ctx: AdminContext, title: string, text: string): Html =>
  shell(ctx, title, 'orders', html`<p>${text}</p>`);

export { majorUnits };
