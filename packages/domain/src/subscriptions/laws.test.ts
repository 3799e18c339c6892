import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { applyEvents, project, rehydrate, type Actor, type Envelope } from '@ordersource/core';
import { deciderLawViolation } from '@ordersource/testing';
import type { SubscriptionCommand } from './commands.js';
import { subscriptionDecider } from './decider.js';
import { SubscriptionEventCodec, subscriptionStreamId, type Plan, type SubscriptionEvent } from './events.js';
import { monthlyNormalised } from './period.js';
import { countsAsActive, subscriptionAnalytics, subscriptionsProjection } from './projections.js';
import { defaultSubscriptionSettings } from './settings.js';
import { openInvoices, type SubscriptionState } from './state.js';
import { admin, billingSystem, owner, provider, stranger, terms } from './test-support/fixtures.js';

/**
 * Issue 13's laws on a virtual clock: 1,000 random histories each. A
 * history is a list of intents with time steps; each intent becomes a
 * concrete command on the state it meets (pay what is open, fail the newest
 * invoice, close with a listed, unlisted or free reason, pause, change the
 * plan, run the due work), so the histories reach trials, dunning, pauses,
 * scheduled closes and prorations, not only refusals.
 */

const settings = defaultSubscriptionSettings;
const decider = subscriptionDecider(settings);
const catalog = settings.closeReasons;
const T0 = Date.parse('2027-01-31T10:00:00.000Z');

type Intent = Readonly<{ hours: number; kind: number; pick: number; flag: boolean }>;

const planArb: fc.Arbitrary<Plan> = fc
  .record({
    unit: fc.constantFrom('day' as const, 'week' as const, 'month' as const, 'year' as const),
    count: fc.integer({ min: 1, max: 3 }),
    closable: fc.boolean(),
    pausable: fc.boolean(),
    trialDays: fc.constantFrom(0, 7, 30),
  })
  .map(({ unit, count, closable, pausable, trialDays }) => ({
    planId: `${unit}-${count}`,
    name: `${count} ${unit}`,
    billingPeriod: { unit, count: unit === 'day' ? count * 7 : count },
    closable,
    pausable,
    trialDays,
  }));

const intentArb: fc.Arbitrary<Intent> = fc.record({
  hours: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 24 * 45 })),
  kind: fc.integer({ min: 0, max: 12 }),
  pick: fc.nat({ max: 1000 }),
  flag: fc.boolean(),
});

const historyArb = fc.record({
  plan: planArb,
  amount: fc.integer({ min: 1, max: 5_000_000 }),
  quantity: fc.integer({ min: 1, max: 5 }),
  intents: fc.array(intentArb, { minLength: 1, maxLength: 24 }),
});

const reasonCodes = [...catalog.map((r) => r.code), 'no-such-reason'];

let n = 0;
const command = (type: SubscriptionCommand['type'], data: unknown, actor: Actor, at: string): SubscriptionCommand =>
  ({ type, data, metadata: { commandId: `law-${++n}`, actor, at } }) as SubscriptionCommand;

/** The concrete command an intent makes on the state it meets at `at`. */
const concrete = (intent: Intent, state: SubscriptionState, at: string, plan: Plan): SubscriptionCommand => {
  const who = [owner, admin, stranger][intent.pick % 3] ?? owner;
  const open = openInvoices(state);
  const target = open[intent.pick % Math.max(open.length, 1)];
  switch (intent.kind) {
    case 0:
    case 1:
    case 2:
      return command('RunDueWork', { at }, billingSystem, at);
    case 3:
      return target === undefined
        ? command('RunDueWork', { at }, billingSystem, at)
        : command(
            'PaySubscriptionInvoice',
            { invoiceId: target.invoiceId, amount: { amount: target.amount - target.paid, currency: 'RUB' } },
            provider,
            at,
          );
    case 4:
      return command('FailSubscriptionPayment', { invoiceId: target?.invoiceId ?? 'none' }, provider, at);
    case 5: {
      const text = intent.pick % 5 === 0;
      return command(
        'CloseSubscription',
        {
          ...(text ? { reasonText: 'free words' } : { reasonCode: reasonCodes[intent.pick % reasonCodes.length] }),
          ...(intent.flag ? { when: 'period_end' } : {}),
        },
        who,
        at,
      );
    }
    case 6:
      return command('UndoScheduledClose', {}, who, at);
    case 7:
      return command(
        'PauseSubscription',
        intent.flag ? { resumeAt: new Date(Date.parse(at) + 86_400_000 * (1 + (intent.pick % 40))).toISOString() } : {},
        who,
        at,
      );
    case 8:
      return command('ResumeSubscription', {}, who, at);
    case 9:
    case 10:
      return command(
        'ChangePlan',
        {
          changeId: `ch-${intent.pick}`,
          timing: intent.flag ? 'now' : 'next_renewal',
          ...(intent.pick % 2 === 0
            ? { quantity: 1 + (intent.pick % 4) }
            : { recurringAmount: { amount: 1 + intent.pick * 997, currency: 'RUB' } }),
          ...(intent.pick % 7 === 0
            ? { plan: { ...plan, billingPeriod: { unit: 'month', count: 1 + (intent.pick % 2) } } }
            : {}),
        },
        [admin, owner][intent.pick % 2] ?? admin,
        at,
      );
    case 11:
      return command(
        'RetrySubscriptionPayment',
        { invoiceId: target?.invoiceId ?? 'none', attempt: 2 + (intent.pick % 3) },
        billingSystem,
        at,
      );
    default:
      return command('RenewSubscription', { periodStart: state.nextRenewalAt ?? at }, billingSystem, at);
  }
};

