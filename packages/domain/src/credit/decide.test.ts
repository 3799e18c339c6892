import * as E from 'fp-ts/lib/Either.js';
import { rehydrate, type Actor } from '@ordersource/core';
import { deciderSpec } from '@ordersource/testing';
import { describe, expect, it } from 'vitest';
import { actors, eur } from '../order/examples.js';
import { decodeCreditCommand, type CreditCommand } from './commands.js';
import { creditDecider } from './decide.js';
import type { CreditEvent } from './events.js';
import { creditBalance } from './state.js';

/** Issue 17: the credit account's rules, example by example (CUS-3 access, PAY-5 refunds to credit). */

const at = (day: number) => `2026-12-${String(day).padStart(2, '0')}T10:00:00.000Z`;
let n = 0;
const cmd = <T extends CreditCommand['type']>(
  type: T,
  data: Extract<CreditCommand, { type: T }>['data'],
  when = at(2),
  actor: Actor = actors.system,
): CreditCommand => ({ type, data, metadata: { commandId: `k-${++n}`, actor, at: when } }) as CreditCommand;

const issued = (creditId: string, amount: number, expiresAt?: string): CreditEvent => ({
  type: 'CreditIssued',
  data: {
    at: at(1),
    customerId: 'c-1',
    creditId,
    amount: eur(amount),
    source: { kind: 'refund', orderId: 'o-1', refundId: 'r-1' },
    ...(expiresAt === undefined ? {} : { expiresAt }),
  },
});
const spend = (spendId: string, amount: number, when = at(2)) =>
  cmd('SpendCredit', { customerId: 'c-1', spendId, amount: eur(amount), orderId: 'o-2', paymentId: 'p-1' }, when);
const spec = deciderSpec(creditDecider);

