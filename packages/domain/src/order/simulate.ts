import * as E from 'fp-ts/lib/Either.js';
import { rehydrate, type DomainError } from '@ordersource/core';
import type { OrderCommand } from './commands.js';
import { orderDecider } from './decider.js';
import type { OrderEvent } from './events.js';
import type { OrderState } from './state.js';

/**
 * Run commands through the order decider without a store, folding as the
 * command handler does: for tests, docs and "what if" tools.
 */

export type Simulated = Readonly<{ events: readonly OrderEvent[]; state: OrderState }>;

export type SimulationError = Readonly<{ index: number; command: OrderCommand; error: DomainError }>;

export const simulateOrder = (
  commands: readonly OrderCommand[],
  history: readonly OrderEvent[] = [],
): E.Either<SimulationError, Simulated> => {
  const events = [...history];
  let state = rehydrate(orderDecider, events);
  for (const [index, command] of commands.entries()) {
    const decided = orderDecider.decide(command, state);
    if (E.isLeft(decided)) return E.left({ index, command, error: decided.left });
    events.push(...decided.right);
    state = rehydrate(orderDecider, events);
  }
  return E.right({ events, state });
};