type Built = Readonly<{
  commands: SubscriptionCommand[];
  events: SubscriptionEvent[];
  states: SubscriptionState[];
  /** After each RunDueWork: running it again at once gave no events. */
  rerunsQuiet: boolean;
  steps: Readonly<{
    command: SubscriptionCommand;
    events: readonly SubscriptionEvent[];
    before: SubscriptionState;
    after: SubscriptionState;
  }>[];
}>;

type History = typeof historyArb extends fc.Arbitrary<infer V> ? V : never;

const build = (h: History): Built => {
  let time = T0;
  const start = command(
    'StartSubscription',
    terms({ plan: h.plan, recurringAmount: { amount: h.amount, currency: 'RUB' }, quantity: h.quantity }),
    admin,
    new Date(time).toISOString(),
  );
  const commands: SubscriptionCommand[] = [start];
  const events: SubscriptionEvent[] = [];
  const states: SubscriptionState[] = [];
  const steps: Built['steps'][number][] = [];
  let state = decider.initialState;
  let rerunsQuiet = true;
  const apply = (c: SubscriptionCommand): void => {
    const decided = decider.decide(c, state);
    const produced = E.isRight(decided) ? decided.right : [];
    const before = state;
    state = applyEvents(decider, state, produced);
    events.push(...produced);
    states.push(state);
    steps.push({ command: c, events: produced, before, after: state });
    if (c.type === 'RunDueWork') {
      const again = decider.decide(
        { ...c, metadata: { ...c.metadata, commandId: `${c.metadata.commandId}-again` } },
        state,
      );
      if (E.isLeft(again) || again.right.length > 0) rerunsQuiet = false;
    }
  };
  apply(start);
  for (const intent of h.intents) {
    time += intent.hours * 3_600_000;
    const c = concrete(intent, state, new Date(time).toISOString(), h.plan);
    commands.push(c);
    apply(c);
  }
  return { commands, events, states, rerunsQuiet, steps };
};

const renewalsOf = (events: readonly SubscriptionEvent[]) =>
  events.flatMap((e) =>
    e.type === 'SubscriptionInvoiced' && (e.data.kind ?? 'renewal') === 'renewal' ? [e.data] : [],
  );

const RUNS = { numRuns: 1000 };

