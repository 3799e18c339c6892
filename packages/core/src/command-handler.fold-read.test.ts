import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { cartDecider, cartEventCodec } from '../../testing/src/fixtures/cart.js';
import { createCommandHandler } from './command-handler.js';
import type { Envelope } from './envelope.js';
import type { EventStore, FoldRow } from './event-store.js';
import { createInMemoryEventStore } from './in-memory-store.js';
import { createEnvelopeDecoder, decodesFoldRows, type EnvelopeDecoder } from './upcast.js';

/** Issue 18: a cache miss folds with the store's `readForFold` only where the decoder reads no more than a fold row. */

const metadata = (commandId: string) => ({
  commandId,
  actor: { kind: 'customer', id: 'cust-1' } as const,
  at: '2026-11-24T10:00:00Z',
});
const add = (commandId: string) =>
  ({
    type: 'AddItem',
    data: { sku: 'apple', qty: 1, unitPrice: { amount: 100, currency: 'EUR' } },
    metadata: metadata(commandId),
  }) as const;

/** An in-memory store seen through a wrapper (so the handler reads it), with a fold read that counts its calls. */
const counted = async () => {
  const inner = createInMemoryEventStore();
  const writer = createCommandHandler({
    store: inner,
    decider: cartDecider,
    decodeEnvelope: createEnvelopeDecoder(cartEventCodec),
  });
  for (const id of ['c1', 'c2', 'c3']) expect(E.isRight(await writer.handle('cart-1', add(id)))).toBe(true);
  const calls = { read: 0, readForFold: 0 };
  const store: EventStore = {
    ...inner,
    read: (streamId, options) => (calls.read++, inner.read(streamId, options)),
    readForFold: async function* (streamId: string, from: number): AsyncIterable<readonly FoldRow[]> {
      calls.readForFold++;
      const rows: FoldRow[] = [];
      for await (const { event, streamId: id, streamVersion, schemaVersion, causationId } of inner.read(streamId, {
        from,
      }))
        rows.push(
          causationId === undefined
            ? { event, streamId: id, streamVersion, schemaVersion }
            : { event, streamId: id, streamVersion, schemaVersion, causationId },
        );
      yield rows.slice(0, 1);
      yield rows.slice(1);
    },
  };
  return { store, calls };
};

describe('command handler, the fold read (issue 18)', () => {
  it('a decoder made by createEnvelopeDecoder folds a cache miss with readForFold, to the same state', async () => {
    const { store, calls } = await counted();
    const decodeEnvelope = createEnvelopeDecoder(cartEventCodec);
    expect(decodesFoldRows(decodeEnvelope)).toBe(true);
    const handler = createCommandHandler({ store, decider: cartDecider, decodeEnvelope });
    const loaded = await handler.load('cart-1');
    expect(calls).toEqual({ read: 0, readForFold: 1 });
    const { readForFold: _dropped, ...withRead } = store;
    expect(loaded).toEqual(
      await createCommandHandler({ store: withRead, decider: cartDecider, decodeEnvelope }).load('cart-1'),
    );
    expect(E.isRight(loaded) && loaded.right.version).toBe(2);
    // The commandIds folded from fold rows are known: a re-delivery appends nothing.
    const again = await handler.handle('cart-1', add('c2'));
    expect(E.isRight(again) && again.right.duplicate).toBe(true);
  });

  it('any other decoder may read any field: the handler folds with read', async () => {
    const { store, calls } = await counted();
    const inner = createEnvelopeDecoder(cartEventCodec);
    const readsActor: EnvelopeDecoder<never> = (envelope: Envelope) =>
      envelope.actor.kind === 'customer'
        ? (inner(envelope) as never)
        : E.left({ kind: 'validation', code: 'invalid-event', message: 'actor', issues: [] });
    expect(decodesFoldRows(readsActor)).toBe(false);
    const handler = createCommandHandler({ store, decider: cartDecider, decodeEnvelope: readsActor });
    expect(E.isRight(await handler.load('cart-1'))).toBe(true);
    expect(calls).toEqual({ read: 1, readForFold: 0 });
  });
});
