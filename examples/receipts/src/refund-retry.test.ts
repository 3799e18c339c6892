import { describe, expect, it } from 'vitest';
import { runRefundRetry } from './refund-retry.js';

describe('example: a refund that fails, is retried and confirmed; receipts follow the outcome (issue 9, PAY-5, REC-7)', () => {
  it('PAY-5/REC-7: no receipt for a request or a failure; one income return on the confirmation; a reversal and its retry balance', () => {
    const run = runRefundRetry();
    const brief = run.steps.map(({ what, receipts }) => [
      what,
      receipts.map((r) => `${r.operation} ${r.kind} ${r.total.amount}`),
    ]);
    expect(brief).toEqual([
      ['Olga pays 7,300 by card', ['income prepayment 730000']],
      ['the courier delivers the order', ['income full-settlement 730000']],
      ['the shop asks the bank to refund two pairs of socks (a request)', []],
      ['the bank declines the refund', []],
      ['the shop asks again', []],
      ['the bank confirms the refund', ['income-return full-settlement 100000']],
      ['the bank sends its confirmation again', []],
      ['the bank reverses the refund: the money is back with the shop', ['income advance 100000']],
      // The socks were returned on the receipts with r-2: the retry returns the reversal's money, not the socks again.
      ['the shop refunds the same two pairs again, and the bank confirms', ['income-return advance 100000']],
    ]);
    const goodsReturn = run.steps[5]!.receipts[0]!;
    expect(goodsReturn.items.map((i) => [i.lineId, i.quantity, i.amount.amount])).toEqual([['l2', 2, 100_000]]);
    expect(goodsReturn.cause).toEqual({ kind: 'refund', id: 'pay-1:refund-r-2' });
    // Counted once on the order: two pairs back, two left that can still come back.
    expect(run.socksReturned).toBe(2);
  });
});
