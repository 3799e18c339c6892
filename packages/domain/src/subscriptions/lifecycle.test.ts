import { describe, expect, it } from 'vitest';
import { subscriptionDecider } from './decider.js';
import { defaultSubscriptionSettings, type SubscriptionSettings } from './settings.js';
import {
  admin,
  billingSystem,
  cmd,
  due,
  invoicesOf,
  newEvents,
  owner,
  plan,
  provider,
  refusal,
  rub,
  run,
  stranger,
  terms,
} from './test-support/fixtures.js';
import { addUnits } from './period.js';

/** Issue 13's lifecycle rules, one example each (Stripe Billing where seed 004 is silent). */

const T0 = '2027-01-15T10:00:00.000Z';
const start = (over: Parameters<typeof terms>[0] = {}) => cmd('StartSubscription', terms(over), admin, T0);
const dueOf = (events: Parameters<typeof run>[2]) =>
  subscriptionDecider(defaultSubscriptionSettings).due?.(run([], defaultSubscriptionSettings, events).state) ?? [];

describe('plans and start (SUB-1, SUB-2)', () => {
  it('SUB-2: a quotation is confirmed by its customer and becomes trialing for the trial days; nothing billed in the trial', () => {
    const quoted = run([
      cmd('CreateQuotation', { ...terms({ plan: plan({ trialDays: 14 }) }), quotationId: 'Q-1' }, admin, T0),
    ]);
    expect(quoted.state.status).toBe('quotation');
    expect(dueOf(quoted.events)).toEqual([]);
    expect(refusal(quoted, cmd('ConfirmQuotation', {}, stranger, T0))).toBe('forbidden');
    const confirmed = run([cmd('ConfirmQuotation', { note: 'signed online' }, owner, T0)], undefined, quoted.events);
    expect(confirmed.events.at(-1)).toMatchObject({
      type: 'SubscriptionStarted',
      data: { quotationId: 'Q-1', note: 'signed online' },
    });
    expect(confirmed.state.status).toBe('trialing');
    expect(confirmed.state.trialEndsAt).toBe('2027-01-29T10:00:00.000Z');
    expect(invoicesOf(run([due('2027-01-28T10:00:00Z')], undefined, confirmed.events).events)).toEqual([]);
    const converted = run([due('2027-01-29T10:00:00Z')], undefined, confirmed.events);
    expect(newEvents(confirmed, converted).map((e) => e.type)).toEqual(['TrialEnded', 'SubscriptionInvoiced']);
    expect(converted.state.status).toBe('in_progress');
    expect(invoicesOf(converted.events)[0]).toMatchObject({
      periodStart: '2027-01-29T10:00:00.000Z',
      periodEnd: '2027-02-28T10:00:00.000Z',
      amount: rub(99_000),
    });
  });

  it('SUB-1: the price must be the plan’s price in that currency; seats multiply it', () => {
    const priced = plan({ prices: [rub(99_000), { amount: 1_200, currency: 'EUR' }] });
    expect(() => run([start({ plan: priced, recurringAmount: rub(1) })])).toThrow('price-not-plan-price');
    expect(() => run([start({ plan: priced, recurringAmount: { amount: 5, currency: 'USD' } })])).toThrow(
      'plan-not-sold-in-currency',
    );
    const seats = run([start({ plan: priced, quantity: 3 }), due(T0)]);
    expect(invoicesOf(seats.events)[0]).toMatchObject({ amount: rub(297_000), unitAmount: 99_000, quantity: 3 });
    expect(() => run([start({ recurringAmount: rub(2 ** 52), quantity: 4 })])).toThrow('amount-too-large');
  });
});

