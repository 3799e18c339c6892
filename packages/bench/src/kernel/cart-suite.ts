import { getInMemoryEventStore } from '@event-driven-io/emmett';
import { createCommandHandler, createEnvelopeDecoder, createInMemoryEventStore } from '@ordersource/core';
import * as E from 'fp-ts/lib/Either.js';
import { produce } from 'immer';
import { isDeepStrictEqual } from 'node:util';
import { cartDecider, cartEventCodec, decideCart, evolveCart, initialCartState, type CartState } from '../cart.js';
import { cartWorkload, type CartStream } from '../cart-workload.js';
import { emmettCartHandler, evolveCartImmutably } from '../emmett-cart.js';
import { measureGroup, type Case, type Settings } from '../harness.js';
import type { Row } from '../table.js';

/**
 * Suites 1 and 2: Emmett's shopping-cart workload (1,000 carts x 20
 * commands: 19 add-item, 1 confirm), each cart's commands in order, one
 * cart after the other, every command awaited. Each sample starts from an
 * empty store and a fresh handler (an empty cache).
 */

export const CART_STREAMS = 1_000;
export const COMMANDS_PER_CART = 20;

const decodeEnvelope = createEnvelopeDecoder(cartEventCodec);

const ours = (workload: readonly CartStream[]) => {
  const handler = createCommandHandler({ store: createInMemoryEventStore(), decider: cartDecider, decodeEnvelope });
  const run = async (): Promise<typeof handler> => {
    for (const { streamId, commands } of workload)
      for (const command of commands) {
        const handled = await handler.handle(streamId, command);
        if (E.isLeft(handled)) throw new Error(handled.left.message);
      }
    return handler;
  };
  return run;
};

const emmett = (workload: readonly CartStream[]) => {
  const store = getInMemoryEventStore();
  const run = async (): Promise<typeof store> => {
    for (const { streamId, commands } of workload)
      for (const command of commands) await emmettCartHandler(store, streamId, command);
    return store;
  };
  return run;
};

/** The physical limit: the same decide and evolve, one produce per command, no store, no await. */
const pureLoop = (workload: readonly CartStream[]) => (): CartState[] => {
  const finals: CartState[] = [];
  for (const { commands } of workload) {
    let state = initialCartState();
    for (const command of commands) {
      const decided = decideCart(command, state);
      if (E.isLeft(decided)) throw new Error(decided.left.message);
      const events = decided.right;
      state = produce(state, (draft) => {
        for (const event of events) evolveCart(draft, event);
      });
    }
    finals.push(state);
  }
  return finals;
};

/** Untimed: all three must end in the same states, or the figures compare different work. */
const verify = async (workload: readonly CartStream[]): Promise<void> => {
  const expected = pureLoop(workload)();
  const handler = await ours(workload)();
  const store = await emmett(workload)();
  for (const [i, { streamId }] of workload.entries()) {
    const loaded = await handler.load(streamId);
    const aggregated = await store.aggregateStream(streamId, {
      evolve: evolveCartImmutably,
      initialState: initialCartState,
    });
    const state = E.isRight(loaded) ? loaded.right.state : undefined;
    if (!isDeepStrictEqual(state, expected[i]) || !isDeepStrictEqual(aggregated.state, expected[i]))
      throw new Error(`cart workload: kernels disagree on the state of ${streamId}`);
  }
};

export const runCartSuite = async (settings: Settings): Promise<Row[]> => {
  const workload = cartWorkload(CART_STREAMS, COMMANDS_PER_CART);
  await verify(workload);
  const opsPerCall = CART_STREAMS * COMMANDS_PER_CART;
  const cases: Case[] = [
    { name: 'limit', opsPerCall, prepare: () => pureLoop(workload) },
    { name: 'ours', opsPerCall, prepare: () => ours(workload), maxCallsPerSample: 1 },
    { name: 'emmett', opsPerCall, prepare: () => emmett(workload), maxCallsPerSample: 1 },
  ];
  const [limit, handler, emmettHandler] = await measureGroup(cases, settings);
  if (limit === undefined || handler === undefined || emmettHandler === undefined)
    throw new Error('cart suite: a case returned no measurement');

  const unit = 'cmd';
  const emmettLabel = 'Emmett 0.42 DeciderCommandHandler, in-memory store';
  const limitLabel = 'no store: decide + one produce per command';
  return [
    { label: limitLabel, measured: limit, unit },
    { label: emmettLabel, measured: emmettHandler, unit, baseline: { label: 'no store', measured: limit } },
    {
      label: 'ordersource command handler, in-memory store',
      measured: handler,
      unit,
      baseline: { label: 'Emmett', measured: emmettHandler },
      target: 10,
    },
    {
      label: 'ordersource command handler, in-memory store',
      measured: handler,
      unit,
      baseline: { label: 'no store', measured: limit },
      target: 0.5,
    },
  ];
};
