import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { cartDecider, cartEventCodec, type CartCommand, type CartEvent } from '../../testing/src/index.js';
import { createInMemoryCheckpointStore } from './checkpoint-store.js';
import { createCommandHandler } from './command-handler.js';
import type { Envelope, NewEvent } from './envelope.js';
import type { EventStore } from './event-store.js';
import { createInMemoryEventStore } from './in-memory-store.js';
import * as money from './money.js';
import { effectsOf, runReactor, type Effect, type Reactor } from './reactor.js';
import { sleep } from './runtime.js';
import { createEnvelopeDecoder } from './upcast.js';

type Notice = { to: string; text: string };

/** Mirrors every item added to a cart into a "saved items" cart, and tells the customer on checkout. */
const mirror: Reactor<CartEvent, CartCommand, Notice> = {
  name: 'mirror',
  decode: createEnvelopeDecoder(cartEventCodec),
  filter: { streamPrefix: 'cart-' },
  react: (envelope) => {
    switch (envelope.event.type) {
      case 'ItemAdded':
        return [
          {
            kind: 'command',
            streamId: `saved-${envelope.streamId}`,
            type: 'AddItem',
            data: envelope.event.data,
          },
        ];
      case 'CheckedOut':
        return [{ kind: 'notification', notification: { to: envelope.actor.id, text: 'thanks' } }];
      default:
        return [];
    }
  },
};

const actor = { kind: 'customer' as const, id: 'cust-1' };
let n = 0;
const added = (sku: string): NewEvent => ({
  event: { type: 'ItemAdded', data: { sku, qty: 1, unitPrice: money.unsafe(100, 'EUR') } },
  eventId: `e-${++n}`,
  occurredAt: '2026-11-24T10:00:00Z',
  actor,
  correlationId: 'corr-1',
});

const handlerFor = (store: EventStore) =>
  createCommandHandler({
    store,
    decider: cartDecider,
    decodeEnvelope: createEnvelopeDecoder(cartEventCodec),
    random: () => 0,
  });

const streamOf = async (store: EventStore, streamId: string): Promise<Envelope[]> => {
  const out: Envelope[] = [];
  for await (const envelope of store.read(streamId)) out.push(envelope);
  return out;
};
const lastOf = async (store: EventStore): Promise<Envelope> => {
  let last: Envelope | undefined;
  for await (const envelope of store.readAll()) last = envelope;
  return last!;
};
const waitFor = async (ready: () => Promise<boolean> | boolean) => {
  for (let i = 0; i < 1000 && !(await ready()); i++) await sleep(2);
  expect(await ready()).toBe(true);
};

