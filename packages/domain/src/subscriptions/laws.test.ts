import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { applyEvents, rehydrate, type Actor } from '@ordersource/core';
import { checkDeciderLaws } from '@ordersource/testing';
import type { SubscriptionCommand } from './commands.js';
import { subscriptionDecider } from './decider.js';
import { SubscriptionEventCodec, type SubscriptionEvent } from './events.js';
import { defaultSubscriptionSettings } from './settings.js';
import type { SubscriptionState } from './state.js';

/**
 * SUB-1..SUB-5 as laws: 1,000 random command sequences per run, from admins,
 * the owner, another customer and a provider, with listed, unknown and
 * free-text reasons, on closable and non-closable plans.
 */

const owner: Actor = { kind: 'customer', id: 'cu-1' };
const actorArb = fc.constantFrom<Actor>(
  { kind: 'admin', id: 'a-1' },
  { kind: 'system', id: 'billing' },
  owner,
  { kind: 'customer', id: 'cu-2' },
  { kind: 'provider', id: 'psp' },
);
const atArb = fc.integer({ min: 1, max: 28 }).map((d) => `2026-11-${String(d).padStart(2, '0')}T09:00:00Z`);
const invoiceIdArb = fc.constantFrom('INV-1', 'INV-2', 'INV-3');
const listed = defaultSubscriptionSettings.closeReasons.map((r) => r.code);

const dataArb: fc.Arbitrary<Pick<SubscriptionCommand, 'type' | 'data'>> = fc.oneof(
  fc.boolean().map((closable) => ({
    type: 'StartSubscription' as const,
    data: {
      subscriptionId: 's-1',
      customer: { id: 'cu-1', name: 'Reza' },
      plan: { planId: 'p', name: 'Plan', billingPeriod: { unit: 'month' as const, count: 1 }, closable },
      recurringAmount: { amount: 1000, currency: 'IRR' },
    },
  })),
  fc.record({ invoiceId: invoiceIdArb, amount: fc.integer({ min: 1, max: 3000 }) }).map(({ invoiceId, amount }) => ({
    type: 'InvoiceSubscription' as const,
    data: {
      invoiceId,
      amount: { amount, currency: 'IRR' },
      periodStart: '2026-11-01T00:00:00Z',
      periodEnd: '2026-12-01T00:00:00Z',
    },
  })),
  fc.record({ invoiceId: invoiceIdArb, amount: fc.integer({ min: 1, max: 3000 }) }).map(({ invoiceId, amount }) => ({
    type: 'PaySubscriptionInvoice' as const,
    data: { invoiceId, amount: { amount, currency: 'IRR' } },
  })),
  fc
    .oneof(
      fc.constantFrom(...listed, 'unknown').map((reasonCode) => ({ reasonCode })),
      fc.constant({ reasonText: 'free text' }),
      fc.constant({}),
    )
    .map((data) => ({ type: 'CloseSubscription' as const, data })),
);

let n = 0;
const commandArb: fc.Arbitrary<SubscriptionCommand> = fc
  .tuple(dataArb, actorArb, atArb)
  .map(
    ([message, actor, at]) => ({ ...message, metadata: { commandId: `c-${++n}`, actor, at } }) as SubscriptionCommand,
  );

const closings = (history: readonly SubscriptionEvent[]) => history.filter((e) => e.type === 'SubscriptionClosed');

describe('subscription laws', () => {
  it('SUB-1..SUB-5: closed once and for good; customers close only closable plans with a listed reason; money within invoices', () => {
    checkDeciderLaws<SubscriptionCommand, SubscriptionEvent, SubscriptionState>({
      decider: subscriptionDecider(defaultSubscriptionSettings),
      commands: commandArb,
      numRuns: 1000,
      maxCommands: 20,
      invariants: {
        'every event decodes with the event codec': (_s, _h, step) =>
          step.events.every((e) => E.isRight(SubscriptionEventCodec.decode(e))),
        'closed at most once, and never invoiced after (SUB-3)': (_s, history) => {
          const at = history.findIndex((e) => e.type === 'SubscriptionClosed');
          return at < 0 || history.slice(at + 1).every((e) => e.type === 'SubscriptionPaid');
        },
        'a customer closes only a closable plan with a listed reason (SUB-4)': (state, history) =>
          closings(history).every(
            (e) =>
              e.data.closedBy !== 'customer' ||
              (state.plan?.closable === true && 'code' in e.data.reason && listed.includes(e.data.reason.code)),
          ),
        'a coded reason is always a configured one (SUB-5)': (_s, history) =>
          closings(history).every((e) => !('code' in e.data.reason) || listed.includes(e.data.reason.code)),
        'churned exactly when invoiced before closing (SUB-3)': (_s, history) =>
          closings(history).every(
            (e) =>
              (e.data.outcome === 'churned') ===
              history.slice(0, history.indexOf(e)).some((x) => x.type === 'SubscriptionInvoiced'),
          ),
        'payments never exceed an invoice': (state) => state.invoices.every((i) => i.paid <= i.amount),
        'another customer and a provider change nothing but payments (CUS-3)': (_s, _h, step) => {
          const actor = step.command.metadata.actor;
          if (actor.kind === 'customer' && actor.id !== owner.id) return step.events.length === 0;
          if (actor.kind === 'provider') return step.events.every((e) => e.type === 'SubscriptionPaid');
          return true;
        },
      },
    });
  });

  it('the generator reaches closings by admins and customers, churned and cancelled (the laws are not vacuous)', () => {
    const decider = subscriptionDecider(defaultSubscriptionSettings);
    const seen = new Set<string>();
    for (const sequence of fc.sample(fc.array(commandArb, { maxLength: 20 }), { numRuns: 1000, seed: 4 })) {
      let state = rehydrate(decider, []);
      for (const command of sequence) {
        const decided = decider.decide(command, state);
        if (E.isLeft(decided)) continue;
        for (const event of decided.right)
          if (event.type === 'SubscriptionClosed') seen.add(`${event.data.closedBy}/${event.data.outcome}`);
        state = applyEvents(decider, state, decided.right);
      }
    }
    expect([...seen].sort()).toEqual(['admin/cancelled', 'admin/churned', 'customer/cancelled', 'customer/churned']);
  });
});
