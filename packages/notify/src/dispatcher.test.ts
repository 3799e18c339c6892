import { createCommandHandler, createInMemoryEventStore, effectsOf, type Envelope } from '@ordersource/core';
import {
  customerNotificationPolicy,
  decodeOrderEnvelope,
  defaultShopSettings,
  newOrderNotificationPolicy,
  orderDecider,
  orderExamples,
  orderStreamId,
  statusHistory,
  statusHistoryProjection,
  type OrderEvent,
} from '@ordersource/domain';
import { createProjectionRunner } from '@ordersource/core';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';
import { createDispatcher, type Failure } from './dispatcher.js';
import type { MessageIntent } from './intent.js';
import { createMemoryLedger, type SendLedger } from './ledger.js';
import { createMemoryQueue } from './memory-queue.js';
import { intentsForNotification } from './order-intents.js';
import { recordFailureOnOrderStream, recordOnOrderStream } from './record-order.js';
import type { RenderedMessage } from './render.js';
import { builtInCatalog, invitation, scriptedAdapter } from './test-support/fixtures.js';

const fast = { baseMs: 2, maxMs: 20, random: () => 0.5 };

describe('backoff (issue 12: exponential with jitter)', () => {
  it('doubles per attempt up to the cap, drawn from the upper half of the ceiling', () => {
    const options = { baseMs: 100, maxMs: 1_000, random: () => 0 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, options))).toEqual([50, 100, 200, 400, 500, 500]);
    expect(backoffDelay(3, { ...options, random: () => 0.999 })).toBe(400);
    const spread = new Set(
      Array.from({ length: 50 }, () => backoffDelay(4, { baseMs: 100, maxMs: 1_000, random: Math.random })),
    );
    expect(spread.size).toBeGreaterThan(10);
  });
});

