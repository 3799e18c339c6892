import { describe, expect, it } from 'vitest';
import type { Envelope } from '@ordersource/core';
import type { SubscriptionEvent } from './events.js';
import { admin, billingSystem, cmd, owner, refusal, run, terms } from './test-support/fixtures.js';
import { subscriptionHistory } from './view.js';

/**
 * NOT-3 for subscriptions: what the notifier really sent, or what finally
 * failed, is in the subscription's history; it is a fact, so a closed
 * subscription takes it too.
 */
const at = '2027-01-10T09:00:00Z';
const sent = {
  notificationId: 'n-1',
  channel: 'email' as const,
  template: 'subscription-renewed',
  outcome: 'sent' as const,
  recipient: 'anna@example.ru',
};

const envelopes = (events: readonly SubscriptionEvent[]): Envelope<SubscriptionEvent>[] =>
  events.map((event, i) => ({
    event,
    eventId: `e-${i}`,
    streamId: 'subscription-sub-1',
    streamVersion: i,
    globalPosition: String(i),
    occurredAt: at,
    recordedAt: at,
    actor: billingSystem,
    schemaVersion: 1,
  }));

describe('RecordSubscriptionNotification (NOT-3)', () => {
  it('records a send and a final failure in the history, also after the close', () => {
    const started = run([cmd('StartSubscription', terms(), admin, at)]);
    const closed = run(
      [cmd('CloseSubscription', { reasonText: 'moved abroad', when: 'now' }, admin, at)],
      undefined,
      started.events,
    );
    const recorded = run(
      [
        cmd('RecordSubscriptionNotification', sent, billingSystem, at),
        cmd(
          'RecordSubscriptionNotification',
          {
            ...sent,
            notificationId: 'n-2',
            template: 'subscription-closed',
            outcome: 'failed',
            reason: '550 5.1.1 no such user',
          },
          billingSystem,
          at,
        ),
      ],
      undefined,
      closed.events,
    );
    expect(recorded.state.status).toBe('closed');
    expect(recorded.state).toEqual({ ...closed.state });
    const history = subscriptionHistory(envelopes(recorded.events)).map((h) => h.message);
    expect(history.slice(0, 2)).toEqual([
      'email NOT sent: subscription-closed to anna@example.ru: 550 5.1.1 no such user',
      'email sent: subscription-renewed to anna@example.ru',
    ]);
  });

  it("refuses a customer writing the shop's report, and a failure without its reason", () => {
    const started = run([cmd('StartSubscription', terms(), admin, at)]);
    expect(refusal(started, cmd('RecordSubscriptionNotification', sent, owner, at))).toBe('forbidden');
    expect(
      refusal(started, cmd('RecordSubscriptionNotification', { ...sent, outcome: 'failed' }, billingSystem, at)),
    ).toBe('reason-required');
    expect(refusal(run([]), cmd('RecordSubscriptionNotification', sent, billingSystem, at))).toBe(
      'subscription-not-found',
    );
  });
});
