import { money } from '@ordersource/core';
import { changeKindLabel, changeStatusLabel, changeWordsFor } from './change-words.js';
import { html, type Html } from './html.js';

/**
 * Issue 17 on the pages: an order's changes (returns, exchanges, claims,
 * edits) with their status and the money they move, the portal's "Request a
 * return" form for the delivered units not returned yet, the admin's actions
 * on each change (confirm with the refund destination, receive with
 * condition and restock, decline, cancel), and the customer's store credit.
 * View data only: the server reads the streams and the preview.
 */

type MoneyView = Readonly<{ amount: number; currency: string }>;

export type ChangeItemView = Readonly<{ lineId: string; name: string; qty: number; reason: string }>;

export type ChangeView = Readonly<{
  changeId: string;
  kind: string;
  status: string;
  version: number;
  requestedBy: string;
  items: readonly ChangeItemView[];
  /** What the preview (or the applied change) gives back, in minor units of the order's currency. */
  refund?: MoneyView;
  refundTo?: string;
  credited?: MoneyView;
  declinedReason?: string;
  failed?: string;
  note?: string;
}>;

export type ReturnableLine = Readonly<{ lineId: string; name: string; available: number }>;

export type ReasonOption = Readonly<{ code: string; label: string }>;

const fmt = (m: MoneyView): string => money.format(m);

const balances = (language: string, credit: readonly MoneyView[]): Html => {
  const w = changeWordsFor(language);
  const positive = credit.filter((c) => c.amount > 0);
  return positive.length === 0
    ? html`<p class="muted" data-testid="store-credit">${w.noCredit}</p>`
    : html`<p data-testid="store-credit">${positive.map((c) => fmt(c)).join(' · ')}</p>`;
};

const changeRow = (language: string, change: ChangeView, extra: Html | string = ''): Html => {
  const w = changeWordsFor(language);
  return html`<tr data-change="${change.changeId}">
    <td>${changeKindLabel(change.kind, language)} <span class="muted">${change.changeId}</span></td>
    <td data-testid="change-status">
      ${changeStatusLabel(change.status, language)}${
        change.declinedReason === undefined ? '' : html`: ${change.declinedReason}`
      }${change.failed === undefined ? '' : html`: ${change.failed}`}
    </td>
    <td>
      <ul>
        ${change.items.map((i) => html`<li>${i.name} × ${i.qty} (${i.reason})</li>`)}
      </ul>
    </td>
    <td>
      ${change.refund === undefined ? '' : html`${w.refund}: ${fmt(change.refund)}`}${
        change.refundTo === undefined
          ? ''
          : html` → ${change.refundTo === 'store-credit' ? w.storeCredit : change.refundTo}`
      }
    </td>
    ${extra}
  </tr>`;
};

/** Her store credit balance, on her orders page. */
export const portalCreditSection = (language: string, credit: readonly MoneyView[]): Html =>
  html`<section aria-labelledby="credit-title">
    <h2 id="credit-title">${changeWordsFor(language).creditBalance}</h2>
    ${balances(language, credit)}
  </section>`;

/** The portal's section of an order page: her changes, the return form, her store credit. */
export const portalChangesSection = (
  ctx: Readonly<{ language: string; csrf: string }>,
  data: Readonly<{
    orderId: string;
    changes: readonly ChangeView[];
    returnable: readonly ReturnableLine[];
    reasons: readonly ReasonOption[];
    credit: readonly MoneyView[];
  }>,
): Html => {
  const w = changeWordsFor(ctx.language);
  return html`<section aria-labelledby="changes-title">
      <h2 id="changes-title">${w.changes}</h2>
      ${
        data.changes.length === 0
          ? html`<p class="muted">${w.noChanges}</p>`
          : html`<table>
              <tbody>
                ${data.changes.map((c) => changeRow(ctx.language, c))}
              </tbody>
            </table>`
      }
      ${
        data.returnable.length === 0
          ? ''
          : html`<form method="post" action="/portal/orders/${encodeURIComponent(data.orderId)}/returns">
              <fieldset>
                <legend>${w.requestReturn}</legend>
                <p>${w.returnIntro}</p>
                <input type="hidden" name="_csrf" value="${ctx.csrf}" />
                <label
                  >${w.whatHappened}
                  <select name="kind">
                    <option value="return">${w.requestKind_return}</option>
                    <option value="claim-refund">${w.requestKind_claimRefund}</option>
                    <option value="claim-replace">${w.requestKind_claimReplace}</option>
                  </select></label
                >
                ${data.returnable.map(
                  (l) =>
                    html`<label
                      >${l.name} — ${w.returnQty}
                      <input type="number" name="qty.${l.lineId}" min="0" max="${l.available}" step="1" value="0"
                    /></label>`,
                )}
                <label
                  >${w.reason}
                  <select name="reason" required>
                    ${data.reasons.map((r) => html`<option value="${r.code}">${r.label}</option>`)}
                  </select></label
                >
                <label>${w.note} <input type="text" name="note" maxlength="500" /></label>
                <div><button>${w.send}</button></div>
              </fieldset>
            </form>`
      }
    </section>
    ${portalCreditSection(ctx.language, data.credit)}`;
};