describe('dispatcher over the memory queue', () => {
  it('retries transient failures with backoff, then sends once; dead-letters after the limit with the reply', async () => {
    const { adapter, callsFor } = scriptedAdapter((m, call) => {
      if (m.intent.id === 'flaky' && call < 3)
        return { kind: 'failed', retryable: true, reason: '421 4.3.2 try later' };
      if (m.intent.id === 'down') return { kind: 'failed', retryable: true, reason: '451 4.3.0 temporary' };
      if (m.intent.id === 'refused') return { kind: 'failed', retryable: false, reason: '550 5.1.1 no such user' };
      return { kind: 'sent', reply: '250 OK' };
    });
    const failures: [string, Failure][] = [];
    const sentIds: string[] = [];
    const dispatcher = createDispatcher({
      catalog: builtInCatalog(),
      channels: { email: adapter },
      maxAttempts: 4,
      backoff: fast,
      onSent: async (intent) => void sentIds.push(intent.id),
      onFailed: async (intent, failure) => void failures.push([intent.id, failure]),
    });
    const queue = createMemoryQueue(dispatcher);
    queue.enqueue(invitation('flaky'), invitation('down'), invitation('refused'), invitation('fine'));
    const stats = await queue.drain();
    expect(stats).toEqual({ sent: 2, duplicates: 0, retries: 2 + 3, dead: 2 });
    expect(callsFor('flaky')).toBe(3);
    expect(callsFor('down')).toBe(4);
    expect(callsFor('refused')).toBe(1);
    expect(sentIds.sort()).toEqual(['fine', 'flaky']);
    expect(Object.fromEntries(failures)).toEqual({
      down: { reason: '451 4.3.0 temporary (after 4 attempts)', attempts: 4, retryable: true },
      refused: { reason: '550 5.1.1 no such user', attempts: 1, retryable: false },
    });
  });

  it('never sends one intent twice: enqueued twice, re-run after success, or after a crash of the recording', async () => {
    const { adapter, callsFor } = scriptedAdapter();
    const ledger = createMemoryLedger();
    let recordFailures = 1;
    const recorded: string[] = [];
    const dispatcher = createDispatcher({
      catalog: builtInCatalog(),
      channels: { email: adapter },
      ledger,
      backoff: fast,
      onSent: async (intent) => {
        if (intent.id === 'b' && recordFailures-- > 0) throw new Error('store unavailable');
        recorded.push(intent.id);
      },
    });
    const queue = createMemoryQueue(dispatcher);
    queue.enqueue(invitation('a'), invitation('a'), invitation('b'));
    await queue.drain();
    queue.enqueue(invitation('a'), invitation('b'));
    const stats = await queue.drain();
    expect(callsFor('a')).toBe(1);
    expect(callsFor('b')).toBe(1);
    // b: sent once; its recording failed, was retried without sending, and recorded once.
    expect(recorded.sort()).toEqual(['a', 'b']);
    expect(stats.duplicates).toBeGreaterThanOrEqual(2);
    expect(ledger.entries().get('b')).toMatchObject({ status: 'sent', recorded: true });
  });

  it('bad input is a clear error on the intent; nothing crashes and the other intents flow', async () => {
    const { adapter, calls } = scriptedAdapter();
    const sms = scriptedAdapter(undefined, 'e164');
    const failures = new Map<string, string>();
    const dispatcher = createDispatcher({
      catalog: builtInCatalog(),
      channels: { email: adapter, sms: sms.adapter },
      backoff: fast,
      onFailed: async (intent, failure) => void failures.set(intent.id, failure.reason),
    });
    const queue = createMemoryQueue(dispatcher);
    const bad: MessageIntent[] = [
      invitation('inject', { to: { address: 'olga@example.com', name: 'Olga\r\nBcc: victim@example.net' } }),
      invitation('not-an-email', { to: { address: 'olga at example.com' } }),
      invitation('not-e164', { channel: 'sms', to: { address: '8 999 000-00-00' } }),
      invitation('missing-var', { vars: { customerName: 'Olga', shopName: 'Demo' } }),
      invitation('no-adapter', { channel: 'fax', to: { address: '+74950000000' } }),
    ];
    queue.enqueue(invitation('ok-1'), ...bad, invitation('ok-2'));
    const stats = await queue.drain();
    expect(stats).toMatchObject({ sent: 2, dead: 5 });
    expect(calls.map((c) => c.intent.id).sort()).toEqual(['ok-1', 'ok-2']);
    expect(Object.fromEntries(failures)).toEqual({
      inject:
        'to.name: must not contain line breaks or control characters (header injection) (got "Olga\\r\\nBcc: victim@example.net")',
      'not-an-email': 'to.address: must be an e-mail address (local@domain.tld) (got "olga at example.com")',
      'not-e164':
        'to.address: must be an E.164 phone number (+ country code and number, 8 to 15 digits) (got "8 999 000-00-00")',
      'missing-var': 'template account-invitation (ru): missing variable $inviteUrl',
      'no-adapter': 'no adapter configured for the fax channel',
    });
  });

  it('keeps a copy of the rendered message when the intent asks for one (ORD-4)', async () => {
    const { adapter } = scriptedAdapter();
    const copies: [string, RenderedMessage][] = [];
    const dispatcher = createDispatcher({
      catalog: builtInCatalog(),
      channels: { email: adapter },
      keepCopy: async (intent, rendered) => void copies.push([intent.id, rendered]),
    });
    const queue = createMemoryQueue(dispatcher);
    queue.enqueue(invitation('copy', { keepCopy: true }), invitation('no-copy'));
    await queue.drain();
    expect(copies.map(([id]) => id)).toEqual(['copy']);
    expect(copies[0]?.[1].subject).toBe('Создайте учётную запись в Demo shop');
  });
});