describe('renewals: one invoice per period, exactly once (SUB-2)', () => {
  it('every period is invoiced once with its period and the plan amount; a re-run and a repeated timer bill nothing', () => {
    const started = run([start()]);
    const year = run([due('2027-06-01T00:00:00Z')], undefined, started.events);
    const invoices = invoicesOf(year.events);
    expect(invoices.map((i) => [i.invoiceId, i.periodStart, i.periodEnd])).toEqual([
      ['sub-1-r1', T0, '2027-02-15T10:00:00.000Z'],
      ['sub-1-r2', '2027-02-15T10:00:00.000Z', '2027-03-15T10:00:00.000Z'],
      ['sub-1-r3', '2027-03-15T10:00:00.000Z', '2027-04-15T10:00:00.000Z'],
      ['sub-1-r4', '2027-04-15T10:00:00.000Z', '2027-05-15T10:00:00.000Z'],
      ['sub-1-r5', '2027-05-15T10:00:00.000Z', '2027-06-15T10:00:00.000Z'],
    ]);
    expect(invoices.every((i) => i.amount.amount === 99_000)).toBe(true);
    expect(newEvents(year, run([due('2027-06-01T00:00:00Z')], undefined, year.events))).toEqual([]);
    const timer = cmd('RenewSubscription', { periodStart: T0 }, billingSystem, '2027-06-01T00:00:00Z');
    expect(newEvents(year, run([timer], undefined, year.events))).toEqual([]);
    expect(refusal(started, cmd('RenewSubscription', { periodStart: T0 }, owner, T0))).toBe('forbidden');
    expect(
      refusal(
        run([start({ subscriptionId: 'x' })]),
        cmd('RenewSubscription', { periodStart: T0 }, billingSystem, '2027-01-01T00:00:00Z'),
      ),
    ).toBe('not-due-yet');
  });

  it('periods count from the anchor: 31 January renews on 28 February, then 31 March', () => {
    const jan31 = '2027-01-31T12:00:00.000Z';
    const r = run([cmd('StartSubscription', terms(), admin, jan31), due('2027-04-01T00:00:00Z')]);
    expect(invoicesOf(r.events).map((i) => i.periodEnd)).toEqual([
      '2027-02-28T12:00:00.000Z',
      '2027-03-31T12:00:00.000Z',
      '2027-04-30T12:00:00.000Z',
    ]);
    expect(addUnits('2028-02-29T00:00:00Z', 'year', 1)).toBe('2029-02-28T00:00:00.000Z');
  });

  it('an invoice by hand must be the next period for the plan amount (never free-form)', () => {
    const started = run([start()]);
    const byHand = (data: Partial<{ amount: number; periodStart: string; periodEnd: string }>) =>
      cmd(
        'InvoiceSubscription',
        {
          invoiceId: 'INV-7',
          amount: rub(data.amount ?? 99_000),
          periodStart: data.periodStart ?? T0,
          periodEnd: data.periodEnd ?? '2027-02-15T10:00:00Z',
        },
        admin,
        T0,
      );
    expect(refusal(started, byHand({ amount: 50_000 }))).toBe('amount-mismatch');
    expect(refusal(started, byHand({ periodEnd: '2027-02-20T10:00:00Z' }))).toBe('period-mismatch');
    const once = run([byHand({})], undefined, started.events);
    expect(refusal(once, byHand({}))).toBe('invoice-exists');
    // The due work goes on from the next period: the overlap is impossible.
    const next = run([due('2027-02-15T10:00:00Z')], undefined, once.events);
    expect(invoicesOf(newEvents(once, next)).map((i) => i.periodStart)).toEqual(['2027-02-15T10:00:00.000Z']);
  });

  it('the due plan names every timer with a deterministic key and its command', () => {
    const r = run([start(), due(T0)]);
    expect(dueOf(r.events)).toEqual([
      {
        key: 'renewal-2027-02-15T10:00:00.000Z',
        at: '2027-02-15T10:00:00.000Z',
        command: { type: 'RenewSubscription', data: { periodStart: '2027-02-15T10:00:00.000Z' } },
      },
    ]);
    const paid = run(
      [cmd('PaySubscriptionInvoice', { invoiceId: 'sub-1-r1', amount: rub(99_000) }, provider, T0)],
      undefined,
      r.events,
    );
    expect(dueOf(paid.events).map((d) => d.key)).toEqual(['served-sub-1-r1', 'renewal-2027-02-15T10:00:00.000Z']);
  });
});

