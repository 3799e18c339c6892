import {
  createCommandHandler,
  createEnvelopeDecoder,
  createInMemoryEventStore,
  rehydrate,
  type Actor,
} from '@ordersource/core';
import {
  defaultSubscriptionSettings,
  subscriptionHistory,
  SubscriptionEventCodec,
  subscriptionDecider,
  subscriptionStreamId,
  type SubscriptionCommand,
  type SubscriptionEvent,
} from '@ordersource/domain/subscriptions';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { createDispatcher } from './dispatcher.js';
import { createMemoryQueue } from './memory-queue.js';
import { recordOnSubscriptionStream } from './record-order.js';
import { intentsForSubscriptionEvent } from './subscription-intents.js';
import { builtInCatalog, scriptedAdapter } from './test-support/fixtures.js';

/**
 * Issue 12 / seed 004: a subscription's life, decided by the real
 * subscription decider on a store, turned into the customer's messages and
 * rendered by the dispatcher in her language (Persian here: right to left).
 */
const admin: Actor = { kind: 'admin', id: 'sara' };
const billing: Actor = { kind: 'system', id: 'billing' };
const customer: Actor = { kind: 'customer', id: 'cu-1' };
const SUB = 'sub-fa';

const history = async () => {
  const store = createInMemoryEventStore();
  const decode = createEnvelopeDecoder<SubscriptionEvent>(SubscriptionEventCodec);
  const handler = createCommandHandler({
    store,
    decider: subscriptionDecider(defaultSubscriptionSettings),
    decodeEnvelope: decode,
  });
  let n = 0;
  const send = async (type: SubscriptionCommand['type'], data: unknown, actor: Actor, at: string) => {
    const handled = await handler.handle(subscriptionStreamId(SUB), {
      type,
      data,
      metadata: { commandId: `c-${++n}`, actor, at },
    } as SubscriptionCommand);
    if (E.isLeft(handled)) throw new Error(`${type}: ${handled.left.message}`);
  };
  await send(
    'StartSubscription',
    {
      subscriptionId: SUB,
      customer: { id: 'cu-1', name: 'مریم احمدی', email: 'maryam@example.ir', phone: '+989121234567', language: 'fa' },
      plan: { planId: 'pro', name: 'طرح حرفه‌ای', billingPeriod: { unit: 'month', count: 1 }, closable: true },
      recurringAmount: { amount: 99_000, currency: 'RUB' },
    },
    admin,
    '2026-01-10T09:00:00.000Z',
  );
  await send('RunDueWork', { at: '2026-01-10T09:00:00.000Z' }, billing, '2026-01-10T09:00:00.000Z');
  const invoiced = [];
  for await (const raw of store.read(subscriptionStreamId(SUB))) {
    const decoded = decode(raw);
    if (E.isRight(decoded) && decoded.right.event.type === 'SubscriptionInvoiced') invoiced.push(decoded.right);
  }
  const first = invoiced[0]?.event;
  if (first?.type !== 'SubscriptionInvoiced') throw new Error('no first invoice');
  await send(
    'FailSubscriptionPayment',
    { invoiceId: first.data.invoiceId, reason: 'card declined' },
    billing,
    '2026-01-10T09:01:00.000Z',
  );
  await send('CloseSubscription', { reasonCode: 'too-expensive', when: 'now' }, customer, '2026-01-20T09:00:00.000Z');

  // Each event with the state right after it, as the runtime's reactor sees it.
  const decider = subscriptionDecider(defaultSubscriptionSettings);
  const events: SubscriptionEvent[] = [];
  const steps = [];
  for await (const raw of store.read(subscriptionStreamId(SUB))) {
    const decoded = decode(raw);
    if (E.isLeft(decoded)) throw new Error(decoded.left.message);
    events.push(decoded.right.event);
    steps.push({ envelope: decoded.right, state: rehydrate(decider, events) });
  }
  return Object.assign(steps, { handler, store, decode });
};

