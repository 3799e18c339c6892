import { getInMemoryEventStore } from '@event-driven-io/emmett';
import { createCommandHandler, createEnvelopeDecoder, createInMemoryEventStore } from '@ordersource/core';
import * as E from 'fp-ts/lib/Either.js';
import { isDeepStrictEqual } from 'node:util';
import { cartDecider, cartEventCodec, decideCart, evolveCart, initialCartState, type CartState } from '../cart.js';
import { cartWorkload, type CartStream } from '../cart-workload.js';
import { emmettCartHandler, emmettImmerCartHandler, evolveCartBySpread, evolveCartImmutably } from '../emmett-cart.js';
import { measureGroup, type Case, type Settings } from '../harness.js';
import type { Row } from '../table.js';

/**
 * Emmett's shopping-cart workload (carts x commands: add-item commands, then
 * a confirm), each cart's commands in order, one cart after the other, every
 * command awaited. Each sample starts from an empty store and a fresh
 * handler (an empty cache). Run at 20 commands per cart (Emmett's guide) and
 * at 100 and 1,000, where Emmett's re-fold per command grows with the stream.
 */

export type CartShape = Readonly<{
  carts: number;
  commandsPerCart: number;
  /** The immer-per-event Emmett reference row costs seconds per sample on long carts: only where asked. */
  immerReference: boolean;
  /** Targets apply to the guide's shape; the longer carts are reported. */
  targets: boolean;
}>;

export const CART_SHAPES: readonly CartShape[] = [
  { carts: 1_000, commandsPerCart: 20, immerReference: true, targets: true },
  // Emmett re-folds the whole cart per command (n^2 / 2 evolves per cart): fewer carts keep a sample short.
  { carts: 20, commandsPerCart: 100, immerReference: false, targets: false },
  { carts: 2, commandsPerCart: 1_000, immerReference: false, targets: false },
];

/**
 * The immer reference runs ~50x slower than the others: it gets the first
 * carts only. A rate per command does not depend on how many carts there are.
 */
const REFERENCE_CARTS = 100;

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

const emmett = (workload: readonly CartStream[], handler: typeof emmettCartHandler) => {
  const store = getInMemoryEventStore();
  const run = async (): Promise<typeof store> => {
    for (const { streamId, commands } of workload)
      for (const command of commands) await handler(store, streamId, command);
    return store;
  };
  return run;
};

/** The limit of this work: decide, then evolve in place on one plain object per cart; no store, no await. */
const limitLoop = (workload: readonly CartStream[]) => (): CartState[] => {
  const finals: CartState[] = [];
  for (const { commands } of workload) {
    const state = initialCartState();
    for (const command of commands) {
      const decided = decideCart(command, state);
      if (E.isLeft(decided)) throw new Error(decided.left.message);
      for (const event of decided.right) evolveCart(state, event);
    }
    finals.push(state);
  }
  return finals;
};

/** Untimed: every variant must end in the same states, or the figures compare different work. */
const verify = async (workload: readonly CartStream[], immerReference: boolean): Promise<void> => {
  const expected = limitLoop(workload)();
  const handler = await ours(workload)();
  const spread = await emmett(workload, emmettCartHandler)();
  const immer = immerReference ? await emmett(workload.slice(0, REFERENCE_CARTS), emmettImmerCartHandler)() : undefined;
  for (const [i, { streamId }] of workload.entries()) {
    const loaded = await handler.load(streamId);
    const states = [
      E.isRight(loaded) ? loaded.right.state : undefined,
      (await spread.aggregateStream(streamId, { evolve: evolveCartBySpread, initialState: initialCartState })).state,
      ...(immer === undefined || i >= REFERENCE_CARTS
        ? []
        : [
            (await immer.aggregateStream(streamId, { evolve: evolveCartImmutably, initialState: initialCartState }))
              .state,
          ]),
    ];
    if (!states.every((state) => isDeepStrictEqual(state, expected[i])))
      throw new Error(`cart workload: the variants disagree on the state of ${streamId}`);
  }
};

export const runCartSuite = async (shape: CartShape, settings: Settings): Promise<Row[]> => {
  const { carts, commandsPerCart, immerReference, targets } = shape;
  const workload = cartWorkload(carts, commandsPerCart);
  await verify(workload, immerReference);
  const opsPerCall = carts * commandsPerCart;
  const cases: Case[] = [
    { name: 'limit', opsPerCall, prepare: () => limitLoop(workload) },
    { name: 'ours', opsPerCall, prepare: () => ours(workload), maxCallsPerSample: 1 },
    { name: 'emmett', opsPerCall, prepare: () => emmett(workload, emmettCartHandler), maxCallsPerSample: 1 },
    ...(immerReference
      ? [
          {
            name: 'emmett-immer',
            opsPerCall: Math.min(carts, REFERENCE_CARTS) * commandsPerCart,
            prepare: () => emmett(workload.slice(0, REFERENCE_CARTS), emmettImmerCartHandler),
            maxCallsPerSample: 1,
          },
        ]
      : []),
  ];
  const [limit, handler, emmettHandler, emmettImmer] = await measureGroup(cases, settings);
  if (limit === undefined || handler === undefined || emmettHandler === undefined)
    throw new Error('cart suite: a case returned no measurement');

  const unit = 'cmd';
  const atLimit = { label: 'limit', measured: limit };
  const ordersource = 'ordersource command handler, in-memory store';
  return [
    { label: 'limit: decide + evolve in place on a plain object, no store', measured: limit, unit },
    {
      label: 'Emmett 0.42 DeciderCommandHandler, spread evolve (its docs)',
      measured: emmettHandler,
      unit,
      baseline: atLimit,
    },
    ...(emmettImmer === undefined
      ? []
      : [
          {
            label: `reference: Emmett 0.42, immer produce per event (first ${REFERENCE_CARTS} carts)`,
            measured: emmettImmer,
            unit,
            baseline: atLimit,
          },
        ]),
    {
      label: ordersource,
      measured: handler,
      unit,
      baseline: { label: 'Emmett (spread)', measured: emmettHandler },
      ...(targets ? { target: 10 } : {}),
    },
    { label: ordersource, measured: handler, unit, baseline: atLimit, ...(targets ? { target: 0.1 } : {}) },
  ];
};