describe('past due and dunning', () => {
  const failed = () => {
    const r = run([start(), due(T0)]);
    return run(
      [cmd('FailSubscriptionPayment', { invoiceId: 'sub-1-r1', reason: 'card declined' }, provider, T0)],
      undefined,
      r.events,
    );
  };

  it('a failed renewal payment makes it past due; retries follow the schedule, each after the one before failed; a retry that succeeds recovers it', () => {
    const f = failed();
    expect(f.state.status).toBe('past_due');
    expect(dueOf(f.events).map((d) => [d.key, d.at])).toEqual([
      ['retry-sub-1-r1-2', '2027-01-16T10:00:00.000Z'],
      ['grace-sub-1-r1', '2027-01-22T10:00:00.000Z'],
      ['renewal-2027-02-15T10:00:00.000Z', '2027-02-15T10:00:00.000Z'],
    ]);
    const retried = run([due('2027-01-17T00:00:00Z')], undefined, f.events);
    expect(newEvents(f, retried)).toEqual([
      {
        type: 'SubscriptionPaymentRetried',
        data: { at: '2027-01-16T10:00:00.000Z', invoiceId: 'sub-1-r1', attempt: 2 },
      },
    ]);
    // The third attempt waits for the second to fail: not even planned yet.
    expect(dueOf(retried.events).map((d) => d.key)).toEqual(['grace-sub-1-r1', 'renewal-2027-02-15T10:00:00.000Z']);
    expect(newEvents(retried, run([due('2027-01-19T00:00:00Z')], undefined, retried.events))).toEqual([]);
    const recovered = run(
      [cmd('PaySubscriptionInvoice', { invoiceId: 'sub-1-r1', amount: rub(99_000) }, provider, '2027-01-16T11:00:00Z')],
      undefined,
      retried.events,
    );
    expect(recovered.state.status).toBe('in_progress');
    expect(dueOf(recovered.events).some((d) => d.key.startsWith('grace-'))).toBe(false);
  });

  it('after the grace an invoice still open makes it unpaid (default), renewals go on, retries stop', () => {
    const f = failed();
    const failAgain = (when: string) => [cmd('FailSubscriptionPayment', { invoiceId: 'sub-1-r1' }, provider, when)];
    const r = run(
      [
        due('2027-01-16T10:00:00Z'),
        ...failAgain('2027-01-16T10:01:00Z'),
        due('2027-01-18T10:00:00Z'),
        ...failAgain('2027-01-18T10:01:00Z'),
        due('2027-01-20T10:00:00Z'),
        ...failAgain('2027-01-20T10:01:00Z'),
        due('2027-01-22T10:00:00Z'),
      ],
      undefined,
      f.events,
    );
    expect(r.events.filter((e) => e.type === 'SubscriptionPaymentRetried').map((e) => e.data.attempt)).toEqual([
      2, 3, 4,
    ]);
    expect(r.state.status).toBe('unpaid');
    expect(r.events.at(-1)).toEqual({
      type: 'SubscriptionMarkedUnpaid',
      data: { at: '2027-01-22T10:00:00.000Z', invoiceId: 'sub-1-r1' },
    });
    const later = run([due('2027-02-15T10:00:00Z')], undefined, r.events);
    expect(invoicesOf(newEvents(r, later)).map((i) => i.invoiceId)).toEqual(['sub-1-r2']);
    // Paying everything owed brings it back.
    const paid = run(
      ['sub-1-r1', 'sub-1-r2'].map((invoiceId) =>
        cmd('PaySubscriptionInvoice', { invoiceId, amount: rub(99_000) }, admin, '2027-02-16T00:00:00Z'),
      ),
      undefined,
      later.events,
    );
    expect(paid.state.status).toBe('in_progress');
  });

  it('with onGraceEnd "close", the grace closes it with the catalog reason "payment failed", churned, by the system', () => {
    const settings: SubscriptionSettings = {
      ...defaultSubscriptionSettings,
      dunning: { retryAfterHours: [24], graceHours: 48, onGraceEnd: 'close', closeReasonCode: 'payment-failed' },
    };
    const f = failed();
    const r = run([due('2027-02-01T00:00:00Z')], settings, f.events);
    expect(r.events.at(-1)).toMatchObject({
      type: 'SubscriptionClosed',
      data: {
        at: '2027-01-17T10:00:00.000Z',
        reason: { code: 'payment-failed' },
        closedBy: 'system',
        outcome: 'churned',
      },
    });
    expect(invoicesOf(newEvents(f, r))).toEqual([]);
  });
});

