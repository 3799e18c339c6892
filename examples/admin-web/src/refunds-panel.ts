import { money, type Money } from '@ordersource/core';
import { html, type Html } from './html.js';
import { dirOf, pageLanguage } from './i18n.js';
import { refundWordsFor, type RefundWords } from './refund-words.js';

/**
 * Issue 9 (PAY-5, REC-7): the order page's "refunds awaiting goods" panel.
 * A refund made after the closing receipt that named no goods is recorded
 * unassigned on the receipts; an admin names the goods that came back here
 * (`AssignRefundGoods`) and the return receipt follows. Money refunded beyond
 * any receipt is shown too: nothing to assign, an admin's flag. One module
 * draws the form and reads what the browser posts back, so a field cannot be
 * shown under one name and read under another; the command's codec judges
 * the result.
 */

/** One refund waiting for its goods (`movementId`: `<paymentId>:refund-<refundId>`). */
export type OpenRefundView = Readonly<{ movementId: string; amount: Money; means?: string }>;

/** A receipt position that can still come back: `lineId` is the order line, or `<lineId>~1` for a split line's dearer units. */
export type ReturnableView = Readonly<{
  lineId: string;
  name: string;
  unit: string;
  price: Money;
  quantity: number;
  /** Marked goods (REC-6) come back by their codes: the codes not returned yet. */
  markingCodes?: readonly string[];
}>;

/** What the panel shows: the shop's reconciliation of the order (`shop.queries.reconciliation`). */
export type RefundsAwaitingGoodsView = Readonly<{
  orderId: string;
  currency: string;
  needsAttention: boolean;
  since?: string;
  openRefunds: readonly OpenRefundView[];
  unreceiptedRefund: number;
  returnable: readonly ReturnableView[];
}>;

/** The path the panel's forms post to (a page route; the JSON API's is under /api). */
export const assignGoodsAction = (orderId: string, movementId: string): string =>
  `/admin/orders/${encodeURIComponent(orderId)}/refunds/${encodeURIComponent(movementId)}/goods`;

const qtyField = (lineId: string): string => `qty.${lineId}`;
const codeField = (lineId: string, index: number): string => `code.${lineId}.${index}`;

/**
 * The lines of `AssignRefundGoods` from the posted form: each position with a
 * quantity (a marked one: with the codes ticked, its quantity their count).
 * A quantity that is not a whole number is passed on as written, so the
 * codec refuses it naming the field.
 */
export const assignGoodsLines = (
  returnable: readonly ReturnableView[],
  form: Readonly<Record<string, string>>,
): Record<string, unknown>[] => {
  const lines: Record<string, unknown>[] = [];
  for (const position of returnable) {
    if (position.markingCodes !== undefined) {
      const codes = position.markingCodes.filter((_, index) => form[codeField(position.lineId, index)] === '1');
      if (codes.length > 0) lines.push({ lineId: position.lineId, qty: codes.length, markingCodes: codes });
      continue;
    }
    const raw = (form[qtyField(position.lineId)] ?? '').trim();
    if (raw === '' || raw === '0') continue;
    lines.push({ lineId: position.lineId, qty: /^\d+$/.test(raw) ? Number(raw) : raw });
  }
  return lines;
};

const goodsRow = (position: ReturnableView, words: RefundWords): Html =>
  html`<tr>
    <td><code>${position.lineId}</code></td>
    <td>${position.name}</td>
    <td>${position.quantity} ${position.unit} × ${money.format(position.price)}</td>
    <td>
      ${
        position.markingCodes === undefined
          ? html`<input
              type="number"
              name="${qtyField(position.lineId)}"
              min="0"
              max="${position.quantity}"
              step="1"
              inputmode="numeric"
              aria-label="${words.unitsBack}: ${position.name} (${position.lineId})"
            />`
          : html`<fieldset>
              <legend>${words.codesBack}</legend>
              ${position.markingCodes.map(
                (code, index) =>
                  html`<label
                    ><input type="checkbox" name="${codeField(position.lineId, index)}" value="1" /><code
                      >${code}</code
                    ></label
                  >`,
              )}
            </fieldset>`
      }
    </td>
  </tr>`;

const assignForm = (
  ctx: Readonly<{ csrf: string; nonce?: string }>,
  view: RefundsAwaitingGoodsView,
  refund: OpenRefundView,
  words: RefundWords,
): Html =>
  html`<form method="post" action="${assignGoodsAction(view.orderId, refund.movementId)}" data-testid="assign-goods">
    <fieldset>
      <legend>
        ${words.refund} <code>${refund.movementId}</code>: ${words.open}
        <strong>${money.format(refund.amount)}</strong>
      </legend>
      <input type="hidden" name="_csrf" value="${ctx.csrf}" />
      ${ctx.nonce === undefined ? '' : html`<input type="hidden" name="_nonce" value="${ctx.nonce}" />`}
      <table>
        <thead>
          <tr>
            <th scope="col">${words.position}</th>
            <th scope="col"></th>
            <th scope="col">${words.withCustomer}</th>
            <th scope="col">${words.unitsBack}</th>
          </tr>
        </thead>
        <tbody>
          ${view.returnable.map((position) => goodsRow(position, words))}
        </tbody>
      </table>
      <div><button>${words.assign}</button></div>
    </fieldset>
  </form>`;

/** The panel, in the admin's language; nothing when no refund waits and nothing is unreceipted. */
export const refundsAwaitingGoodsPanel = (
  ctx: Readonly<{ csrf: string; nonce?: string; language?: string }>,
  view: RefundsAwaitingGoodsView | undefined,
): Html => {
  if (view === undefined || !view.needsAttention) return html``;
  const language = pageLanguage(ctx.language);
  const words = refundWordsFor(language);
  return html`<section
    lang="${language}"
    dir="${dirOf(language)}"
    aria-labelledby="refunds-awaiting-goods"
    data-testid="refunds-awaiting-goods"
  >
    <h2 id="refunds-awaiting-goods">${words.title} <span class="muted">(PAY-5, REC-7)</span></h2>
    ${view.since === undefined ? '' : html`<p class="muted">${words.since} ${view.since}</p>`}
    ${view.openRefunds.length === 0 ? '' : html`<p>${words.intro}</p>`}
    ${view.openRefunds.map((refund) => assignForm(ctx, view, refund, words))}
    ${
      view.unreceiptedRefund > 0
        ? html`<p data-testid="unreceipted-refund">
            <strong
              >${words.unreceipted}:
              ${money.format({ amount: view.unreceiptedRefund, currency: view.currency })}</strong
            >
            <br /><span class="muted">${words.unreceiptedHint}</span>
          </p>`
        : ''
    }
  </section>`;
};