describe('from order events to messages and back into the history (NOT-1, NOT-2, NOT-3, ORD-5)', () => {
  it('a placed order and a processed one notify customer and admin; each send is recorded with RecordNotificationSent', async () => {
    const store = createInMemoryEventStore();
    const orders = createCommandHandler({ store, decider: orderDecider, decodeEnvelope: decodeOrderEnvelope });
    const streamId = orderStreamId('o-1');
    const { command, sampleCheckout } = orderExamples;
    const placed = await orders.handle(streamId, command('PlaceOrder', sampleCheckout(), '2026-11-01T10:00:00Z'));
    expect(E.isRight(placed)).toBe(true);
    // ORD-2: the online payment went through; the order is recorded (NOT-1 fires here).
    await orders.handle(streamId, command('RecordOrder', {}, '2026-11-01T10:01:00Z'));
    await orders.handle(
      streamId,
      command(
        'ProcessOrder',
        {
          status: 'Đã đóng gói',
          note: 'Giao trong 2 ngày',
          noteVisibleToCustomer: true,
          notify: { email: true, sms: false },
          trackingReference: 'VN-123',
          carrier: 'VNPost',
        },
        '2026-11-02T09:00:00Z',
      ),
    );

    const envelopes: Envelope<OrderEvent>[] = [];
    for await (const raw of store.read(streamId)) {
      const decoded = decodeOrderEnvelope(raw);
      if (E.isRight(decoded)) envelopes.push(decoded.right);
    }
    const loaded = await orders.load(streamId);
    if (E.isLeft(loaded)) throw new Error(loaded.left.message);
    const shop = {
      shopName: 'Demo shop',
      admin: { email: 'orders@shop.example', language: 'en' },
      inviteUrl: () => 'https://shop.example/join',
    };
    const state = loaded.right.state;
    const intents = envelopes.flatMap((envelope) => [
      ...effectsOf(newOrderNotificationPolicy(defaultShopSettings), envelope).flatMap((effect) =>
        effect.kind === 'notification' ? intentsForNotification(effect, state, shop).intents : [],
      ),
      ...effectsOf(customerNotificationPolicy, envelope).flatMap((effect) =>
        effect.kind === 'notification' ? intentsForNotification(effect, state, shop).intents : [],
      ),
    ]);
    expect(intents.map((i) => `${i.template}/${i.channel}/${i.audience}/${i.language}`)).toEqual([
      'order-confirmation/email/customer/vi',
      'new-order-alert/email/admin/en',
      'order-update/email/customer/vi',
    ]);

    const { adapter, calls } = scriptedAdapter();
    const dispatcher = createDispatcher({
      catalog: builtInCatalog(),
      channels: { email: adapter },
      onSent: recordOnOrderStream(orders),
      now: () => '2026-11-02T09:00:05Z',
    });
    const queue = createMemoryQueue(dispatcher);
    queue.enqueue(...intents);
    await queue.drain();
    const update = calls.find((c) => c.intent.template === 'order-update');
    expect(update?.rendered.text).toContain('Ghi chú từ Demo shop: Giao trong 2 ngày');
    expect(update?.rendered.text).toContain('Mã vận đơn: VNPost VN-123');
    expect(calls.find((c) => c.intent.template === 'order-confirmation')?.rendered.text).toContain(
      'https://shop.example/join',
    );

    // A second run of the same intents records nothing new (the command ids derive from the intent ids).
    queue.enqueue(...intents);
    await queue.drain();
    const history = createProjectionRunner(store, statusHistoryProjection);
    await history.catchUp();
    const sentEntries = statusHistory(history.state(), 'o-1').filter((entry) => entry.event === 'NotificationSent');
    expect(sentEntries).toHaveLength(3);
    expect(sentEntries.filter((entry) => entry.email)).toHaveLength(2); // the customer's two; the shop's alert is not a customer e-mail
  });

  it('a final failure is recorded on the order with RecordNotificationFailed, once, and shows in the history', async () => {
    const store = createInMemoryEventStore();
    const orders = createCommandHandler({ store, decider: orderDecider, decodeEnvelope: decodeOrderEnvelope });
    const streamId = orderStreamId('o-2');
    const { command, sampleCheckout } = orderExamples;
    await orders.handle(streamId, command('PlaceOrder', sampleCheckout(), '2026-11-01T10:00:00Z'));
    const placedVersion = await store.streamVersion(streamId);
    const refused = invitation('bounce', { record: { streamId } });
    const { adapter } = scriptedAdapter(() => ({ kind: 'failed', retryable: false, reason: '550 5.1.1 no such user' }));
    // The process dies after recording the failure on the order, before the ledger says so.
    const memory = createMemoryLedger();
    let crashes = 1;
    const ledger: SendLedger = {
      get: memory.get,
      put: async (id, entry) => {
        if (entry.status === 'failed' && entry.recorded && crashes-- > 0) throw new Error('killed');
        await memory.put(id, entry);
      },
    };
    const dispatcher = createDispatcher({
      catalog: builtInCatalog(),
      channels: { email: adapter },
      ledger,
      onFailed: recordFailureOnOrderStream(orders),
      now: () => '2026-11-01T10:05:00Z',
    });
    await expect(dispatcher.attempt(refused, 1)).rejects.toThrow('killed');
    const queue = createMemoryQueue(dispatcher);
    queue.enqueue(refused);
    await queue.drain();
    // Delivered again (an outbox lease ran out): nothing new on the order.
    queue.enqueue(refused);
    await queue.drain();
    const history = createProjectionRunner(store, statusHistoryProjection);
    await history.catchUp();
    const failed = statusHistory(history.state(), 'o-2').filter((entry) => entry.event === 'NotificationFailed');
    expect(failed).toHaveLength(1);
    expect(JSON.stringify(failed[0])).toContain('550 5.1.1 no such user');
    expect(await store.streamVersion(streamId)).toBe(placedVersion + 1);
  });
});