describe('pause and resume', () => {
  it('no invoices while paused; the rest of the period is served after the resume, so every later period shifts', () => {
    const r = run([
      start(),
      due(T0),
      cmd('PaySubscriptionInvoice', { invoiceId: 'sub-1-r1', amount: rub(99_000) }, provider, T0),
    ]);
    // Paused on 5 February with 10 days of the period left.
    const paused = run(
      [cmd('PauseSubscription', { note: 'vacation' }, owner, '2027-02-05T10:00:00Z'), due('2027-04-01T00:00:00Z')],
      undefined,
      r.events,
    );
    expect(paused.state.status).toBe('paused');
    expect(invoicesOf(newEvents(r, paused))).toEqual([]);
    const resumed = run(
      [cmd('ResumeSubscription', {}, owner, '2027-04-01T10:00:00Z'), due('2027-06-01T00:00:00Z')],
      undefined,
      paused.events,
    );
    expect(resumed.events.find((e) => e.type === 'SubscriptionResumed')?.data).toMatchObject({
      periodEnd: '2027-04-11T10:00:00.000Z',
    });
    expect(invoicesOf(newEvents(paused, resumed)).map((i) => [i.periodStart, i.periodEnd])).toEqual([
      ['2027-04-11T10:00:00.000Z', '2027-05-11T10:00:00.000Z'],
      ['2027-05-11T10:00:00.000Z', '2027-06-11T10:00:00.000Z'],
    ]);
    expect(
      refusal(run([start({ plan: plan({ pausable: false }) }), due(T0)]), cmd('PauseSubscription', {}, owner, T0)),
    ).toBe('not-pausable');
  });

  it('a paid period and its proration are served at the end the resume moved them to, not while paused', () => {
    const pay = (invoiceId: string, amount: number) =>
      cmd('PaySubscriptionInvoice', { invoiceId, amount: rub(amount) }, provider, '2027-01-30T10:00:00Z');
    const r = run([
      start(),
      due(T0),
      pay('sub-1-r1', 99_000),
      cmd('ChangePlan', { changeId: 'up', timing: 'now', quantity: 2 }, admin, '2027-01-30T10:00:00Z'),
      pay('sub-1-p-up', 51_097),
      cmd('PauseSubscription', {}, admin, '2027-02-05T10:00:00Z'),
      due('2027-03-01T00:00:00Z'),
    ]);
    expect(r.events.some((e) => e.type === 'SubscriptionPeriodServed')).toBe(false);
    const resumed = run(
      [cmd('ResumeSubscription', {}, admin, '2027-03-01T10:00:00Z'), due('2027-03-11T10:00:00Z')],
      undefined,
      r.events,
    );
    expect(newEvents(r, resumed).filter((e) => e.type === 'SubscriptionPeriodServed')).toEqual([
      { type: 'SubscriptionPeriodServed', data: { at: '2027-03-11T10:00:00.000Z', invoiceId: 'sub-1-p-up' } },
      { type: 'SubscriptionPeriodServed', data: { at: '2027-03-11T10:00:00.000Z', invoiceId: 'sub-1-r1' } },
    ]);
  });

  it('a pause with resumeAt resumes by its own timer', () => {
    const r = run([
      start(),
      due(T0),
      cmd('PaySubscriptionInvoice', { invoiceId: 'sub-1-r1', amount: rub(99_000) }, admin, T0),
    ]);
    const paused = run(
      [cmd('PauseSubscription', { resumeAt: '2027-03-01T10:00:00Z' }, admin, '2027-02-05T10:00:00Z')],
      undefined,
      r.events,
    );
    expect(dueOf(paused.events).map((d) => d.key)).toContain('resume-2027-03-01T10:00:00.000Z');
    const back = run([due('2027-03-01T10:00:00Z')], undefined, paused.events);
    expect(back.state.status).toBe('in_progress');
    expect(back.state.nextRenewalAt).toBe('2027-03-11T10:00:00.000Z');
  });
});

