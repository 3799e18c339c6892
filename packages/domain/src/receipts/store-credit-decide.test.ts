import { rehydrate, type Money } from '@ordersource/core';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { CreditEvent } from '../credit/events.js';
import { creditAccountStreamId } from '../credit/values.js';
import { receiptsDecider } from './decider.js';
import type { ReceiptsEvent } from './events.js';
import type { Receipt } from './receipt.js';
import { outstandingTotal, type ReceiptsState } from './state.js';
import { creditAccountReceipts, creditAdvancesHeld } from './store-credit.js';
import type { RecordCreditReceipt } from './store-credit-decide.js';

/**
 * Issue 17: the receipts decider holds a store-credit account's receipts
 * (REC-2: an advance for money credit, REC-7: its return when spent or
 * reversed), checked as an account can owe them, each once.
 */

const ACCOUNT = creditAccountStreamId('c-1');
const rub = (amount: number): Money => ({ amount, currency: 'RUB' });
const at = (m: number) => `2026-11-20T10:${String(m).padStart(2, '0')}:00Z`;

const history: CreditEvent[] = [
  {
    type: 'CreditIssued',
    data: {
      at: at(0),
      customerId: 'c-1',
      creditId: 'refund:o-1:r-1',
      amount: rub(5000),
      source: { kind: 'refund', orderId: 'o-1', refundId: 'r-1' },
    },
  },
  {
    type: 'CreditIssued',
    data: {
      at: at(1),
      customerId: 'c-1',
      creditId: 'gw-1',
      amount: rub(700),
      source: { kind: 'goodwill', reason: 'late' },
    },
  },
  {
    type: 'CreditSpent',
    data: {
      at: at(2),
      spendId: 'sp-1',
      amount: rub(3000),
      orderId: 'o-2',
      paymentId: 'credit',
      from: [{ creditId: 'refund:o-1:r-1', amount: 3000 }],
    },
  },
  { type: 'CreditSpendReleased', data: { at: at(3), spendId: 'sp-1', amount: rub(3000), reason: 'order refused' } },
  { type: 'CreditReversed', data: { at: at(4), creditId: 'refund:o-1:r-1', amount: rub(1000), reason: 'paid out' } },
  {
    type: 'CreditIssued',
    data: {
      at: at(5),
      customerId: 'c-1',
      creditId: 'cr-2',
      amount: rub(400),
      source: { kind: 'change', orderId: 'o-1', changeId: 'x-1' },
      expiresAt: at(9),
    },
  },
  { type: 'CreditExpired', data: { at: at(9), creditId: 'cr-2', amount: rub(400) } },
];

const command = (receipt: Receipt, accountId = ACCOUNT): RecordCreditReceipt => ({
  type: 'RecordCreditReceipt',
  data: { accountId, receipt },
  metadata: {
    commandId: `k-${receipt.receiptId}`,
    actor: { kind: 'system', id: 'store-credit' },
    at: receipt.issuedAt,
  },
});

/** Send the receipts one by one; every one must be accepted. */
const held = (receipts: readonly Receipt[]): { events: ReceiptsEvent[]; state: ReceiptsState } => {
  const events: ReceiptsEvent[] = [];
  for (const receipt of receipts) {
    const decided = receiptsDecider.decide(command(receipt), rehydrate(receiptsDecider, events));
    if (E.isLeft(decided)) throw new Error(`${decided.left.code}: ${decided.left.message}`);
    events.push(...decided.right);
  }
  return { events, state: rehydrate(receiptsDecider, events) };
};

const refusalOf = (receipt: Receipt, state: ReceiptsState, accountId = ACCOUNT) => {
  const decided = receiptsDecider.decide(command(receipt, accountId), state);
  return E.isLeft(decided) ? decided.left.code : 'accepted';
};

