import type { Money } from '@ordersource/core';
import type { CreditEvent } from '../credit/events.js';
import { fundOf, type CreditFund } from '../credit/values.js';
import { ADVANCE_ITEM_NAME, KIND_TAG, type Means, type Operation, type VatCode } from './kinds.js';
import { receiptIdFor } from './policy.js';
import type { Offset, Receipt, ReceiptCause } from './receipt.js';

/**
 * Issue 17: the fiscal receipts (54-FZ) of a customer's store-credit account.
 *
 * Credit the customer paid for (fund `money`: a refund or an order change
 * sent to her account instead of her card) is money the shop keeps for her:
 * an advance. So:
 *
 * - the order that gave the money back prints its income return as for any
 *   refund (REC-7: after settlement, the returned goods for the money), and
 *   the account takes the same money in as an **advance** (income, tag 1214
 *   = 3, one "Аванс" position of subject "payment", tag 1212 = 10): new money
 *   out and in nets to zero, and the shop's books show the advance it owes;
 * - spending it on an order moves the advance to that order: the account
 *   gives it back (**advance return**, income return, 1214 = 3, offsetting
 *   the advances it draws on) and the order takes it in as its own advance
 *   (the order's `store-credit` payment, REC-3), which the order's closing
 *   receipt offsets as a prepayment (tag 1215, REC-5). The order's receipts
 *   stay self-contained: its closing offsets only its own advances;
 * - a spend the order refused and released comes back as an advance again;
 *   a reversal (the shop takes the credit back, e.g. pays it out) is an
 *   advance return; an expiry returns no money (no settlement with the
 *   buyer, REC-1: no receipt), so its advance is never offset here.
 *
 * Goodwill credit (fund `goodwill`) was given for nothing: no money was
 * received (REC-1), so it owes no receipt here, ever. Spent, it is a
 * discount on the order (`planGoodwillDiscount`), never a payment: the
 * order's receipts list the goods at the price paid.
 *
 * Pure: a fold over the account's events; receipt ids are derived from the
 * account, the cause and the role (`<account>/<cause kind>/<cause id>/<role>`),
 * so folding the same history again yields the same receipts.
 */

export type CreditReceiptsOptions = Readonly<{
  /** The account's stream id (`credit-<customerId>`): the receipts' `orderId`. */
  accountId: string;
  /** VAT printed on an advance: the calculated rate (default `vat22_122`, the general rate since 2026). */
  advanceVat?: VatCode;
  /** How the advance's money is stated (default electronic, as the card refund it stands for). */
  means?: Means;
}>;

type Pot = { receiptId: string; remaining: number };
type Grant = { fund: CreditFund; currency: string; pots: Pot[]; reversals: number };
type Spend = { draws: { creditId: string; amount: number; pots: Offset[] }[] };

const money = (amount: number, currency: string): Money => ({ amount, currency });

/** Take `amount` from a grant's advances, oldest first: the offsets the return consumes. */
const takeFrom = (grant: Grant, amount: number): Offset[] => {
  const offsets: Offset[] = [];
  let left = amount;
  for (const pot of grant.pots) {
    if (left === 0) break;
    const take = Math.min(left, pot.remaining);
    if (take === 0) continue;
    pot.remaining -= take;
    left -= take;
    offsets.push({ receiptId: pot.receiptId, amount: money(take, grant.currency) });
  }
  grant.pots = grant.pots.filter((pot) => pot.remaining > 0);
  return offsets;
};