describe('close now or at period end (SUB-3, SUB-4, cancel_at_period_end)', () => {
  const renewed = () => run([start(), due(T0)]);

  it('closed by the customer at the end of the period with a catalog reason: no invoice after, and closed for good', () => {
    const r = renewed();
    const scheduled = run(
      [
        cmd(
          'CloseSubscription',
          { reasonCode: 'switched-service', when: 'period_end', note: 'moving to a rival' },
          owner,
          '2027-02-01T00:00:00Z',
        ),
      ],
      undefined,
      r.events,
    );
    expect(scheduled.state.status).toBe('in_progress');
    expect(scheduled.state.scheduledClose?.effectiveAt).toBe('2027-02-15T10:00:00.000Z');
    const after = run([due('2027-05-01T00:00:00Z')], undefined, scheduled.events);
    expect(newEvents(scheduled, after)).toEqual([
      {
        type: 'SubscriptionClosed',
        data: {
          at: '2027-02-15T10:00:00.000Z',
          reason: { code: 'switched-service', label: 'Switched to another service' },
          closedBy: 'customer',
          outcome: 'churned',
          note: 'moving to a rival',
        },
      },
    ]);
    expect(refusal(after, cmd('CloseSubscription', { reasonCode: 'other' }, admin, '2027-05-02T00:00:00Z'))).toBe(
      'subscription-closed',
    );
    expect(refusal(after, cmd('PauseSubscription', {}, admin, '2027-05-02T00:00:00Z'))).toBe('not-pausable-now');
  });

  it('a scheduled close can be undone before it takes effect, and then renewals go on', () => {
    const r = renewed();
    const scheduled = run(
      [cmd('CloseSubscription', { reasonCode: 'not-used', when: 'period_end' }, owner, '2027-02-01T00:00:00Z')],
      undefined,
      r.events,
    );
    expect(
      refusal(
        scheduled,
        cmd('CloseSubscription', { reasonCode: 'not-used', when: 'period_end' }, owner, '2027-02-02T00:00:00Z'),
      ),
    ).toBe('close-already-scheduled');
    const undone = run(
      [
        cmd('UndoScheduledClose', { note: 'changed her mind' }, owner, '2027-02-10T00:00:00Z'),
        due('2027-02-15T10:00:00Z'),
      ],
      undefined,
      scheduled.events,
    );
    expect(undone.state.status).toBe('in_progress');
    expect(invoicesOf(newEvents(scheduled, undone)).map((i) => i.invoiceId)).toEqual(['sub-1-r2']);
    // A renewal timer at the close's instant, fired before the close's own timer, bills nothing.
    const early = cmd(
      'RenewSubscription',
      { periodStart: '2027-02-15T10:00:00Z' },
      billingSystem,
      '2027-02-15T10:00:00Z',
    );
    expect(newEvents(scheduled, run([early], undefined, scheduled.events))).toEqual([]);
    const late = run([due('2027-02-15T10:00:00Z')], undefined, scheduled.events);
    expect(late.state.status).toBe('closed');
    expect(refusal(late, cmd('UndoScheduledClose', {}, owner, '2027-02-16T00:00:00Z'))).toBe('no-scheduled-close');
  });

  it('a subscription never invoiced is cancelled rather than churned, also when a trial is closed at its end', () => {
    const trial = run([
      start({ plan: plan({ trialDays: 7 }) }),
      cmd('CloseSubscription', { reasonCode: 'too-expensive', when: 'period_end' }, owner, '2027-01-16T00:00:00Z'),
      due('2027-02-01T00:00:00Z'),
    ]);
    expect(trial.state.closed).toMatchObject({ at: '2027-01-22T10:00:00.000Z', outcome: 'cancelled' });
    expect(invoicesOf(trial.events)).toEqual([]);
    expect(run([start(), cmd('CloseSubscription', { reasonCode: 'other' }, admin, T0)]).state.closed?.outcome).toBe(
      'cancelled',
    );
  });

  it('SUB-4: a customer may not pick the billing engine’s own reason; an admin may', () => {
    const r = renewed();
    expect(refusal(r, cmd('CloseSubscription', { reasonCode: 'payment-failed' }, owner, T0))).toBe(
      'close-reason-not-listed',
    );
    expect(refusal(r, cmd('CloseSubscription', { reasonCode: 'payment-failed' }, admin, T0))).toBeUndefined();
  });

  it('closing now cuts the paid period short: it is served at the close', () => {
    const r = run([
      start(),
      due(T0),
      cmd('PaySubscriptionInvoice', { invoiceId: 'sub-1-r1', amount: rub(99_000) }, admin, T0),
      cmd('CloseSubscription', { reasonText: 'fraud' }, admin, '2027-02-01T00:00:00Z'),
    ]);
    expect(dueOf(r.events)).toEqual([
      {
        key: 'served-sub-1-r1',
        at: '2027-02-01T00:00:00.000Z',
        command: { type: 'MarkPeriodServed', data: { invoiceId: 'sub-1-r1' } },
      },
    ]);
  });
});