describe('issue 17: the receipts decider holds a credit account’s receipts', () => {
  const receipts = creditAccountReceipts(history, { accountId: ACCOUNT });

  it('REC-2, REC-7: every receipt the account owes is held, once, in issue order; what it holds is the advances still owed', () => {
    expect(receipts.map((r) => [r.operation, r.total.amount])).toEqual([
      ['income', 5000],
      ['income-return', 3000],
      ['income', 3000],
      ['income-return', 1000],
      ['income', 400],
    ]);
    const { events, state } = held(receipts);
    expect(events.map((e) => e.type)).toEqual(['ReceiptsConfigured', ...receipts.map(() => 'ReceiptIssued')]);
    expect(state.orderId).toBe(ACCOUNT);
    expect(state.issued).toEqual(receipts.map((r) => r.receiptId));
    expect(Object.values(state.receipts).every((r) => r.status === 'pending')).toBe(true);
    // The expired 400 stays an advance never returned (no money went back): held, as the pure fold says.
    expect(outstandingTotal(state)).toBe(creditAdvancesHeld(receipts, 'RUB'));
    expect(outstandingTotal(state)).toBe(5000 - 1000 + 400);
    expect(state.received - state.returned).toBe(creditAdvancesHeld(receipts, 'RUB'));
    // The same receipt again (a redelivered credit event): nothing new.
    for (const receipt of receipts) expect(receiptsDecider.decide(command(receipt), state)).toEqual(E.right([]));
  });

  it('refuses what an account cannot owe: goods, a return of advances it does not hold, another account, another currency', () => {
    const [advance, spend] = receipts as [Receipt, Receipt];
    const first = held([advance]).state;
    expect(refusalOf(spend, held([]).state)).toBe('advance-not-held');
    const byAdmin = receiptsDecider.decide(
      { ...command(advance), metadata: { ...command(advance).metadata, actor: { kind: 'admin', id: 'ann' } } },
      held([]).state,
    );
    expect(E.isLeft(byAdmin) && byAdmin.left.code).toBe('forbidden');
    expect(refusalOf({ ...spend, offsets: [] }, first)).toBe('offsets-mismatch');
    expect(
      refusalOf(
        {
          ...spend,
          offsets: [{ receiptId: advance.receiptId, amount: rub(5001) }],
          total: rub(5001),
          items: [{ ...spend.items[0]!, price: rub(5001), amount: rub(5001) }],
          payments: { ...spend.payments, electronic: rub(5001) },
        },
        first,
      ),
    ).toBe('advance-not-held');
    expect(refusalOf({ ...advance, receiptId: 'x', kind: 'full-settlement', paymentMethod: 4 }, first)).toBe(
      'not-an-advance',
    );
    expect(refusalOf({ ...advance, receiptId: 'x', orderId: 'o-1' }, first, 'o-1')).toBe('wrong-order');
    expect(refusalOf({ ...advance, receiptId: 'x' }, first, 'credit-c-2')).toBe('wrong-order');
    const eur = { amount: 5000, currency: 'EUR' };
    expect(
      refusalOf(
        {
          ...advance,
          receiptId: 'x',
          total: eur,
          items: [{ ...advance.items[0]!, price: eur, amount: eur }],
          payments: {
            cash: { ...eur, amount: 0 },
            electronic: eur,
            prepayment: { ...eur, amount: 0 },
            credit: { ...eur, amount: 0 },
          },
        },
        first,
      ),
    ).toBe('currency-mismatch');
    expect(refusalOf({ ...advance, receiptId: 'x', total: rub(4000) }, first)).toBe('items-total-mismatch');
    expect(
      refusalOf(
        { ...advance, receiptId: 'x', payments: { ...advance.payments, electronic: rub(0), prepayment: rub(5000) } },
        first,
      ),
    ).toBe('not-new-money');
    expect(
      refusalOf({ ...advance, receiptId: 'x', offsets: [{ receiptId: advance.receiptId, amount: rub(1) }] }, first),
    ).toBe('advance-offsets');
  });
});