describe('subscription billing laws (issue 13), 1,000 random histories each on a virtual clock', () => {
  it('every period is invoiced exactly once: periods never overlap and leave no gap except a pause; nothing due is left behind', () => {
    fc.assert(
      fc.property(historyArb, (h) => {
        const built = build(h);
        const renewals = renewalsOf(built.events);
        expect(new Set(renewals.map((r) => r.invoiceId)).size).toBe(renewals.length);
        const resumedEnds = new Set(
          built.events.flatMap((e) => (e.type === 'SubscriptionResumed' ? [Date.parse(e.data.periodEnd)] : [])),
        );
        for (let i = 1; i < renewals.length; i++) {
          const previous = renewals[i - 1];
          const current = renewals[i];
          if (previous === undefined || current === undefined) continue;
          const start = Date.parse(current.periodStart);
          // Contiguous, or (after a pause) from the end the resume moved the period to.
          expect(start === Date.parse(previous.periodEnd) || resumedEnds.has(start)).toBe(true);
          expect(start).toBeGreaterThanOrEqual(Date.parse(previous.periodEnd));
          expect(Date.parse(current.periodEnd)).toBeGreaterThan(start);
        }
        for (const step of built.steps) {
          if (step.command.type !== 'RunDueWork') continue;
          const s = step.after;
          const billing = ['trialing', 'in_progress', 'past_due', 'unpaid'].includes(s.status);
          if (billing && s.nextRenewalAt !== null)
            expect(Date.parse(s.nextRenewalAt)).toBeGreaterThan(Date.parse(step.command.metadata.at));
        }
        expect(built.rerunsQuiet).toBe(true);
      }),
      RUNS,
    );
  });

  it('closed stays closed, once; no invoice after the close takes effect', () => {
    fc.assert(
      fc.property(historyArb, (h) => {
        const built = build(h);
        const closedAt = built.states.findIndex((s) => s.status === 'closed');
        if (closedAt >= 0) expect(built.states.slice(closedAt).every((s) => s.status === 'closed')).toBe(true);
        const closings = built.events.filter((e) => e.type === 'SubscriptionClosed');
        expect(closings.length).toBeLessThanOrEqual(1);
        const close = closings[0];
        if (close === undefined) return;
        const after = built.events.slice(built.events.indexOf(close) + 1);
        expect(after.some((e) => e.type === 'SubscriptionInvoiced')).toBe(false);
        // A period may start at the very instant of a close decided after it, never later.
        for (const invoice of renewalsOf(built.events))
          expect(Date.parse(invoice.periodStart)).toBeLessThanOrEqual(Date.parse(close.data.at));
      }),
      RUNS,
    );
  });

  it('proration never creates or loses a minor unit: invoices, credits drawn and the balance add up exactly', () => {
    fc.assert(
      fc.property(historyArb, (h) => {
        const built = build(h);
        let balance = 0;
        for (const step of built.steps)
          for (const e of step.events) {
            if (e.type === 'SubscriptionPlanChanged') {
              const p = e.data.proration;
              if (p !== undefined) {
                const oldTotal = step.before.unitAmount * step.before.quantity;
                const newTotal = e.data.unitAmount * e.data.quantity;
                expect(p.credit).toBeLessThanOrEqual(oldTotal);
                expect(p.charge).toBeLessThanOrEqual(newTotal);
                const invoiced = step.events.find(
                  (x) => x.type === 'SubscriptionInvoiced' && x.data.kind === 'proration',
                );
                const net = p.charge - p.credit;
                expect(invoiced?.type === 'SubscriptionInvoiced' ? invoiced.data.amount.amount : 0).toBe(
                  Math.max(net, 0),
                );
                expect(e.data.creditAdded).toBe(Math.max(-net, 0));
              } else expect(e.data.creditAdded).toBe(0);
              balance += e.data.creditAdded;
            }
            if (e.type === 'SubscriptionInvoiced' && (e.data.kind ?? 'renewal') === 'renewal') {
              const list = (e.data.unitAmount ?? 0) * (e.data.quantity ?? 1);
              expect(e.data.amount.amount + (e.data.creditApplied ?? 0)).toBe(list);
              expect(e.data.creditApplied ?? 0).toBeLessThanOrEqual(balance);
              balance -= e.data.creditApplied ?? 0;
            }
          }
        const final = built.states.at(-1);
        expect(final?.creditBalance).toBe(balance);
        expect(balance).toBeGreaterThanOrEqual(0);
      }),
      RUNS,
    );
  });

  it('a customer never closes a non-closable plan nor with a reason outside the catalog; no one acts on another’s subscription', () => {
    fc.assert(
      fc.property(historyArb, (h) => {
        const built = build(h);
        for (const step of built.steps) {
          const actor = step.command.metadata.actor;
          if (actor.kind === 'customer' && actor.id !== owner.id) expect(step.events).toEqual([]);
          for (const e of step.events) {
            if (e.type !== 'SubscriptionClosed' && e.type !== 'SubscriptionCloseScheduled') continue;
            if (e.data.closedBy !== 'customer') continue;
            expect(step.before.plan?.closable).toBe(true);
            const reason = e.data.reason;
            expect('code' in reason).toBe(true);
            const listed = 'code' in reason ? catalog.find((r) => r.code === reason.code) : undefined;
            expect(listed).toBeDefined();
            expect(listed?.customerSelectable).not.toBe(false);
          }
        }
      }),
      RUNS,
    );
  });

  it('replay gives the same state (kernel laws: determinism, folding, frozen events); every event decodes', () => {
    fc.assert(
      fc.property(historyArb, (h) => {
        const built = build(h);
        expect(deciderLawViolation(decider, built.commands)).toBeUndefined();
        expect(rehydrate(decider, built.events)).toEqual(built.states.at(-1));
        expect(built.events.every((e) => E.isRight(SubscriptionEventCodec.decode(e)))).toBe(true);
      }),
      RUNS,
    );
  });

  it('MRR equals the sum of the active subscriptions’ monthly-normalised prices, per currency (each within half a unit of exact)', () => {
    fc.assert(
      fc.property(fc.array(historyArb, { minLength: 1, maxLength: 4 }), (histories) => {
        const envelopes: Envelope<SubscriptionEvent>[] = [];
        const finals: SubscriptionState[] = [];
        histories.forEach((h, i) => {
          const built = build(h);
          finals.push(built.states.at(-1) ?? decider.initialState);
          built.events.forEach((event, v) =>
            envelopes.push({
              event,
              eventId: `e-${i}-${v}`,
              streamId: subscriptionStreamId(`s-${i}`),
              streamVersion: v,
              globalPosition: String(envelopes.length),
              occurredAt: 'data' in event ? event.data.at : '',
              recordedAt: 'data' in event ? event.data.at : '',
              actor: billingSystem,
              schemaVersion: 1,
            }),
          );
        });
        const model = project(subscriptionsProjection, envelopes);
        const analytics = subscriptionAnalytics(model);
        let expected = 0;
        let exact = 0;
        let active = 0;
        for (const s of finals) {
          if (!countsAsActive(s) || s.plan === null) continue;
          active += 1;
          expected += monthlyNormalised(s.unitAmount * s.quantity, s.plan.billingPeriod);
          const p = s.plan.billingPeriod;
          const perYear = { day: 365, week: 52, month: 12, year: 1 }[p.unit];
          exact += (s.unitAmount * s.quantity * perYear) / (12 * p.count);
        }
        expect(analytics.active).toBe(active);
        expect(analytics.mrr['RUB'] ?? 0).toBe(expected);
        expect(Math.abs(expected - exact)).toBeLessThanOrEqual(active / 2 + 1e-6);
        finals.forEach((s, i) => expect(model.subscriptions[`s-${i}`]).toEqual(s));
      }),
      { numRuns: 1000 },
    );
  });

  it('timers fired one by one on time give the same history as RunDueWork (the runtime and the explicit command agree)', () => {
    fc.assert(
      fc.property(historyArb, (h) => {
        const built = build(h);
        for (const step of built.steps) {
          if (step.command.type !== 'RunDueWork') continue;
          const until = Date.parse(step.command.metadata.at);
          let state = step.before;
          const fired: SubscriptionEvent[] = [];
          for (let guard = 0; guard < 1_000; guard++) {
            const next = decider.due?.(state).find((d) => Date.parse(d.at) <= until);
            if (next === undefined) break;
            const timer = {
              type: next.command.type,
              data: next.command.data,
              metadata: { commandId: `timer-${next.key}`, actor: billingSystem, at: next.at },
            } as SubscriptionCommand;
            const decided = decider.decide(timer, state);
            if (E.isLeft(decided) || decided.right.length === 0) break;
            fired.push(...decided.right);
            state = applyEvents(decider, state, decided.right);
          }
          expect(fired).toEqual(step.events);
        }
      }),
      RUNS,
    );
  });

  it('the histories reach what the laws are about (they are not vacuous)', () => {
    const seen = new Set<string>();
    for (const h of fc.sample(historyArb, { numRuns: 1000, seed: 13 })) {
      const built = build(h);
      for (const e of built.events) {
        seen.add(e.type);
        if (e.type === 'SubscriptionClosed') seen.add(`closed/${e.data.closedBy}/${e.data.outcome}`);
        if (e.type === 'SubscriptionPlanChanged' && e.data.proration !== undefined)
          seen.add(e.data.creditAdded > 0 ? 'proration/credit' : 'proration/charge');
        if (e.type === 'SubscriptionInvoiced' && (e.data.creditApplied ?? 0) > 0) seen.add('credit-applied');
      }
    }
    for (const wanted of [
      'TrialEnded',
      'SubscriptionPaymentFailed',
      'SubscriptionPaymentRetried',
      'SubscriptionMarkedUnpaid',
      'SubscriptionPeriodServed',
      'SubscriptionPaused',
      'SubscriptionResumed',
      'SubscriptionCloseScheduled',
      'ScheduledCloseUndone',
      'SubscriptionPlanChangeScheduled',
      'closed/customer/churned',
      'closed/customer/cancelled',
      'closed/admin/churned',
      'proration/credit',
      'proration/charge',
      'credit-applied',
    ])
      expect(seen).toContain(wanted);
  });
});