describe('issue 17: store credit account', () => {
  it('issues credit from a refund and spends it as a tender, never below zero', () => {
    spec
      .given([issued('cr-1', 3000)])
      .when(spend('s-1', 2000))
      .then([
        {
          type: 'CreditSpent',
          data: {
            at: at(2),
            spendId: 's-1',
            amount: eur(2000),
            orderId: 'o-2',
            paymentId: 'p-1',
            from: [{ creditId: 'cr-1', amount: 2000 }],
          },
        },
      ]);
    spec
      .given([issued('cr-1', 3000)])
      .when(spend('s-1', 3001))
      .thenError((e) => e.code === 'insufficient-credit' && e.message.includes('only 3000 EUR'));
  });

  it('refuses a spend in another currency: balances are per currency', () => {
    spec
      .given([issued('cr-1', 3000)])
      .when(
        cmd('SpendCredit', {
          customerId: 'c-1',
          spendId: 's',
          amount: { amount: 1, currency: 'RUB' },
          orderId: 'o',
          paymentId: 'p',
        }),
      )
      .thenError('insufficient-credit');
  });

  it('is idempotent by creditId and spendId, and refuses an id reused for other money', () => {
    const issue = (amount: number) =>
      cmd('IssueCredit', {
        customerId: 'c-1',
        creditId: 'cr-1',
        amount: eur(amount),
        source: { kind: 'goodwill', reason: 'late parcel' },
      });
    spec
      .given([issued('cr-1', 3000)])
      .when(issue(3000))
      .then([]);
    spec
      .given([issued('cr-1', 3000)])
      .when(issue(2000))
      .thenError('credit-id-reused');
    const once = rehydrate(creditDecider, [issued('cr-1', 3000)]);
    const first = creditDecider.decide(spend('s-1', 1000), once);
    if (E.isLeft(first)) throw new Error(first.left.message);
    const after = rehydrate(creditDecider, [issued('cr-1', 3000), ...first.right]);
    expect(creditDecider.decide(spend('s-1', 1000), after)).toEqual(E.right([]));
    expect(creditBalance(after, 'EUR')).toBe(2000);
  });

  it('CUS-3: a customer spends her own credit only, and never issues any', () => {
    const own = cmd(
      'SpendCredit',
      { customerId: 'c-1', spendId: 's', amount: eur(10), orderId: 'o', paymentId: 'p' },
      at(2),
      actors.customer,
    );
    spec
      .given([issued('cr-1', 3000)])
      .when(own)
      .thenState((s) => creditBalance(s, 'EUR') === 2990);
    const other = cmd(
      'SpendCredit',
      { customerId: 'c-1', spendId: 's', amount: eur(10), orderId: 'o', paymentId: 'p' },
      at(2),
      actors.otherCustomer,
    );
    spec
      .given([issued('cr-1', 3000)])
      .when(other)
      .thenError('forbidden');
    const issue = cmd(
      'IssueCredit',
      { customerId: 'c-1', creditId: 'x', amount: eur(10), source: { kind: 'goodwill', reason: 'why not' } },
      at(2),
      actors.customer,
    );
    spec.when(issue).thenError('forbidden');
    spec
      .given([issued('cr-1', 3000)])
      .when(cmd('SpendCredit', { customerId: 'c-2', spendId: 's', amount: eur(10), orderId: 'o', paymentId: 'p' }))
      .thenError('wrong-account');
  });

  it('spends credit that lapses first, releases a spend back to the grants it came from', () => {
    const grants = [issued('cr-1', 1000), issued('cr-2', 1000, at(20))];
    spec
      .given(grants)
      .when(spend('s-1', 1500))
      .then([
        {
          type: 'CreditSpent',
          data: {
            at: at(2),
            spendId: 's-1',
            amount: eur(1500),
            orderId: 'o-2',
            paymentId: 'p-1',
            from: [
              { creditId: 'cr-2', amount: 1000 },
              { creditId: 'cr-1', amount: 500 },
            ],
          },
        },
      ]);
    const spent = creditDecider.decide(spend('s-1', 1500), rehydrate(creditDecider, grants));
    if (E.isLeft(spent)) throw new Error(spent.left.message);
    spec
      .given([...grants, ...spent.right])
      .when(cmd('ReleaseCreditSpend', { customerId: 'c-1', spendId: 's-1', reason: 'order refused' }))
      .thenState((s) => s.grants[0]?.remaining === 1000 && s.grants[1]?.remaining === 1000);
  });

  it('expires what is left of a grant at its date, and not a unit before', () => {
    const grants = [issued('cr-1', 1000, at(20))];
    const expire = (when: string, dueAt = at(20)) =>
      cmd('ExpireCredit', { customerId: 'c-1', creditId: 'cr-1', dueAt }, when);
    spec
      .given(grants)
      .when(expire(at(19)))
      .thenError('credit-not-expired');
    spec
      .given(grants)
      .when(expire(at(20), at(21)))
      .then([]);
    spec
      .given(grants)
      .when(expire(at(20)))
      .then([{ type: 'CreditExpired', data: { at: at(20), creditId: 'cr-1', amount: eur(1000) } }]);
    // Past its date a grant pays nothing, even before the timer wrote it off.
    spec
      .given(grants)
      .when(spend('s-late', 1, at(20)))
      .thenError('insufficient-credit');
    expect(creditDecider.due?.(rehydrate(creditDecider, grants))).toEqual([
      {
        key: 'credit-expiry-cr-1',
        at: at(20),
        command: { type: 'ExpireCredit', data: { customerId: 'c-1', creditId: 'cr-1', dueAt: at(20) } },
      },
    ]);
  });

  it('reverses credit only up to what is left of it', () => {
    spec
      .given([issued('cr-1', 1000)])
      .when(cmd('ReverseCredit', { customerId: 'c-1', creditId: 'cr-1', reason: 'issued twice', amount: eur(1001) }))
      .thenError('insufficient-credit');
    spec
      .given([issued('cr-1', 1000)])
      .when(cmd('ReverseCredit', { customerId: 'c-1', creditId: 'cr-1', reason: 'issued twice' }))
      .thenState((s) => creditBalance(s, 'EUR') === 0 && s.ledger['EUR']?.reversed === 1000);
  });

  it('decodes commands at the boundary, naming the bad field', () => {
    const bad = decodeCreditCommand({
      type: 'SpendCredit',
      data: { customerId: 'c-1', spendId: 's', amount: { amount: -5, currency: 'EUR' }, orderId: 'o', paymentId: 'p' },
      metadata: { commandId: 'x', actor: actors.customer, at: at(1) },
    });
    expect(E.isLeft(bad) && JSON.stringify(bad.left).includes('amount')).toBe(true);
    const unknown = decodeCreditCommand({
      type: 'MintCredit',
      data: {},
      metadata: { commandId: 'x', actor: actors.admin, at: at(1) },
    });
    expect(E.isLeft(unknown)).toBe(true);
  });

  it('a spend of one fund draws on that fund only: goodwill is no tender, money is no discount (issue 17, 54-FZ)', () => {
    const goodwill: CreditEvent = {
      type: 'CreditIssued',
      data: {
        at: at(1),
        customerId: 'c-1',
        creditId: 'gw-1',
        amount: eur(500),
        source: { kind: 'goodwill', reason: 'late parcel' },
      },
    };
    const fundSpend = (fund: 'money' | 'goodwill', amount: number) =>
      cmd('SpendCredit', {
        customerId: 'c-1',
        spendId: `s-${fund}-${amount}`,
        amount: eur(amount),
        orderId: 'o-2',
        paymentId: 'p-1',
        fund,
      });
    const state = rehydrate(creditDecider, [issued('cr-1', 300), goodwill]);
    expect(creditDecider.decide(fundSpend('money', 301), state)).toMatchObject(
      E.left({ code: 'insufficient-credit', details: { spendable: 300 } }),
    );
    expect(creditDecider.decide(fundSpend('goodwill', 501), state)).toMatchObject(
      E.left({ code: 'insufficient-credit', details: { spendable: 500 } }),
    );
    // At the boundary: a fund is one of the two, named in the error when not.
    const decoded = decodeCreditCommand({
      ...fundSpend('money', 1),
      data: { ...fundSpend('money', 1).data, fund: 'gift' },
    });
    expect(E.isLeft(decoded) && decoded.left.message).toContain('data.fund: must be CreditFund');
    const spent = creditDecider.decide(fundSpend('goodwill', 500), state);
    expect(E.isRight(spent) && spent.right[0]?.type === 'CreditSpent' && spent.right[0].data.from).toEqual([
      { creditId: 'gw-1', amount: 500 },
    ]);
  });
});
