// Helpers for the decider example tests (not shipped: the build excludes test-support/).
import * as E from 'fp-ts/lib/Either.js';
import { rehydrate } from '@ordersource/core';
import type { OrderCommand } from '../commands.js';
import { orderDecider } from '../decider.js';
import type { OrderEvent } from '../events.js';
import { simulateOrder } from '../simulate.js';

/** Run commands through the decider; any refusal fails the test with its code and message. */
export const run = (commands: readonly OrderCommand[], history: readonly OrderEvent[] = []) => {
  const result = simulateOrder(commands, history);
  if (E.isLeft(result))
    throw new Error(`${result.left.command.type}: ${result.left.error.code} ${result.left.error.message}`);
  return result.right;
};

/** The error code the decider answers with after `history`, or undefined when it accepts. */
export const refusal = (history: readonly OrderEvent[], cmd: OrderCommand): string | undefined => {
  const decided = orderDecider.decide(cmd, rehydrate(orderDecider, history));
  return E.isLeft(decided) ? decided.left.code : undefined;
};

export const types = (events: readonly OrderEvent[]) => events.map((e) => e.type);