describe('plan changes with proration', () => {
  const paidPeriod = () =>
    run([
      start(),
      due(T0),
      cmd('PaySubscriptionInvoice', { invoiceId: 'sub-1-r1', amount: rub(99_000) }, provider, T0),
    ]);
  const half = '2027-01-30T10:00:00Z'; // 15 of the 31 days used

  it('an upgrade now credits the old plan’s unused part and charges the new one’s; the net is invoiced at once', () => {
    const r = paidPeriod();
    const up = run(
      [
        cmd(
          'ChangePlan',
          { changeId: 'c1', timing: 'now', plan: plan({ planId: 'max', name: 'Max' }), recurringAmount: rub(199_000) },
          admin,
          half,
        ),
      ],
      undefined,
      r.events,
    );
    const changed = up.events.find((e) => e.type === 'SubscriptionPlanChanged');
    // 99,000 x 16/31 = 51,096.77 -> 51,097; 199,000 x 16/31 = 102,709.68 -> 102,710.
    expect(changed?.data).toMatchObject({ proration: { credit: 51_097, charge: 102_710 }, creditAdded: 0 });
    expect(invoicesOf(newEvents(r, up))).toEqual([
      expect.objectContaining({
        invoiceId: 'sub-1-p-c1',
        kind: 'proration',
        amount: rub(51_613),
        periodStart: half,
        periodEnd: '2027-02-15T10:00:00.000Z',
      }),
    ]);
    const next = run([due('2027-02-15T10:00:00Z')], undefined, up.events);
    expect(invoicesOf(newEvents(up, next))[0]).toMatchObject({ amount: rub(199_000), planId: 'max' });
    expect(refusal(up, cmd('ChangePlan', { changeId: 'c1', timing: 'now', quantity: 9 }, admin, half))).toBeUndefined();
    expect(
      newEvents(
        up,
        run([cmd('ChangePlan', { changeId: 'c1', timing: 'now', quantity: 9 }, admin, half)], undefined, up.events),
      ),
    ).toEqual([]);
  });

  it('a downgrade now leaves a credit that the next renewals draw on (as a discount on their order)', () => {
    const r = paidPeriod();
    const down = run(
      [cmd('ChangePlan', { changeId: 'c2', timing: 'now', recurringAmount: rub(9_000) }, admin, half)],
      undefined,
      r.events,
    );
    // credit 51,097, charge 9,000 x 16/31 = 4,645.16 -> 4,645: 46,452 to the balance.
    expect(down.state.creditBalance).toBe(46_452);
    const renewals = run([due('2027-08-01T00:00:00Z')], undefined, down.events);
    const amounts = invoicesOf(newEvents(down, renewals)).map((i) => [i.amount.amount, i.creditApplied]);
    // Five renewals of 9,000 paid by the credit entirely, the sixth by its last 1,452.
    expect(amounts).toEqual([
      [0, 9_000],
      [0, 9_000],
      [0, 9_000],
      [0, 9_000],
      [0, 9_000],
      [7_548, 1_452],
    ]);
    expect(renewals.state.creditBalance).toBe(0);
  });

  it('seats now, and a plan change at the next renewal (no proration); customers may not set prices', () => {
    const r = paidPeriod();
    const seats = run(
      [cmd('ChangePlan', { changeId: 's', timing: 'now', quantity: 2 }, admin, half)],
      undefined,
      r.events,
    );
    expect(invoicesOf(newEvents(r, seats))[0]?.amount).toEqual(rub(51_097));
    const later = run(
      [
        cmd(
          'ChangePlan',
          {
            changeId: 'y',
            timing: 'next_renewal',
            plan: plan({ billingPeriod: { unit: 'year', count: 1 } }),
            recurringAmount: rub(990_000),
          },
          admin,
          half,
        ),
        due('2027-02-15T10:00:00Z'),
      ],
      undefined,
      seats.events,
    );
    const yearly = invoicesOf(newEvents(seats, later));
    expect(yearly.map((i) => [i.amount.amount, i.periodStart, i.periodEnd])).toEqual([
      [1_980_000, '2027-02-15T10:00:00.000Z', '2028-02-15T10:00:00.000Z'],
    ]);
    expect(
      refusal(
        r,
        cmd(
          'ChangePlan',
          {
            changeId: 'z',
            timing: 'now',
            plan: plan({ billingPeriod: { unit: 'year', count: 1 } }),
            recurringAmount: rub(990_000),
          },
          admin,
          half,
        ),
      ),
    ).toBe('period-change-at-renewal');
    expect(refusal(r, cmd('ChangePlan', { changeId: 'z', timing: 'now', quantity: 5 }, owner, half))).toBe('forbidden');
  });
});

