import * as E from 'fp-ts/lib/Either.js';
import { domainError, type DomainError, type Money } from '@ordersource/core';
import type { OrderTotals } from '../order/events.js';
import { computeTotals } from '../order/totals.js';
import type { OrderLine } from '../order/values.js';
import type { OrderChangeState } from './state.js';

/**
 * The calculated order of a change (Shopify's CalculatedOrder): for an edit,
 * the basis with the staged actions applied; for an exchange, the new items
 * (they go out as their own order, see plan.ts). Every version's totals are
 * computed from its lines here and nowhere else (ORD-1 arithmetic).
 */
export type Calculated = Readonly<{
  lines: readonly OrderLine[];
  shippingFee: Money;
  discount: Money;
  totals: OrderTotals;
}>;

const refuse = (code: string, message: string): E.Either<DomainError, never> => E.left(domainError(code, message));

export const stagedOrder = (state: OrderChangeState): E.Either<DomainError, Calculated> => {
  const basis = state.basis;
  if (basis === null) return refuse('change-not-found', 'no such change');
  const currency = basis.currency;
  const zero: Money = { amount: 0, currency };
  const exchange = state.kind === 'exchange';
  let lines: OrderLine[] = exchange ? [] : basis.lines.map((line) => ({ ...line }));
  let shippingFee = exchange ? zero : basis.shippingFee;
  let discount = exchange ? zero : basis.discount;
  const known = new Set(basis.lines.map((line) => line.lineId));
  for (const action of state.actions) {
    switch (action.action) {
      case 'add-line':
        if (known.has(action.line.lineId)) return refuse('duplicate-line', `line id ${action.line.lineId} is taken`);
        if (action.line.unitPrice.currency !== currency)
          return refuse('currency-mismatch', `line ${action.line.lineId} is not in ${currency}`);
        known.add(action.line.lineId);
        lines.push({ ...action.line });
        break;
      case 'remove-line':
        if (!lines.some((l) => l.lineId === action.lineId)) return refuse('unknown-line', `no line ${action.lineId}`);
        if ((basis.shipped[action.lineId] ?? 0) > 0)
          return refuse('line-shipped', `line ${action.lineId} is already shipped`);
        if ((basis.returned[action.lineId] ?? 0) > 0)
          return refuse('line-returned', `line ${action.lineId} has units refunded as returned`);
        lines = lines.filter((l) => l.lineId !== action.lineId);
        if (lines.length === 0) return refuse('order-empty', 'the last line cannot be removed: cancel the order');
        break;
      case 'change-quantity': {
        const line = lines.find((l) => l.lineId === action.lineId);
        if (line === undefined) return refuse('unknown-line', `no line ${action.lineId}`);
        const floor = Math.max(basis.shipped[action.lineId] ?? 0, basis.returned[action.lineId] ?? 0);
        if (action.qty < floor)
          return refuse('line-shipped', `line ${action.lineId}: ${floor} already shipped or returned`);
        lines = lines.map((l) => (l.lineId === action.lineId ? { ...l, qty: action.qty } : l));
        break;
      }
      case 'change-shipping':
        if (action.shippingFee.currency !== currency || action.discount.currency !== currency)
          return refuse('currency-mismatch', `shipping and discount must be in ${currency}`);
        if (action.shippingFee.amount < 0 || action.discount.amount < 0)
          return refuse('negative-amount', 'shipping fee and discount are not below zero');
        shippingFee = action.shippingFee;
        discount = action.discount;
        break;
    }
  }
  const totals = computeTotals(currency, lines, shippingFee, discount);
  if (E.isLeft(totals)) return totals;
  return E.right({ lines, shippingFee, discount, totals: totals.right });
};
