import { isMarked } from '../marking.js';
import { money } from '@ordersource/core';
import { financialStatus, netCaptured } from '../payment-status.js';
import type { OrderState } from '../state.js';
import type { Address } from '../values.js';

/**
 * ORD-10: the printable order receipt / summary (ec2Biz "列印訂單收據"), as
 * plain text and as HTML. Every value from the order is HTML-escaped: names,
 * remarks and addresses are customer input.
 */

export type SummaryLabels = Readonly<{
  title: string;
  order: string;
  date: string;
  customer: string;
  billing: string;
  shipping: string;
  item: string;
  qty: string;
  price: string;
  amount: string;
  subtotal: string;
  shippingFee: string;
  discount: string;
  total: string;
  paid: string;
  paymentMethod: string;
  shippingMethod: string;
  paymentStatus: string;
  remark: string;
}>;

export const englishSummaryLabels: SummaryLabels = {
  title: 'Order summary',
  order: 'Order',
  date: 'Date',
  customer: 'Customer',
  billing: 'Billing address',
  shipping: 'Shipping address',
  item: 'Item',
  qty: 'Qty',
  price: 'Unit price',
  amount: 'Amount',
  subtotal: 'Subtotal',
  shippingFee: 'Shipping',
  discount: 'Discount',
  total: 'Total',
  paid: 'Paid',
  paymentMethod: 'Payment method',
  shippingMethod: 'Shipping method',
  paymentStatus: 'Payment status',
  remark: 'Remark',
};

export const escapeHtml = (text: string): string =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

const addressLines = (address: Address): string[] =>
  [
    address.name,
    address.company,
    address.line1,
    address.line2,
    [address.postalCode, address.city].filter((part) => part !== undefined && part !== '').join(' '),
    address.region,
    address.country,
  ].filter((line): line is string => line !== undefined && line !== '');

/** The rows both renderings share. */
const rows = (state: OrderState) => ({
  lines: state.lines.map((line) => ({
    name: !isMarked(line) ? `${line.name} (${line.sku})` : `${line.name} (${line.sku}) [M]`,
    qty: String(line.qty),
    price: money.format(line.unitPrice),
    amount: money.format({ amount: line.unitPrice.amount * line.qty, currency: line.unitPrice.currency }),
  })),
  totals: [
    ['subtotal', money.format(state.totals.subtotal)],
    ['shippingFee', money.format(state.totals.shippingFee)],
    ['discount', `-${money.format(state.totals.discount)}`],
    ['total', money.format(state.totals.total)],
    ['paid', money.format({ amount: netCaptured(state), currency: state.currency })],
  ] as const,
});

export const renderOrderSummaryText = (state: OrderState, labels: SummaryLabels = englishSummaryLabels): string => {
  const d = state.details;
  if (d === null) return '';
  const r = rows(state);
  const out = [
    `${labels.title}`,
    `${labels.order}: ${d.orderNumber}`,
    `${labels.date}: ${d.placedAt}`,
    `${labels.customer}: ${d.customer.name}${d.customer.email === undefined ? '' : ` <${d.customer.email}>`}`,
    '',
    `${labels.billing}:`,
    ...addressLines(d.billingAddress).map((line) => `  ${line}`),
    `${labels.shipping}:`,
    ...addressLines(d.shippingAddress).map((line) => `  ${line}`),
    '',
    ...r.lines.map((line) => `${line.qty} x ${line.name} @ ${line.price} = ${line.amount}`),
    '',
    ...r.totals.map(([key, value]) => `${labels[key]}: ${value}`),
    `${labels.paymentMethod}: ${d.paymentMethod.name}`,
    `${labels.paymentStatus}: ${financialStatus(state)}`,
    `${labels.shippingMethod}: ${d.shippingMethod.name}`,
  ];
  if (d.remark !== undefined && d.remark !== '') out.push(`${labels.remark}: ${d.remark}`);
  return out.join('\n');
};

export const renderOrderSummaryHtml = (state: OrderState, labels: SummaryLabels = englishSummaryLabels): string => {
  const d = state.details;
  if (d === null) return '';
  const e = escapeHtml;
  const r = rows(state);
  const address = (title: string, a: Address) =>
    `<section><h2>${e(title)}</h2><p>${addressLines(a).map(e).join('<br>')}</p></section>`;
  return [
    `<article class="order-summary">`,
    `<h1>${e(labels.title)}</h1>`,
    `<dl><dt>${e(labels.order)}</dt><dd>${e(d.orderNumber)}</dd><dt>${e(labels.date)}</dt><dd>${e(d.placedAt)}</dd>`,
    `<dt>${e(labels.customer)}</dt><dd>${e(d.customer.name)}</dd></dl>`,
    address(labels.billing, d.billingAddress),
    address(labels.shipping, d.shippingAddress),
    `<table><thead><tr><th>${e(labels.item)}</th><th>${e(labels.qty)}</th><th>${e(labels.price)}</th><th>${e(labels.amount)}</th></tr></thead><tbody>`,
    ...r.lines.map(
      (line) =>
        `<tr><td>${e(line.name)}</td><td>${e(line.qty)}</td><td>${e(line.price)}</td><td>${e(line.amount)}</td></tr>`,
    ),
    `</tbody><tfoot>`,
    ...r.totals.map(([key, value]) => `<tr><th colspan="3">${e(labels[key])}</th><td>${e(value)}</td></tr>`),
    `</tfoot></table>`,
    `<dl><dt>${e(labels.paymentMethod)}</dt><dd>${e(d.paymentMethod.name)}</dd>`,
    `<dt>${e(labels.paymentStatus)}</dt><dd>${e(financialStatus(state))}</dd>`,
    `<dt>${e(labels.shippingMethod)}</dt><dd>${e(d.shippingMethod.name)}</dd></dl>`,
    d.remark === undefined || d.remark === '' ? '' : `<p class="remark">${e(labels.remark)}: ${e(d.remark)}</p>`,
    `</article>`,
  ].join('\n');
};
