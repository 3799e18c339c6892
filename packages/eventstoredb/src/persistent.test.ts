import { newId, sleep } from '@ordersource/core';
import { describe, expect, it } from 'vitest';
import type {
  ClientPersistentAction,
  ClientPersistentResolvedEvent,
  ClientPersistentSettings,
  ClientResolvedEvent,
  EventStoreDbClient,
} from './client.js';
import { serverName } from './errors.js';
import { encodeEvent } from './metadata.js';
import { consumePersistentGroup, createPersistentGroup, persistentSettings } from './persistent.js';
import { asRecorded } from './test-support/recorded.js';

/** A scripted persistent subscription: it hands out the given events, then waits until unsubscribed. */
const scripted = (events: readonly ClientPersistentResolvedEvent[]) => {
  const answers: string[] = [];
  let created: { group: string; settings: ClientPersistentSettings; filter: unknown } | undefined;
  const unused = (): never => {
    throw new Error('not used here');
  };
  let stop: () => void = () => undefined;
  const client: EventStoreDbClient = {
    appendToStream: unused,
    readStream: unused,
    readAll: unused,
    subscribeToAll: unused,
    createPersistentSubscriptionToAll: (group, settings, options) => {
      if (created !== undefined)
        return Promise.reject(Object.assign(new Error('exists'), { type: 'persistent-subscription-exists' }));
      created = { group, settings, filter: options.filter };
      return Promise.resolve();
    },
    subscribeToPersistentSubscriptionToAll: () => {
      const stopped = new Promise<void>((resolve) => (stop = resolve));
      return {
        [Symbol.asyncIterator]: async function* () {
          yield* events;
          await stopped;
        },
        ack: (...acked: ClientResolvedEvent[]) => {
          answers.push(...acked.map((e) => `ack ${e.event?.type}`));
          return Promise.resolve();
        },
        nack: (action: ClientPersistentAction, reason: string, ...nacked: ClientResolvedEvent[]) => {
          answers.push(...nacked.map((e) => `${action} ${e.event?.type}: ${reason}`));
          return Promise.resolve();
        },
        unsubscribe: () => {
          stop();
          return Promise.resolve();
        },
      };
    },
    deletePersistentSubscriptionToAll: unused,
    dispose: () => Promise.resolve(),
  };
  return { client, answers, created: () => created };
};

const ours = (streamId: string, type: string, retryCount = 0): ClientPersistentResolvedEvent => ({
  event: asRecorded(
    streamId,
    encodeEvent(
      {
        event: { type, data: {} },
        eventId: newId(),
        occurredAt: '2026-12-01T10:00:00Z',
        actor: { kind: 'system', id: 't' },
      },
      { append: newId(), index: 0, size: 1 },
    ),
    0n,
    { commit: 1n, prepare: 1n },
  ),
  retryCount,
});

const context = (client: EventStoreDbClient) => ({
  client,
  dialect: 'kurrentdb' as const,
  server: serverName(undefined),
  retry: { retries: 1, initialDelayMs: 1, maxDelayMs: 2 },
});

describe('persistent subscriptions: competing consumers, at least once', () => {
  it('acks what was handled, retries what threw, parks what does not decode, acks what is not ours', async () => {
    const foreign: ClientPersistentResolvedEvent = {
      ...ours('order-9', 'Foreign'),
      event: { ...ours('order-9', 'Foreign').event!, metadata: {} },
    };
    const { client, answers } = scripted([
      ours('order-1', 'OrderPlaced'),
      ours('order-1', 'Boom', 2),
      foreign,
      ours('payment-1', 'PaymentCaptured'),
      ours('$stats-node', 'StatsCollected'),
    ]);
    const handled: string[] = [];
    const consumer = consumePersistentGroup(
      context(client),
      'reactors',
      (envelope, delivery) => {
        if (envelope.event.type === 'Boom') throw new Error(`failed on delivery ${delivery.retryCount}`);
        handled.push(envelope.event.type);
      },
      { filter: { streamPrefix: 'order-' } },
    );
    const deadline = Date.now() + 5_000;
    while (answers.length < 5 && Date.now() < deadline) await sleep(2);
    await consumer.close();
    await expect(consumer.done).resolves.toBeUndefined();
    expect(handled).toEqual(['OrderPlaced']);
    expect(answers[0]).toBe('ack OrderPlaced');
    expect(answers[1]).toBe('retry Boom: failed on delivery 2');
    expect(answers[2]).toMatch(/^park Foreign: cannot decode stream "order-9" revision 0: metadata/);
    expect(answers.slice(3)).toEqual(['ack PaymentCaptured', 'ack StatsCollected']);
  });

  it('creates a group once, with the filter on the server and the servers’ defaults', async () => {
    const { client, created } = scripted([]);
    expect(await createPersistentGroup(context(client), 'g', { filter: { streamPrefix: 'order-' } })).toBe('created');
    expect(await createPersistentGroup(context(client), 'g', {})).toBe('exists');
    expect(created()).toMatchObject({
      group: 'g',
      filter: { filterOn: 'streamName', prefixes: ['order-'] },
      settings: { startFrom: 'start', maxRetryCount: 10, messageTimeout: 30_000, consumerStrategyName: 'RoundRobin' },
    });
    expect(persistentSettings({ startAfter: 'C:10/P:12', maxRetryCount: 3 })).toMatchObject({
      startFrom: { commit: 10n, prepare: 12n },
      maxRetryCount: 3,
    });
  });
});
