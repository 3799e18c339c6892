import { applyEvents, type DomainError } from '@ordersource/core';
import * as E from 'fp-ts/lib/Either.js';
import type { ReceiptsCommand } from './commands.js';
import { receiptsDecider } from './decider.js';
import type { ReceiptsEvent } from './events.js';
import { initialReceiptsState, type ReceiptsState } from './state.js';

/**
 * Run commands through the receipts decider without a store: decide, then
 * apply. Refused commands are kept with their error and change nothing.
 * For tests, the example and "what would happen if" tools.
 */

export type Outcome = Readonly<{
  command: ReceiptsCommand;
  result: E.Either<DomainError, readonly ReceiptsEvent[]>;
}>;

export type Simulation = Readonly<{
  state: ReceiptsState;
  events: readonly ReceiptsEvent[];
  outcomes: readonly Outcome[];
}>;

export const simulate = (
  commands: readonly ReceiptsCommand[],
  from: ReceiptsState = initialReceiptsState,
): Simulation => {
  let state = from;
  const events: ReceiptsEvent[] = [];
  const outcomes: Outcome[] = [];
  for (const command of commands) {
    const result = receiptsDecider.decide(command, state);
    outcomes.push({ command, result });
    if (E.isRight(result)) {
      state = applyEvents(receiptsDecider, state, result.right);
      events.push(...result.right);
    }
  }
  return { state, events, outcomes };
};
