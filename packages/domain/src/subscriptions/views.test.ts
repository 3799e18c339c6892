import { describe, expect, it } from 'vitest';
import { project, type Actor, type Envelope } from '@ordersource/core';
import { companyStreamId } from '../customers/company.js';
import { directoryProjection, type DirectoryEvent } from '../customers/directory.js';
import { mayActOnSubscription } from './access.js';
import { subscriptionStreamId, type SubscriptionEvent } from './events.js';
import { subscriptionAnalytics, subscriptionsByStatus, subscriptionsProjection } from './projections.js';
import { closeReasonLabel, defaultCloseReasons } from './settings.js';
import { cmd, due, owner, plan, rub, run, terms, admin } from './test-support/fixtures.js';
import { adminSubscriptionView, portalSubscriptionView, previewPortalView } from './view.js';

/** The admin and portal views, the admin preview, CUS-3 through the directory, the admin list and the analytics. */

const T0 = '2027-01-15T10:00:00.000Z';
let position = 0;
const envelope = <Ev extends SubscriptionEvent | DirectoryEvent>(streamId: string, event: Ev): Envelope<Ev> => ({
  event,
  eventId: `e-${++position}`,
  streamId,
  streamVersion: position,
  globalPosition: String(position),
  occurredAt: T0,
  recordedAt: T0,
  actor: { kind: 'system', id: 't' },
  schemaVersion: 1,
});