describe('reactors', () => {
  it('derive commandIds from reactor, event and index: stable across runs, distinct otherwise', async () => {
    const store = createInMemoryEventStore();
    await store.append('cart-1', [added('apple'), added('pear')], 'no-stream');
    const [first, second] = await streamOf(store, 'cart-1');
    const decoded = (envelope: Envelope) => {
      const result = mirror.decode(envelope);
      if (E.isLeft(result)) throw new Error(result.left.message);
      return result.right;
    };
    const once = effectsOf(mirror, decoded(first!));
    const twice = effectsOf(mirror, decoded(first!));
    expect(once).toEqual(twice);
    const command = once[0] as Extract<Effect<CartCommand>, { kind: 'command' }>;
    expect(command.streamId).toBe('saved-cart-1');
    const { commandId, ...metadata } = command.command.metadata;
    expect(commandId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(metadata).toEqual({
      actor: { kind: 'system', id: 'reactor:mirror' },
      at: '2026-11-24T10:00:00Z',
      causationId: first!.eventId,
      correlationId: 'corr-1',
    });
    const other = effectsOf(mirror, decoded(second!))[0] as typeof command;
    expect(other.command.metadata.commandId).not.toBe(command.command.metadata.commandId);
    const renamed = effectsOf({ ...mirror, name: 'mirror-2' }, decoded(first!))[0] as typeof command;
    expect(renamed.command.metadata.commandId).not.toBe(command.command.metadata.commandId);
  });

  it('delivers commands through the handler and notifications with stable ids, then saves the checkpoint', async () => {
    const store = createInMemoryEventStore();
    const checkpoints = createInMemoryCheckpointStore();
    const handler = handlerFor(store);
    const notices: Effect<CartCommand, Notice>[] = [];
    await store.append('cart-1', [added('apple')], 'no-stream');
    const subscription = await runReactor(mirror, {
      store,
      checkpoints,
      dispatch: async (effect) => {
        if (effect.kind === 'command') {
          const result = await handler.handle(effect.streamId, effect.command);
          if (E.isLeft(result)) throw new Error(result.left.message);
        } else notices.push(effect);
      },
    });
    await subscription.caughtUp;
    await store.append(
      'cart-1',
      [
        {
          ...added('x'),
          event: { type: 'CheckedOut', data: { total: money.unsafe(100, 'EUR'), at: '2026-11-24T10:00:00Z' } },
        },
      ],
      0,
    );
    const last = await lastOf(store);
    await waitFor(async () => (await checkpoints.load('mirror')) === last.globalPosition);
    await subscription.close();
    expect((await streamOf(store, 'saved-cart-1')).map((e) => e.event.type)).toEqual(['ItemAdded']);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ kind: 'notification', notification: { to: 'cust-1', text: 'thanks' } });
    const again = effectsOf(
      mirror,
      (mirror.decode((await streamOf(store, 'cart-1'))[1]!) as E.Right<Envelope<CartEvent>>).right,
    );
    expect(again[0]).toMatchObject({ id: (notices[0] as { id: string }).id });
  });

  it('a crash after dispatch but before the checkpoint: the re-run appends nothing twice', async () => {
    const store = createInMemoryEventStore();
    const checkpoints = createInMemoryCheckpointStore();
    await store.append('cart-1', [added('apple'), added('pear'), added('fig')], 'no-stream');

    // First process: handles the command for the second event, then dies before saving the checkpoint.
    const crashing = handlerFor(store);
    let dispatched = 0;
    const first = await runReactor(mirror, {
      store,
      checkpoints,
      dispatch: async (effect) => {
        if (effect.kind !== 'command') return;
        const result = await crashing.handle(effect.streamId, effect.command);
        if (E.isLeft(result)) throw new Error(result.left.message);
        if (++dispatched === 2) throw new Error('process killed');
      },
    });
    await expect(first.done).rejects.toThrow('process killed');
    const [one] = await streamOf(store, 'cart-1');
    expect(await checkpoints.load('mirror')).toBe(one!.globalPosition);
    expect(await streamOf(store, 'saved-cart-1')).toHaveLength(2);

    // Second process: a fresh handler, resuming from the saved checkpoint.
    const restarted = handlerFor(store);
    const duplicates: boolean[] = [];
    const second = await runReactor(mirror, {
      store,
      checkpoints,
      dispatch: async (effect) => {
        if (effect.kind !== 'command') return;
        const result = await restarted.handle(effect.streamId, effect.command);
        if (E.isLeft(result)) throw new Error(result.left.message);
        duplicates.push(result.right.duplicate);
      },
    });
    await second.caughtUp;
    await second.close();
    expect(duplicates).toEqual([true, false]);
    const saved = await streamOf(store, 'saved-cart-1');
    expect(saved.map((e) => (e.event.data as { sku: string }).sku)).toEqual(['apple', 'pear', 'fig']);
    expect(new Set(saved.map((e) => e.causationId)).size).toBe(3);
    expect(await checkpoints.load('mirror')).toBe((await streamOf(store, 'cart-1'))[2]!.globalPosition);
  });

  it('the checkpoint does not move when dispatch throws, and the failure ends the run', async () => {
    const store = createInMemoryEventStore();
    const checkpoints = createInMemoryCheckpointStore();
    await checkpoints.save('mirror', '0');
    await store.append('cart-1', [added('apple')], 'no-stream');
    const attempts: string[] = [];
    const subscription = await runReactor(mirror, {
      store,
      checkpoints,
      dispatch: (effect) => {
        attempts.push(effect.kind);
        return Promise.reject(new Error('mail server down'));
      },
    });
    await expect(subscription.done).rejects.toThrow('mail server down');
    expect(attempts).toEqual(['command']);
    expect(await checkpoints.load('mirror')).toBe('0');
  });

  it('an event the reactor cannot decode stops it before the checkpoint', async () => {
    const store = createInMemoryEventStore();
    const checkpoints = createInMemoryCheckpointStore();
    await store.append('cart-1', [{ ...added('x'), event: { type: 'Mystery', data: {} } }], 'no-stream');
    const subscription = await runReactor(mirror, { store, checkpoints, dispatch: () => Promise.resolve() });
    await expect(subscription.done).rejects.toThrow('reactor mirror');
    expect(await checkpoints.load('mirror')).toBeUndefined();
  });
});