describe('access and history (SUB-4, CUS-3)', () => {
  it('another customer can do nothing to the subscription; a provider only reports payments', () => {
    const r = run([start(), due(T0)]);
    for (const command of [
      cmd('CloseSubscription', { reasonCode: 'not-used' }, stranger, T0),
      cmd('PauseSubscription', {}, stranger, T0),
      cmd('ConfirmQuotation', {}, stranger, T0),
    ])
      expect(refusal(r, command)).toBe('forbidden');
    expect(refusal(r, cmd('CloseSubscription', { reasonCode: 'not-used' }, provider, T0))).toBe('forbidden');
    expect(refusal(r, cmd('RunDueWork', { at: T0 }, owner, T0))).toBe('forbidden');
    expect(
      refusal(r, cmd('PaySubscriptionInvoice', { invoiceId: 'sub-1-r1', amount: rub(1) }, provider, T0)),
    ).toBeUndefined();
  });
});

describe('streams from before the billing engine', () => {
  it('a stored free-form invoice re-anchors the periods: the next renewal starts where it ended', () => {
    const legacy = run([cmd('StartSubscription', terms(), admin, T0)]);
    const odd = {
      type: 'SubscriptionInvoiced' as const,
      data: { at: T0, invoiceId: 'OLD-1', amount: rub(99_000), periodStart: T0, periodEnd: '2027-02-20T00:00:00Z' },
    };
    const after = run([due('2027-03-25T00:00:00Z')], undefined, [...legacy.events, odd]);
    expect(
      invoicesOf(newEvents({ ...legacy, events: [...legacy.events, odd] }, after)).map((i) => [
        i.periodStart,
        i.periodEnd,
      ]),
    ).toEqual([
      ['2027-02-20T00:00:00.000Z', '2027-03-20T00:00:00.000Z'],
      ['2027-03-20T00:00:00.000Z', '2027-04-20T00:00:00.000Z'],
    ]);
  });
});