describe('views (SUB-3, SUB-4, CUS-3)', () => {
  it('SUB-4: the portal offers the reasons a customer may pick, in her language; the admin preview shows the same', () => {
    const r = run([
      cmd('StartSubscription', terms({ customer: { id: 'cu-7', name: 'Reza', language: 'fa' } }), admin, T0),
      due(T0),
    ]);
    const portal = portalSubscriptionView(r.state, owner);
    expect(portal?.canClose).toBe(true);
    expect(portal?.closeReasons?.find((c) => c.code === 'not-used')?.label).toBe('از آن استفاده نمی‌کنم');
    expect(portal?.closeReasons?.map((c) => c.code)).not.toContain('payment-failed');
    expect(previewPortalView(r.state)).toEqual(portal);
    expect(portalSubscriptionView(r.state, { kind: 'customer', id: 'cu-9' })).toBeUndefined();
    const zh = defaultCloseReasons.find((c) => c.code === 'other');
    expect(zh && closeReasonLabel(zh, 'zh-Hant-TW')).toBe('其他');
    expect(zh && closeReasonLabel(zh, 'fr-CA')).toBe('Autre');
    expect(zh && closeReasonLabel(zh, 'de')).toBe('Other');
  });

  it('SUB-3: after a close the admin sees cancelled with the reason, who closed, churned, and the note', () => {
    const r = run([
      cmd('StartSubscription', terms(), admin, T0),
      due(T0),
      cmd('CloseSubscription', { reasonText: 'Moved abroad', note: 'phone call' }, admin, T0),
    ]);
    expect(adminSubscriptionView(r.state)).toEqual({
      status: 'cancelled',
      closeReason: 'Moved abroad',
      closedBy: 'admin',
      outcome: 'churned',
      closeNote: 'phone call',
    });
    expect(portalSubscriptionView(r.state, owner)).toMatchObject({ status: 'closed', canClose: false });
  });

  it('CUS-3: a company contact acts on her company’s subscription through the directory; once removed she cannot', () => {
    const r = run([
      cmd('StartSubscription', terms({ customer: { id: 'cu-7', name: 'Reza', companyId: 'co-1' } }), admin, T0),
    ]);
    const colleague: Actor = { kind: 'customer', id: 'cu-8' };
    const added = envelope(companyStreamId('co-1'), {
      type: 'CompanyContactAdded',
      data: { at: T0, customerId: 'cu-8' },
    });
    const removed = envelope(companyStreamId('co-1'), {
      type: 'CompanyContactRemoved',
      data: { at: T0, customerId: 'cu-8' },
    });
    const member = project(directoryProjection, [added]);
    const gone = project(directoryProjection, [added, removed]);
    expect(mayActOnSubscription(member, colleague, 'CloseSubscription', r.state)._tag).toBe('Right');
    expect(portalSubscriptionView(r.state, colleague, { directory: member })?.status).toBe('in_progress');
    expect(mayActOnSubscription(gone, colleague, 'CloseSubscription', r.state)._tag).toBe('Left');
    expect(portalSubscriptionView(r.state, colleague, { directory: gone })).toBeUndefined();
    expect(mayActOnSubscription(member, owner, 'ChangePlan', r.state)._tag).toBe('Left');
  });

  it('the admin list by status, MRR per currency normalised to a month, churn by reason and by month, trial conversion', () => {
    const streams: Envelope<SubscriptionEvent>[] = [];
    const add = (id: string, events: readonly SubscriptionEvent[]) =>
      events.forEach((e) => streams.push(envelope(subscriptionStreamId(id), e)));
    const paid = (id: string) =>
      cmd('PaySubscriptionInvoice', { invoiceId: `${id}-r1`, amount: rub(120_000) }, admin, T0);
    add(
      'a',
      run([
        cmd(
          'StartSubscription',
          terms({
            subscriptionId: 'a',
            recurringAmount: rub(120_000),
            plan: plan({ billingPeriod: { unit: 'year', count: 1 } }),
          }),
          admin,
          T0,
        ),
        due(T0),
      ]).events,
    );
    add(
      'b',
      run([
        cmd('StartSubscription', terms({ subscriptionId: 'b', recurringAmount: rub(30_000), quantity: 2 }), admin, T0),
        due(T0),
      ]).events,
    );
    add(
      'c',
      run([
        cmd(
          'StartSubscription',
          terms({
            subscriptionId: 'c',
            recurringAmount: { amount: 700, currency: 'EUR' },
            plan: plan({ billingPeriod: { unit: 'week', count: 1 } }),
          }),
          admin,
          T0,
        ),
        due(T0),
      ]).events,
    );
    add(
      'd',
      run([
        cmd('StartSubscription', terms({ subscriptionId: 'd' }), admin, T0),
        due(T0),
        cmd('CloseSubscription', { reasonCode: 'too-expensive' }, owner, '2027-02-03T00:00:00Z'),
      ]).events,
    );
    add(
      't',
      run([
        cmd(
          'StartSubscription',
          terms({ subscriptionId: 't', recurringAmount: rub(120_000), plan: plan({ trialDays: 7 }) }),
          admin,
          T0,
        ),
        due('2027-01-22T10:00:00Z'),
        paid('t'),
      ]).events,
    );
    add(
      'u',
      run([
        cmd('StartSubscription', terms({ subscriptionId: 'u', plan: plan({ trialDays: 7 }) }), admin, T0),
        cmd('CloseSubscription', { reasonCode: 'not-used' }, owner, T0),
      ]).events,
    );
    // A trial whose first invoice is only half paid has not converted yet.
    add(
      'v',
      run([
        cmd(
          'StartSubscription',
          terms({ subscriptionId: 'v', recurringAmount: rub(120_000), plan: plan({ trialDays: 7 }) }),
          admin,
          T0,
        ),
        due('2027-01-22T10:00:00Z'),
        cmd('PaySubscriptionInvoice', { invoiceId: 'v-r1', amount: rub(60_000) }, admin, T0),
      ]).events,
    );
    const model = project(subscriptionsProjection, streams);
    const list = subscriptionsByStatus(model);
    expect(Object.fromEntries(Object.entries(list).map(([k, v]) => [k, v?.map((row) => row.subscriptionId)]))).toEqual({
      in_progress: ['a', 'b', 'c', 't', 'v'],
      closed: ['d', 'u'],
    });
    expect(subscriptionAnalytics(model)).toEqual({
      active: 5,
      trialing: 0,
      paused: 0,
      pastDue: 0,
      unpaid: 0,
      // a: 120,000 a year = 10,000; b: 2 x 30,000; t and v: 120,000 each; c: 700 a week x 52/12 = 3,033.33 -> 3,033 EUR.
      mrr: { RUB: 310_000, EUR: 3_033 },
      churnByReason: { 'too-expensive': 1 },
      churnByMonth: { '2027-02': 1 },
      trialConversion: { started: 3, converted: 1, lost: 1, rate: 0.5 },
    });
  });
});
