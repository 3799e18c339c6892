import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { ValidationError } from '@ordersource/core';
import { decodeSubscriptionCommand, SubscriptionCommandCodec } from './commands.js';
import { SubscriptionSettingsCodec } from './settings.js';
import { owner, plan, rub, terms } from './test-support/fixtures.js';

/**
 * The boundary (house rule): every subscription command decodes with io-ts;
 * unknown fields, wrong types and out-of-range numbers are refused naming the
 * field and the rule. One valid sample per command type.
 */

const metadata = { commandId: 'c-1', actor: owner, at: '2027-01-15T10:00:00Z' };
const at = '2027-02-01T00:00:00Z';
const valid: Readonly<Record<string, unknown>> = {
  CreateQuotation: { ...terms(), quotationId: 'Q-1', quantity: 2 },
  ConfirmQuotation: { note: 'ok' },
  StartSubscription: terms({ plan: plan({ trialDays: 14, prices: [rub(99_000)] }) }),
  InvoiceSubscription: { invoiceId: 'i-1', amount: rub(1), periodStart: at, periodEnd: at },
  PaySubscriptionInvoice: { invoiceId: 'i-1', amount: rub(1), paymentId: 'p-1' },
  FailSubscriptionPayment: { invoiceId: 'i-1', reason: 'declined' },
  RefundSubscriptionInvoice: { invoiceId: 'i-1', refundId: 'r-1', amount: rub(1) },
  CloseSubscription: { reasonCode: 'not-used', when: 'period_end', note: 'n' },
  UndoScheduledClose: {},
  PauseSubscription: { resumeAt: at },
  ResumeSubscription: {},
  ChangePlan: { changeId: 'ch-1', timing: 'now', quantity: 3 },
  RenewSubscription: { periodStart: at },
  RetrySubscriptionPayment: { invoiceId: 'i-1', attempt: 2 },
  EndDunningGrace: { invoiceId: 'i-1' },
  MarkPeriodServed: { invoiceId: 'i-1' },
  ApplyScheduledClose: { effectiveAt: at },
  ResumeAt: { resumeAt: at },
  RunDueWork: { at },
  RecordSubscriptionNotification: {
    notificationId: 'n-1',
    channel: 'email',
    template: 'subscription-renewed',
    outcome: 'sent',
    recipient: 'anna@example.ru',
  },
};

const issues = (decoded: E.Either<ValidationError, unknown>): string[] =>
  E.isLeft(decoded) ? decoded.left.issues.map((i) => `${i.path}: ${i.rule}`) : [];

describe('subscription commands at the boundary', () => {
  it('has one valid sample for every command type, and each decodes', () => {
    expect(Object.keys(valid).sort()).toEqual(SubscriptionCommandCodec.types.map((c) => c.name).sort());
    for (const [type, data] of Object.entries(valid)) {
      const decoded = decodeSubscriptionCommand(JSON.parse(JSON.stringify({ type, data, metadata })));
      expect(issues(decoded), type).toEqual([]);
      expect(E.isRight(decoded), type).toBe(true);
    }
  });

  it('names an unknown field, a float or negative amount, zero seats, a bad instant and an unknown timing', () => {
    const decode = (type: string, data: unknown) => issues(decodeSubscriptionCommand({ type, data, metadata }));
    expect(decode('RunDueWork', { at, extra: 1 }).join()).toMatch(/extra/);
    expect(
      decode('PaySubscriptionInvoice', { invoiceId: 'i', amount: { amount: 1.5, currency: 'RUB' } }).join(),
    ).toMatch(/data\.amount\.amount/);
    expect(decode('StartSubscription', { ...terms(), recurringAmount: rub(-5) }).join()).toMatch(/recurringAmount/);
    expect(decode('ChangePlan', { changeId: 'c', timing: 'now', quantity: 0 }).join()).toMatch(
      /data\.quantity: PositiveInteger/,
    );
    expect(decode('RenewSubscription', { periodStart: 'tomorrow' }).join()).toMatch(/periodStart/);
    expect(decode('ChangePlan', { changeId: 'c', timing: 'soon' }).join()).toMatch(/timing/);
    expect(decode('StartSubscription', { ...terms(), plan: plan({ trialDays: -1 }) }).join()).toMatch(/trialDays/);
    expect(decode('NoSuchCommand', {}).join()).toMatch(/type/);
  });

  it('settings: the dunning rules are checked too', () => {
    const bad = SubscriptionSettingsCodec.decode({
      closeReasons: [],
      dunning: { retryAfterHours: [0], graceHours: 24, onGraceEnd: 'unpaid', closeReasonCode: 'x' },
    });
    expect(E.isLeft(bad)).toBe(true);
    const good = SubscriptionSettingsCodec.decode({
      closeReasons: [{ code: 'moving', label: 'Moving', labels: { fa: 'نقل مکان' }, customerSelectable: true }],
      dunning: { retryAfterHours: [24, 48], graceHours: 96, onGraceEnd: 'close', closeReasonCode: 'moving' },
    });
    expect(E.isRight(good)).toBe(true);
  });
});
