import { describe, expect, it } from 'vitest';
import { runExchange } from './exchange.js';

describe('example: an exchange end to end with its receipts (issue 17, REC-3, REC-5, REC-7)', () => {
  it('returns exactly the socks on the original, pays the cap with their value plus a link, receipts on both orders', () => {
    const run = runExchange();
    const brief = (rs: typeof run.original) => rs.map((r) => [r.operation, r.kind, r.total.amount]);
    // Socks 4 x 500 = 2,000 roubles with no discount: exactly 200,000 kopecks move; the cap costs 250,000.
    expect(run.preview).toEqual({
      transferred: 200_000,
      balanceDue: 50_000,
      receipts: ['o-1001 income-return full-settlement 200000', 'o-1001-x-1 income advance 200000'],
    });
    expect(brief(run.original)).toEqual([
      ['income', 'prepayment', 730_000],
      ['income', 'full-settlement', 730_000],
      ['income-return', 'full-settlement', 200_000],
    ]);
    expect(run.original[2]?.items.map((i) => [i.lineId, i.quantity, i.amount.amount])).toEqual([['l2', 4, 200_000]]);
    // The exchange order: the moved value (an advance), the difference paid by link (another advance), the closing at delivery.
    expect(brief(run.exchange)).toEqual([
      ['income', 'advance', 200_000],
      ['income', 'advance', 50_000],
      ['income', 'full-settlement', 250_000],
    ]);
    expect(run.exchangeOrderId).toBe('o-1001-x-1');
  });
});
