import * as E from 'fp-ts/lib/Either.js';
import { rehydrate, type Actor } from '@ordersource/core';
import type { SubscriptionCommand, SubscriptionCommandData, SubscriptionCommandType } from '../commands.js';
import { subscriptionDecider } from '../decider.js';
import type { Plan, SubscriptionEvent } from '../events.js';
import { defaultSubscriptionSettings, type SubscriptionSettings } from '../settings.js';
import type { SubscriptionState } from '../state.js';

/** Shared fixtures of the subscription tests: actors, a plan, and a runner that stops at the first refusal. */

export const admin: Actor = { kind: 'admin', id: 'sara', name: 'Sara' };
export const billingSystem: Actor = { kind: 'system', id: 'billing' };
export const provider: Actor = { kind: 'provider', id: 'psp' };
export const owner: Actor = { kind: 'customer', id: 'cu-7' };
export const stranger: Actor = { kind: 'customer', id: 'cu-9' };

export const rub = (amount: number) => ({ amount, currency: 'RUB' });

export const plan = (over: Partial<Plan> = {}): Plan => ({
  planId: 'pro',
  name: 'Pro',
  billingPeriod: { unit: 'month', count: 1 },
  closable: true,
  pausable: true,
  ...over,
});

export const terms = (over: Partial<SubscriptionCommandData<'StartSubscription'>> = {}) => ({
  subscriptionId: 'sub-1',
  customer: { id: 'cu-7', name: 'Анна Смирнова', language: 'ru' },
  plan: plan(),
  recurringAmount: rub(99_000),
  billingAddress: { name: 'Анна Смирнова', line1: 'ул. Ленина, 1', city: 'Москва', country: 'RU' },
  paymentMethod: { code: 'card', name: 'Saved card', kind: 'online' as const, capture: 'automatic' as const },
  ...over,
});

let n = 0;
export const cmd = <T extends SubscriptionCommandType>(
  type: T,
  data: SubscriptionCommandData<T>,
  actor: Actor,
  at: string,
): SubscriptionCommand => ({ type, data, metadata: { commandId: `t-${++n}`, actor, at } }) as SubscriptionCommand;

export const due = (at: string) => cmd('RunDueWork', { at }, billingSystem, at);

export type Run = Readonly<{ events: SubscriptionEvent[]; state: SubscriptionState }>;

/** Decide each command on the state so far; throws on a refusal, naming the command and the code. */
export const run = (
  commands: readonly SubscriptionCommand[],
  settings: SubscriptionSettings = defaultSubscriptionSettings,
  from: readonly SubscriptionEvent[] = [],
): Run => {
  const decider = subscriptionDecider(settings);
  const events: SubscriptionEvent[] = [...from];
  for (const command of commands) {
    const decided = decider.decide(command, rehydrate(decider, events));
    if (E.isLeft(decided)) throw new Error(`${command.type}: ${decided.left.code} (${decided.left.message})`);
    events.push(...decided.right);
  }
  return { events, state: rehydrate(decider, events) };
};

/** The refusal code of `command` after `history`, or undefined when it is accepted. */
export const refusal = (
  history: Run,
  command: SubscriptionCommand,
  settings: SubscriptionSettings = defaultSubscriptionSettings,
): string | undefined => {
  const decided = subscriptionDecider(settings).decide(command, history.state);
  return E.isLeft(decided) ? decided.left.code : undefined;
};

/** Only the events the last commands appended. */
export const newEvents = (before: Run, after: Run): SubscriptionEvent[] => after.events.slice(before.events.length);

export const invoicesOf = (events: readonly SubscriptionEvent[]) =>
  events.flatMap((e) => (e.type === 'SubscriptionInvoiced' ? [e.data] : []));
