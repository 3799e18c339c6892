import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { createCommandHandler, createEnvelopeDecoder, createInMemoryEventStore, type Reactor } from '@ordersource/core';
import { cartDecider, cartEventCodec, type CartCommand, type CartEvent } from './fixtures/cart.js';
import { reactInline } from './react-inline.js';

const decode = createEnvelopeDecoder<CartEvent>(cartEventCodec);
const at = '2026-11-24T10:00:00Z';
const eur = (amount: number) => ({ amount, currency: 'EUR' });

/** Adding tea to a cart puts a free sample in a companion cart; the sample announces itself. */
const sampler: Reactor<CartEvent, CartCommand, string> = {
  name: 'sampler',
  decode,
  filter: { streamPrefix: 'cart-' },
  react: ({ event, streamId }) =>
    event.type === 'ItemAdded' && event.data.sku === 'tea'
      ? [
          {
            kind: 'command',
            streamId: `sample-${streamId}`,
            type: 'AddItem',
            data: { sku: 'sample', qty: 1, unitPrice: eur(1) },
          },
        ]
      : [],
};
const announcer: Reactor<CartEvent, CartCommand, string> = {
  name: 'announcer',
  decode,
  react: ({ event, streamId }) =>
    event.type === 'ItemAdded' ? [{ kind: 'notification', notification: `${streamId}: ${event.data.sku}` }] : [],
};

const setup = () => {
  const store = createInMemoryEventStore();
  const carts = createCommandHandler({ store, decider: cartDecider, decodeEnvelope: decode });
  const add = (streamId: string, sku: string, id: string) =>
    carts.handle(streamId, {
      type: 'AddItem',
      data: { sku, qty: 1, unitPrice: eur(500) },
      metadata: { commandId: id, actor: { kind: 'customer', id: 'c-1' }, at },
    });
  return { store, carts, add };
};

describe('reactInline', () => {
  it('runs reactors until quiet: commands they send are handled and their events reacted to in turn', async () => {
    const { store, carts, add } = setup();
    await add('cart-1', 'tea', 'c1');
    const first = await reactInline({ store, decode, reactors: [sampler, announcer], handle: carts.handle });
    expect(first.envelopes.map((e) => e.streamId)).toEqual(['cart-1', 'sample-cart-1']);
    expect(first.notifications).toEqual(['cart-1: tea', 'sample-cart-1: sample']);
    // The filter keeps the sampler away from its own sample carts: nothing loops.
    await add('cart-2', 'cup', 'c2');
    const next = await reactInline({
      store,
      decode,
      reactors: [sampler, announcer],
      handle: carts.handle,
      ...(first.checkpoint === undefined ? {} : { after: first.checkpoint }),
    });
    expect(next.envelopes.map((e) => e.streamId)).toEqual(['cart-2']);
    expect(next.notifications).toEqual(['cart-2: cup']);
  });

  it('a command the handler refuses throws, naming the reactor and the command', async () => {
    const { store, add } = setup();
    await add('cart-1', 'tea', 'c1');
    const refusing = () => Promise.resolve(E.left({ message: 'cart closed' }));
    await expect(reactInline({ store, decode, reactors: [sampler], handle: refusing })).rejects.toThrow(
      'sampler: AddItem: cart closed',
    );
  });
});
