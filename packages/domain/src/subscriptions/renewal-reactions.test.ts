import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import {
  createCommandHandler,
  createEnvelopeDecoder,
  createInMemoryEventStore,
  type Envelope,
} from '@ordersource/core';
import type { SubscriptionCommand } from './commands.js';
import { subscriptionDecider } from './decider.js';
import { SubscriptionEventCodec, subscriptionStreamId, type SubscriptionEvent } from './events.js';
import { renewalOrderCommandsFor } from './renewal-orders.js';
import { renewalOrderReactionsTo } from './renewal-reactions.js';
import { defaultSubscriptionSettings } from './settings.js';
import { admin, billingSystem, cmd, plan, rub, terms } from './test-support/fixtures.js';

/**
 * Issue 13: the event-by-event translation a runtime reactor runs gives
 * exactly what the whole-history translation (`syncRenewalOrders`) gives,
 * with the same ids: each event's share, in order, and nothing for events
 * that ask nothing of an order.
 */

const decode = createEnvelopeDecoder<SubscriptionEvent>(SubscriptionEventCodec);

const historyOf = async (commands: readonly SubscriptionCommand[]): Promise<Envelope<SubscriptionEvent>[]> => {
  const store = createInMemoryEventStore();
  const handler = createCommandHandler({
    store,
    decider: subscriptionDecider(defaultSubscriptionSettings),
    decodeEnvelope: decode,
  });
  for (const command of commands) {
    const handled = await handler.handle(subscriptionStreamId('sub-1'), command);
    if (E.isLeft(handled)) throw new Error(`${command.type}: ${handled.left.message}`);
  }
  const out: Envelope<SubscriptionEvent>[] = [];
  for await (const raw of store.read(subscriptionStreamId('sub-1'))) {
    const decoded = decode(raw);
    if (E.isLeft(decoded)) throw new Error(decoded.left.message);
    out.push(decoded.right);
  }
  return out;
};

const due = (at: string) => cmd('RunDueWork', { at }, billingSystem, at);

describe('renewalOrderReactionsTo: one event at a time (issue 13, SUB-2)', () => {
  it('the reactions of each event, in order, are the whole-history translation; other events ask nothing', async () => {
    const history = await historyOf([
      cmd(
        'StartSubscription',
        terms({ plan: plan({ trialDays: 14 }), recurringAmount: rub(99_000) }),
        admin,
        '2027-01-05T09:00:00Z',
      ),
      due('2027-01-19T09:00:00Z'),
      cmd(
        'FailSubscriptionPayment',
        { invoiceId: 'sub-1-r1', reason: 'card declined' },
        billingSystem,
        '2027-01-19T09:01:00Z',
      ),
      due('2027-01-20T09:01:00Z'),
      cmd(
        'PaySubscriptionInvoice',
        { invoiceId: 'sub-1-r1', amount: rub(99_000), paymentId: 'p-1' },
        billingSystem,
        '2027-01-20T09:02:00Z',
      ),
      due('2027-02-19T09:00:00Z'),
    ]);
    const types = history.map((e) => e.event.type);
    expect(types).toEqual(
      expect.arrayContaining(['SubscriptionInvoiced', 'SubscriptionPaymentRetried', 'SubscriptionPeriodServed']),
    );
    const options = { vatRate: 'vat22' } as const;
    const perEvent = history.map((_, i) => renewalOrderReactionsTo(history.slice(0, i + 1), options));
    expect(perEvent.flat()).toEqual(renewalOrderCommandsFor(history, options));
    history.forEach((envelope, i) => {
      const caused = perEvent[i] ?? [];
      // Commands name the event that caused them; an event that is no cause yields nothing.
      for (const output of caused)
        if (output.kind === 'command') expect(output.command.metadata.causationId).toBe(envelope.eventId);
      if (
        !['SubscriptionInvoiced', 'SubscriptionPaymentRetried', 'SubscriptionPeriodServed'].includes(
          envelope.event.type,
        )
      )
        expect(caused).toEqual([]);
    });
    // The retry is a second charge of the same invoice; served, its order is recorded and delivered.
    const outputs = perEvent.flat().map((o) => (o.kind === 'charge' ? `charge #${o.attempt}` : o.command.type));
    expect(outputs.slice(0, 4)).toEqual(['PlaceOrder', 'charge #1', 'charge #2', 'RecordOrder']);
  });

  it('an empty history asks nothing', () => {
    expect(renewalOrderReactionsTo([], { vatRate: 'vat22' })).toEqual([]);
  });
});
