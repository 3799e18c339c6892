import { describe, expect, it } from 'vitest';
import { runScenario } from './scenario.js';

/** Issue 13's "done when" walkthrough, run end to end by the shop runtime: its timers and reactors bill, nothing by hand. */

describe('examples/subscriptions: trial, two renewals, a recovered failure, an upgrade, a close at period end, analytics', () => {
  it('bills each period once, recovers the declined renewal by the retry, prorates the upgrade and closes at the end of the period', async () => {
    const r = await runScenario();
    expect(r.invoices.map((i) => [i.invoiceId, i.kind, i.amount, i.paid, i.periodStart, i.periodEnd])).toEqual([
      ['anna-pro-r1', 'renewal', 99_000, 99_000, '2027-01-19T09:00:00.000Z', '2027-02-19T09:00:00.000Z'],
      ['anna-pro-r2', 'renewal', 99_000, 99_000, '2027-02-19T09:00:00.000Z', '2027-03-19T09:00:00.000Z'],
      ['anna-pro-r3', 'renewal', 99_000, 99_000, '2027-03-19T09:00:00.000Z', '2027-04-19T09:00:00.000Z'],
      // 3 seats instead of 1 for 15 of 31 days: charge 297,000 x 15/31 = 143,710 less credit 99,000 x 15/31 = 47,903.
      ['anna-pro-p-seats-3', 'proration', 95_807, 95_807, '2027-04-04T09:00:00Z', '2027-04-19T09:00:00.000Z'],
    ]);
    expect(r.charges).toEqual([
      { invoiceId: 'anna-pro-r1', attempt: 1, outcome: 'paid' },
      { invoiceId: 'anna-pro-r2', attempt: 1, outcome: 'paid' },
      { invoiceId: 'anna-pro-r3', attempt: 1, outcome: 'declined' },
      { invoiceId: 'anna-pro-r3', attempt: 2, outcome: 'paid' },
      { invoiceId: 'anna-pro-p-seats-3', attempt: 1, outcome: 'paid' },
    ]);
    expect(r.portalBeforeClose).toMatchObject({
      status: 'in_progress',
      canClose: true,
      nextInvoiceAt: '2027-04-19T09:00:00.000Z',
    });
    expect(r.portalBeforeClose?.closeReasons?.find((c) => c.code === 'switched-service')?.label).toBe(
      'Перешёл на другой сервис',
    );
    expect(r.portalBeforeClose?.closeReasons?.some((c) => c.code === 'payment-failed')).toBe(false);
    expect(r.final.status).toBe('closed');
    expect(r.final.closed).toEqual({
      at: '2027-04-19T09:00:00.000Z',
      reason: { code: 'switched-service', label: 'Switched to another service' },
      closedBy: 'customer',
      outcome: 'churned',
      note: 'moving to another tool',
    });
  });

  it('the renewal order owes a 100% prepayment receipt for the service, then the closing receipt when the period is served', async () => {
    const r = await runScenario();
    expect(r.receipts.map((x) => [x.kind, x.paymentMethod, x.total.amount])).toEqual([
      ['prepayment', 1, 99_000],
      ['full-settlement', 4, 99_000],
    ]);
    expect(r.receipts[0]?.items[0]).toMatchObject({ subject: 'service', quantity: 1 });
  });

  it('the history says who, when, what, with the reason and the note; the analytics count the churn and the trial converted', async () => {
    const r = await runScenario();
    // The close took effect by the shop's timer at the period end; the customer decided it on 10 April.
    expect(r.history[0]).toMatchObject({
      at: '2027-04-19T09:00:00.000Z',
      actor: { kind: 'system', id: 'timer' },
      message: 'closed by the customer: Switched to another service',
      reason: 'Switched to another service',
      note: 'moving to another tool',
    });
    expect(r.history.find((h) => h.message.startsWith('closes at'))).toEqual({
      at: '2027-04-10T09:00:00Z',
      actor: { kind: 'customer', id: 'cu-anna' },
      message: 'closes at 2027-04-19T09:00:00.000Z (by the customer): Switched to another service',
      reason: 'Switched to another service',
      note: 'moving to another tool',
    });
    expect(r.history.map((h) => h.message)).toContain('payment of anna-pro-r3 failed (1): past due');
    expect(r.list.closed?.map((row) => row.subscriptionId)).toEqual(['anna-pro']);
    expect(r.analytics).toEqual({
      active: 0,
      trialing: 0,
      paused: 0,
      pastDue: 0,
      unpaid: 0,
      mrr: {},
      churnByReason: { 'switched-service': 1 },
      churnByMonth: { '2027-04': 1 },
      trialConversion: { started: 1, converted: 1, lost: 0, rate: 1 },
    });
  });
});
