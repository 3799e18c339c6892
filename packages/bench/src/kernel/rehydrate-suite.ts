import { getInMemoryEventStore } from '@event-driven-io/emmett';
import { createCommandHandler, createEnvelopeDecoder, createInMemoryEventStore, rehydrate } from '@ordersource/core';
import * as E from 'fp-ts/lib/Either.js';
import { isDeepStrictEqual } from 'node:util';
import { cartDecider, cartEventCodec, evolveCart, initialCartState, type CartEvent, type CartState } from '../cart.js';
import { cartCommands } from '../cart-workload.js';
import { evolveCartBySpread, evolveCartImmutably } from '../emmett-cart.js';
import { measureGroup, type Case, type Settings } from '../harness.js';
import type { Row } from '../table.js';

/**
 * Suite 3: fold one long cart stream (9,999 add-item events over 25
 * products, then a confirm) into its state. The stream is written once, by
 * our command handler, so it carries real envelopes; the folds all read the
 * same events.
 */

export const STREAM_EVENTS = 10_000;
const STREAM_ID = 'cart-long';

type Fixture = Readonly<{
  events: readonly CartEvent[];
  load: () => Promise<CartState>;
  firstLoad: () => Promise<CartState>;
  aggregate: () => Promise<CartState>;
}>;

const fixture = async (): Promise<Fixture> => {
  const store = createInMemoryEventStore();
  const decodeEnvelope = createEnvelopeDecoder(cartEventCodec);
  const handler = createCommandHandler({ store, decider: cartDecider, decodeEnvelope });
  const events: CartEvent[] = [];
  for (const command of cartCommands('customer-long', STREAM_EVENTS - 1, 25)) {
    const handled = await handler.handle(STREAM_ID, command);
    if (E.isLeft(handled)) throw new Error(handled.left.message);
    events.push(...handled.right.events);
  }

  const emmettStore = getInMemoryEventStore();
  await emmettStore.appendToStream(STREAM_ID, [...events]);

  return {
    events,
    // A cache miss: forget the folded state, then read, decode and fold the stream again.
    load: async () => {
      handler.evict(STREAM_ID);
      const loaded = await handler.load(STREAM_ID);
      if (E.isLeft(loaded)) throw new Error(loaded.left.message);
      return loaded.right.state;
    },
    // The first miss of this stream in a handler: every event is decoded (a handler skips the decode only of
    // events its own decoder accepted before, so a re-load after `evict` costs less; that is `load`).
    firstLoad: async () => {
      const fresh = createCommandHandler({ store, decider: cartDecider, decodeEnvelope });
      const loaded = await fresh.load(STREAM_ID);
      if (E.isLeft(loaded)) throw new Error(loaded.left.message);
      return loaded.right.state;
    },
    aggregate: async () =>
      (await emmettStore.aggregateStream(STREAM_ID, { evolve: evolveCartBySpread, initialState: initialCartState }))
        .state,
  };
};

/** The limit: the same evolve mutating one plain object, nothing else. */
const bareLoop = (events: readonly CartEvent[]): CartState => {
  const state = initialCartState();
  for (const event of events) evolveCart(state, event);
  return state;
};

const producePerEvent = (events: readonly CartEvent[]): CartState =>
  events.reduce((state, event) => evolveCartImmutably(state, event), initialCartState());

export const runRehydrateSuite = async (settings: Settings): Promise<Row[]> => {
  const { events, load, firstLoad, aggregate } = await fixture();
  const expected = bareLoop(events);
  const folds = [
    rehydrate(cartDecider, events),
    await load(),
    await firstLoad(),
    await aggregate(),
    producePerEvent(events),
  ];
  if (!folds.every((state) => isDeepStrictEqual(state, expected)))
    throw new Error('rehydrate suite: the folds disagree on the final state');

  const opsPerCall = events.length;
  const cases: Case[] = [
    { name: 'bare', opsPerCall, prepare: () => () => bareLoop(events) },
    { name: 'rehydrate', opsPerCall, prepare: () => () => rehydrate(cartDecider, events) },
    { name: 'load', opsPerCall, prepare: () => load },
    { name: 'first-load', opsPerCall, prepare: () => firstLoad },
    { name: 'emmett', opsPerCall, prepare: () => aggregate },
    { name: 'produce', opsPerCall, prepare: () => () => producePerEvent(events) },
  ];
  const [bare, folded, loaded, firstLoaded, aggregated, produced] = await measureGroup(cases, settings);
  if (bare === undefined || folded === undefined || loaded === undefined || firstLoaded === undefined)
    throw new Error('rehydrate suite: a case returned no measurement');
  if (aggregated === undefined || produced === undefined)
    throw new Error('rehydrate suite: a case returned no measurement');

  const unit = 'events';
  const baseline = { label: 'bare loop', measured: bare };
  return [
    { label: `bare loop: evolve on one plain object (${opsPerCall} events)`, measured: bare, unit },
    { label: 'ordersource rehydrate()', measured: folded, unit, baseline, target: 0.8 },
    {
      label: 'ordersource handler.load(), cache miss after evict (events decoded before)',
      measured: loaded,
      unit,
      baseline,
      target: 0.8,
    },
    {
      label: 'ordersource handler.load(), first cache miss (every event decoded)',
      measured: firstLoaded,
      unit,
      baseline,
      target: 0.8,
    },
    { label: 'Emmett 0.42 aggregateStream, in-memory, spread evolve', measured: aggregated, unit, baseline },
    { label: 'reference: immer produce per event', measured: produced, unit, baseline },
  ];
};
