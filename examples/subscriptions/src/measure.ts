// How long RunDueWork takes to catch up many periods at once (a daily plan left alone):
// npx -y pnpm@10 --filter @ordersource/example-subscriptions measure
// A one-off figure on this machine, not a benchmark suite (that is packages/bench).
import { rehydrate, type Actor } from '@ordersource/core';
import { defaultSubscriptionSettings, subscriptionDecider } from '@ordersource/domain/subscriptions';
import * as E from 'fp-ts/lib/Either.js';

const decider = subscriptionDecider(defaultSubscriptionSettings);
const admin: Actor = { kind: 'admin', id: 'a' };
const T0 = Date.parse('2027-01-01T00:00:00Z');
const started = decider.decide(
  {
    type: 'StartSubscription',
    data: {
      subscriptionId: 's',
      customer: { id: 'c', name: 'n' },
      plan: { planId: 'p', name: 'P', billingPeriod: { unit: 'day', count: 1 }, closable: true },
      recurringAmount: { amount: 100, currency: 'RUB' },
    },
    metadata: { commandId: 'start', actor: admin, at: new Date(T0).toISOString() },
  },
  decider.initialState,
);
if (E.isLeft(started)) throw new Error(started.left.message);
const state = rehydrate(decider, started.right);
for (const days of [100, 365, 1_000]) {
  const at = new Date(T0 + (days - 1) * 86_400_000).toISOString();
  const runs: number[] = [];
  let events = 0;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const due = decider.decide(
      { type: 'RunDueWork', data: { at }, metadata: { commandId: 'due', actor: admin, at } },
      state,
    );
    runs.push(performance.now() - t);
    events = E.isRight(due) ? due.right.length : -1;
  }
  runs.sort((a, b) => a - b);
  console.log(
    `${days} daily periods caught up by one RunDueWork: ${events} invoices, median ${runs[2]?.toFixed(1)} ms of 5 runs`,
  );
}
