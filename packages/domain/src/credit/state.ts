import type { Draft } from 'immer';
import type { CreditEvent } from './events.js';
import { fundOf, type CreditFund, type CreditSource } from './values.js';

/**
 * Issue 17: the folded credit account. Money lives in grants (one per issue),
 * each with what is left of it; the balance is the sum of what is left, so it
 * can only go below zero if a grant does, and the decider never lets one.
 * Amounts are minor units of the grant's currency.
 */

export type CreditGrant = {
  creditId: string;
  currency: string;
  issued: number;
  remaining: number;
  source: CreditSource;
  issuedAt: string;
  expiresAt?: string;
  /** What reversals took back of it (absent: nothing). */
  reversed?: number;
};

export type CreditDraw = { creditId: string; amount: number };

export type CreditSpend = {
  spendId: string;
  currency: string;
  amount: number;
  orderId: string;
  paymentId: string;
  from: CreditDraw[];
  released: boolean;
};

/** Per currency, every movement summed: issued - spent + released - reversed - expired = balance (a law). */
export type CreditLedger = { issued: number; spent: number; released: number; reversed: number; expired: number };

export type CreditState = {
  customerId: string | null;
  /** In issue order. */
  grants: CreditGrant[];
  spends: Record<string, CreditSpend>;
  ledger: Record<string, CreditLedger>;
  /**
   * What reversals could not take back because the credit was spent already (`CreditReversed.unrecovered`),
   * per currency: the customer's debt to the shop, kept beside the balance (which never goes below zero).
   */
  debt?: Record<string, number>;
};

export const initialCreditState: CreditState = { customerId: null, grants: [], spends: {}, ledger: {} };

const emptyLedger = (): CreditLedger => ({ issued: 0, spent: 0, released: 0, reversed: 0, expired: 0 });

/** The account's balance in `currency` (expired grants not yet written off still count until `ExpireCredit`). */
export const creditBalance = (state: CreditState, currency: string): number =>
  state.grants.filter((g) => g.currency === currency).reduce((sum, g) => sum + g.remaining, 0);

/** Whether a grant can still pay at `at`: not past its expiry. */
export const grantUsable = (grant: CreditGrant, at: string): boolean =>
  grant.remaining > 0 && (grant.expiresAt === undefined || Date.parse(at) < Date.parse(grant.expiresAt));

/** What can be spent at `at` in `currency`, of one fund when `fund` is given. */
export const spendableCredit = (state: CreditState, currency: string, at: string, fund?: CreditFund): number =>
  state.grants
    .filter((g) => g.currency === currency && grantUsable(g, at) && (fund === undefined || fundOf(g.source) === fund))
    .reduce((sum, g) => sum + g.remaining, 0);

const grantOf = (draft: Draft<CreditState>, creditId: string) => draft.grants.find((g) => g.creditId === creditId);

const ledgerOf = (draft: Draft<CreditState>, currency: string): CreditLedger => {
  const existing = draft.ledger[currency];
  if (existing !== undefined) return existing;
  const fresh = emptyLedger();
  draft.ledger[currency] = fresh;
  return fresh;
};

export const evolveCredit = (draft: Draft<CreditState>, event: CreditEvent): void => {
  switch (event.type) {
    case 'CreditIssued': {
      const d = event.data;
      draft.customerId = d.customerId;
      draft.grants.push({
        creditId: d.creditId,
        currency: d.amount.currency,
        issued: d.amount.amount,
        remaining: d.amount.amount,
        source: { ...d.source },
        issuedAt: d.at,
        ...(d.expiresAt === undefined ? {} : { expiresAt: d.expiresAt }),
      });
      ledgerOf(draft, d.amount.currency).issued += d.amount.amount;
      return;
    }
    case 'CreditSpent': {
      const d = event.data;
      for (const draw of d.from) {
        const grant = grantOf(draft, draw.creditId);
        if (grant !== undefined) grant.remaining -= draw.amount;
      }
      draft.spends[d.spendId] = {
        spendId: d.spendId,
        currency: d.amount.currency,
        amount: d.amount.amount,
        orderId: d.orderId,
        paymentId: d.paymentId,
        from: d.from.map((draw) => ({ ...draw })),
        released: false,
      };
      ledgerOf(draft, d.amount.currency).spent += d.amount.amount;
      return;
    }
    case 'CreditSpendReleased': {
      const spend = draft.spends[event.data.spendId];
      if (spend === undefined) return;
      // Back into the grants it came from, so an expiry still applies to that money.
      for (const draw of spend.from) {
        const grant = grantOf(draft, draw.creditId);
        if (grant !== undefined) grant.remaining += draw.amount;
      }
      spend.released = true;
      ledgerOf(draft, spend.currency).released += event.data.amount.amount;
      return;
    }
    case 'CreditReversed':
    case 'CreditExpired': {
      const grant = grantOf(draft, event.data.creditId);
      if (grant !== undefined) grant.remaining -= event.data.amount.amount;
      if (grant !== undefined && event.type === 'CreditReversed' && event.data.amount.amount > 0)
        grant.reversed = (grant.reversed ?? 0) + event.data.amount.amount;
      const ledger = ledgerOf(draft, event.data.amount.currency);
      if (event.type === 'CreditReversed') {
        ledger.reversed += event.data.amount.amount;
        const unrecovered = event.data.unrecovered;
        if (unrecovered !== undefined && unrecovered.amount > 0) {
          const debt = (draft.debt ??= {});
          debt[unrecovered.currency] = (debt[unrecovered.currency] ?? 0) + unrecovered.amount;
        }
      } else ledger.expired += event.data.amount.amount;
      return;
    }
  }
};