describe('subscription messages (issue 12, SUB-2..SUB-4)', () => {
  it("renewed, past due and closed, each once per channel, rendered in the customer's language", async () => {
    const steps = await history();
    const contacts = {
      shopName: 'فروشگاه نمونه',
      sms: true,
      paymentUrl: (sub: string, invoice: string) => `https://shop.example/pay/${sub}/${invoice}`,
    };
    const built = steps.map(({ envelope, state }) => intentsForSubscriptionEvent(envelope, state, contacts));
    const intents = built.flatMap((b) => b.intents);
    expect(intents.map((i) => `${i.template}/${i.channel}`)).toEqual([
      'subscription-renewed/email',
      'subscription-renewed/sms',
      'subscription-past-due/email',
      'subscription-past-due/sms',
      'subscription-closed/email',
      'subscription-closed/sms',
    ]);
    // Built again (a reactor re-run): the same ids.
    const again = steps.flatMap(
      ({ envelope, state }) => intentsForSubscriptionEvent(envelope, state, contacts).intents,
    );
    expect(again.map((i) => i.id)).toEqual(intents.map((i) => i.id));
    expect(new Set(intents.map((i) => i.id)).size).toBe(intents.length);

    const email = scriptedAdapter();
    const sms = scriptedAdapter(undefined, 'e164');
    const queue = createMemoryQueue(
      createDispatcher({ catalog: builtInCatalog(), channels: { email: email.adapter, sms: sms.adapter } }),
    );
    queue.enqueue(...intents, ...again);
    const stats = await queue.drain();
    expect(stats.dead).toBe(0);
    expect(email.calls).toHaveLength(3);
    expect(sms.calls).toHaveLength(3);
    const closed = email.calls.find((c) => c.intent.template === 'subscription-closed');
    // The reason in Persian from the catalog, not the English label stored on the event.
    expect(closed?.rendered.text).toContain('اشتراک بیش از حد گران است');
    expect(closed?.rendered.html).toContain('dir="rtl"');
    const pastDue = email.calls.find((c) => c.intent.template === 'subscription-past-due');
    expect(pastDue?.rendered.text).toContain(`https://shop.example/pay/${SUB}/`);
  });

  it('a customer without a phone gets e-mail only, and the skipped channel says why', async () => {
    const steps = await history();
    const closedStep = steps.at(-1)!;
    const state = { ...closedStep.state, customer: { id: 'cu-1', name: 'Maryam', email: 'maryam@example.ir' } };
    const built = intentsForSubscriptionEvent(closedStep.envelope, state, { shopName: 'Shop', sms: true });
    expect(built.intents.map((i) => i.channel)).toEqual(['email']);
    expect(built.skipped).toEqual([{ channel: 'sms', reason: 'no phone number for the customer' }]);
  });

  it('each send and each final failure is recorded on the subscription, once (NOT-3)', async () => {
    const steps = await history();
    const { handler, store, decode } = steps;
    const contacts = { shopName: 'Shop', sms: true };
    const intents = steps.flatMap(
      ({ envelope, state }) => intentsForSubscriptionEvent(envelope, state, contacts).intents,
    );
    const email = scriptedAdapter();
    // The SMS gateway refuses every message for good.
    const sms = scriptedAdapter(
      () => ({ kind: 'failed', retryable: false, reason: '400 invalid destination' }),
      'e164',
    );
    const recorder = recordOnSubscriptionStream(handler);
    const deliver = async () => {
      // A fresh dispatcher each time, with a memory ledger: a restarted process that lost its ledger.
      const queue = createMemoryQueue(
        createDispatcher({
          catalog: builtInCatalog(),
          channels: { email: email.adapter, sms: sms.adapter },
          onSent: recorder.onSent,
          onFailed: recorder.onFailed,
          now: () => '2026-01-20T10:00:00.000Z',
        }),
      );
      queue.enqueue(...intents);
      await queue.drain();
    };
    await deliver();
    const versionAfter = await store.streamVersion(subscriptionStreamId(SUB));
    // Delivered again after such a restart: the records' command ids derive from the intents, so nothing more.
    await deliver();
    expect(await store.streamVersion(subscriptionStreamId(SUB))).toBe(versionAfter);

    const envelopes = [];
    for await (const raw of store.read(subscriptionStreamId(SUB))) {
      const decoded = decode(raw);
      if (E.isRight(decoded)) envelopes.push(decoded.right);
    }
    const told = subscriptionHistory(envelopes)
      .map((entry) => entry.message)
      .filter((message) => message.startsWith('email ') || message.startsWith('sms '));
    expect(told.filter((m) => m.startsWith('email sent: '))).toHaveLength(3);
    expect(told.filter((m) => m.startsWith('sms NOT sent: ') && m.endsWith('400 invalid destination'))).toHaveLength(3);
  });
});