/** The receipts a store-credit account's history owes, in issue order. */
export const creditAccountReceipts = (
  history: readonly CreditEvent[],
  options: CreditReceiptsOptions,
): readonly Receipt[] => {
  const vat = options.advanceVat ?? 'vat22_122';
  const means = options.means ?? 'electronic';
  const grants = new Map<string, Grant>();
  const spends = new Map<string, Spend>();
  const out: Receipt[] = [];
  const make = (
    cause: ReceiptCause,
    role: string,
    operation: Operation,
    amount: Money,
    at: string,
    offsets: readonly Offset[] = [],
  ): Receipt => {
    const receipt: Receipt = {
      receiptId: receiptIdFor(options.accountId, cause, role),
      orderId: options.accountId,
      kind: 'advance',
      operation,
      paymentMethod: KIND_TAG.advance,
      items: [
        {
          name: ADVANCE_ITEM_NAME,
          quantity: 1,
          unit: 'шт',
          price: amount,
          amount,
          vat,
          subject: 'payment',
          paymentMethod: KIND_TAG.advance,
        },
      ],
      total: amount,
      payments: {
        cash: money(means === 'cash' ? amount.amount : 0, amount.currency),
        electronic: money(means === 'electronic' ? amount.amount : 0, amount.currency),
        prepayment: money(0, amount.currency),
        credit: money(0, amount.currency),
      },
      offsets,
      cause,
      issuedAt: at,
    };
    out.push(receipt);
    return receipt;
  };
  for (const event of history) {
    switch (event.type) {
      case 'CreditIssued': {
        const d = event.data;
        const grant: Grant = { fund: fundOf(d.source), currency: d.amount.currency, pots: [], reversals: 0 };
        grants.set(d.creditId, grant);
        if (grant.fund === 'goodwill') break;
        const advance = make({ kind: 'payment', id: `credit-${d.creditId}` }, 'advance', 'income', d.amount, d.at);
        grant.pots.push({ receiptId: advance.receiptId, remaining: d.amount.amount });
        break;
      }
      case 'CreditSpent': {
        const d = event.data;
        const draws: Spend['draws'] = [];
        let paid = 0;
        for (const draw of d.from) {
          const grant = grants.get(draw.creditId);
          if (grant === undefined || grant.fund === 'goodwill') continue;
          draws.push({ creditId: draw.creditId, amount: draw.amount, pots: takeFrom(grant, draw.amount) });
          paid += draw.amount;
        }
        spends.set(d.spendId, { draws });
        if (paid > 0)
          make(
            { kind: 'refund', id: `spend-${d.spendId}` },
            'advance-return',
            'income-return',
            money(paid, d.amount.currency),
            d.at,
            draws.flatMap((draw) => draw.pots),
          );
        break;
      }
      case 'CreditSpendReleased': {
        const spend = spends.get(event.data.spendId);
        if (spend === undefined) break;
        const paid = spend.draws.reduce((sum, draw) => sum + draw.amount, 0);
        if (paid === 0) break;
        const advance = make(
          { kind: 'payment', id: `release-${event.data.spendId}` },
          'advance',
          'income',
          money(paid, event.data.amount.currency),
          event.data.at,
        );
        // The money is back in the grants it came from, now held by this advance.
        for (const draw of spend.draws)
          grants.get(draw.creditId)?.pots.push({ receiptId: advance.receiptId, remaining: draw.amount });
        break;
      }
      case 'CreditReversed': {
        const d = event.data;
        const grant = grants.get(d.creditId);
        // A reversal that took nothing (all of it was spent: `unrecovered`) moved no money: no receipt.
        if (grant === undefined || grant.fund === 'goodwill' || d.amount.amount === 0) break;
        grant.reversals += 1;
        make(
          { kind: 'refund', id: `reversal-${d.creditId}-${grant.reversals}` },
          'advance-return',
          'income-return',
          d.amount,
          d.at,
          takeFrom(grant, d.amount.amount),
        );
        break;
      }
      case 'CreditExpired': {
        // No money goes back to the buyer: no receipt (REC-1). The advance stays unreturned, taken out of the pots.
        const grant = grants.get(event.data.creditId);
        if (grant !== undefined && grant.fund === 'money') takeFrom(grant, event.data.amount.amount);
        break;
      }
    }
  }
  return out;
};

/** Signed new money of the account's receipts: the money-backed credit the shop holds as advances, still owed. */
export const creditAdvancesHeld = (receipts: readonly Receipt[], currency: string): number =>
  receipts
    .filter((r) => r.total.currency === currency)
    .reduce(
      (sum, r) => sum + (r.operation === 'income' ? 1 : -1) * (r.payments.cash.amount + r.payments.electronic.amount),
      0,
    );