/** The admin's forms on one change, as its status allows. */
const adminActions = (ctx: Readonly<{ csrf: string; nonce?: string }>, orderId: string, change: ChangeView): Html => {
  const action = (type: string, label: string, body: Html) =>
    html`<form method="post" action="/admin/order-changes/${encodeURIComponent(change.changeId)}/actions/${type}">
      <fieldset>
        <legend>${label}</legend>
        <input type="hidden" name="_csrf" value="${ctx.csrf}" />
        <input type="hidden" name="_order" value="${orderId}" />
        <input type="hidden" name="_version" value="${change.version}" />
        ${ctx.nonce === undefined ? '' : html`<input type="hidden" name="_nonce" value="${ctx.nonce}" />`} ${body}
        <div><button>${label}</button></div>
      </fieldset>
    </form>`;
  const forms: Html[] = [];
  if (change.status === 'draft' || change.status === 'requested')
    forms.push(
      action(
        'ConfirmOrderChange',
        'Confirm',
        html`<label
            >Refund to
            <select name="refundTo">
              <option value="original">the original payment</option>
              <option value="store-credit">store credit</option>
            </select></label
          >
          ${
            change.kind === 'return' || change.kind === 'claim'
              ? html`<label
                  ><input type="checkbox" name="refundShipping" value="1" /> give back the shipping fee</label
                >`
              : ''
          }
          <label>Staff note <input type="text" name="staffNote" /></label>
          <label><input type="checkbox" name="notifyCustomer" value="1" checked /> notify the customer</label>`,
      ),
    );
  if (change.status === 'requested')
    forms.push(
      action('DeclineOrderChange', 'Decline', html`<label>Reason <input type="text" name="reason" required /></label>`),
    );
  if (change.status === 'confirmed' && (change.kind === 'return' || change.kind === 'exchange'))
    forms.push(
      action(
        'ReceiveReturn',
        'Receive the return',
        html`${change.items.map(
          (i) =>
            html`<fieldset>
              <legend>${i.name}</legend>
              <label
                >Units received
                <input type="number" name="qty.${i.lineId}" min="0" max="${i.qty}" step="1" value="${i.qty}"
              /></label>
              <label
                >Condition
                <select name="condition.${i.lineId}">
                  <option value="sellable">sellable</option>
                  <option value="damaged">damaged</option>
                  <option value="missing">missing</option>
                </select></label
              >
              <label><input type="checkbox" name="restock.${i.lineId}" value="1" checked /> restock</label>
            </fieldset>`,
        )}`,
      ),
    );
  if (change.status === 'draft' || change.status === 'requested' || change.status === 'confirmed')
    forms.push(
      action('CancelOrderChange', 'Cancel', html`<label>Reason <input type="text" name="reason" required /></label>`),
    );
  return html`<td><div class="actions">${forms}</div></td>`;
};

/** The admin order page's section: every change of the order with its actions, and the customer's credit. */
export const adminChangesSection = (
  ctx: Readonly<{ csrf: string; nonce?: string }>,
  data: Readonly<{
    orderId: string;
    customerId: string;
    changes: readonly ChangeView[];
    credit: readonly MoneyView[];
    restocked?: readonly string[];
    /** Delivered units not returned yet: the "start a return or claim" form. */
    returnable?: readonly ReturnableLine[];
    reasons?: readonly ReasonOption[];
    /** The notification intents the change steps decided (the notify catalog has no order-change templates yet). */
    notices?: readonly string[];
  }>,
): Html =>
  html`<h2 id="changes">Returns, exchanges, claims and edits (issue 17)</h2>
    ${
      data.changes.length === 0
        ? html`<p class="muted">No changes on this order.</p>`
        : html`<table>
            <thead>
              <tr>
                <th scope="col">Change</th>
                <th scope="col">Status</th>
                <th scope="col">Items</th>
                <th scope="col">Money</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              ${data.changes.map((c) => changeRow('en', c, adminActions(ctx, data.orderId, c)))}
            </tbody>
          </table>`
    }
    ${
      data.restocked === undefined || data.restocked.length === 0
        ? ''
        : html`<p class="muted">Handed to the stock: ${data.restocked.join('; ')}</p>`
    }
    ${
      data.notices === undefined || data.notices.length === 0
        ? ''
        : html`<details>
            <summary>Change notifications decided (${data.notices.length})</summary>
            <ul>
              ${data.notices.map((n) => html`<li>${n}</li>`)}
            </ul>
          </details>`
    }
    ${
      data.returnable === undefined || data.returnable.length === 0
        ? ''
        : html`<form method="post" action="/admin/orders/${encodeURIComponent(data.orderId)}/changes">
            <fieldset>
              <legend>Start a return or claim for the customer</legend>
              <input type="hidden" name="_csrf" value="${ctx.csrf}" />
              <label
                >Kind
                <select name="kind">
                  <option value="return">return (refunded when the goods arrive)</option>
                  <option value="claim">claim (damaged or missing, no goods back)</option>
                </select></label
              >
              <label
                >Claim settled by
                <select name="resolution">
                  <option value="refund">a refund</option>
                  <option value="replace">a replacement at no charge</option>
                </select></label
              >
              ${data.returnable.map(
                (l) =>
                  html`<label
                    >${l.name}: units
                    <input type="number" name="qty.${l.lineId}" min="0" max="${l.available}" step="1" value="0"
                  /></label>`,
              )}
              <label
                >Reason
                <select name="reason">
                  ${(data.reasons ?? []).map((r) => html`<option value="${r.code}">${r.label}</option>`)}
                </select></label
              >
              <label>Note <input type="text" name="note" /></label>
              <div><button>Stage the change</button></div>
            </fieldset>
          </form>`
    }
    <h3>Store credit of ${data.customerId}</h3>
    ${balances('en', data.credit)}`;
