import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { domainError, type Decider } from '@ordersource/core';
import { cartCommandArb } from './fixtures/cart-arbitraries.js';
import { cartDecider } from './fixtures/cart.js';
import { checkDeciderLaws, deciderLawViolation } from './laws.js';

type Cmd = { type: 'add'; sku: string; qty: number } | { type: 'close' };
type Ev = { type: 'added'; line: { sku: string; qty: number } } | { type: 'closed' };
type State = { lines: { sku: string; qty: number }[]; closed: boolean };

const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  fc.record({ type: fc.constant('add' as const), sku: fc.constantFrom('a', 'b'), qty: fc.integer({ min: 1, max: 5 }) }),
  fc.constant({ type: 'close' as const }),
);

/** A correct little decider; the broken ones below each change one thing. */
const good: Decider<Cmd, Ev, State> = {
  initialState: { lines: [], closed: false },
  decide: (command, state) => {
    if (state.closed) return E.left(domainError('closed', 'closed'));
    return command.type === 'add'
      ? E.right([{ type: 'added', line: { sku: command.sku, qty: command.qty } }])
      : E.right([{ type: 'closed' }]);
  },
  evolve: (state, event) => {
    if (event.type === 'closed') {
      state.closed = true;
      return;
    }
    const line = state.lines.find((l) => l.sku === event.line.sku);
    if (line === undefined) state.lines.push({ ...event.line });
    else line.qty += event.line.qty;
  },
  isTerminal: (state) => state.closed,
};

const failure = (run: () => void): string => {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the laws to fail, they held');
};

describe('checkDeciderLaws', () => {
  it('holds for a correct decider and for the cart fixture', () => {
    checkDeciderLaws({ decider: good, commands: cmdArb, numRuns: 200 });
    checkDeciderLaws({ decider: cartDecider, commands: cartCommandArb(), numRuns: 100 });
  });

  it('catches an evolve that stores a frozen payload and changes it later (aliasing)', () => {
    const aliasing: Decider<Cmd, Ev, State> = {
      ...good,
      evolve: (state, event) => {
        if (event.type === 'closed') {
          state.closed = true;
          return;
        }
        const line = state.lines.find((l) => l.sku === event.line.sku);
        if (line === undefined) state.lines.push(event.line);
        else line.qty += event.line.qty;
      },
    };
    const message = failure(() => checkDeciderLaws({ decider: aliasing, commands: cmdArb, numRuns: 200, seed: 1 }));
    expect(message).toContain('evolve threw while rehydrating');
    expect(message).toContain('copy what you store');
  });

  it('catches a decide that throws', () => {
    const throwing: Decider<Cmd, Ev, State> = {
      ...good,
      decide: (command, state) => {
        if (command.type === 'close' && state.lines.length === 0) throw new Error('nothing to close');
        return good.decide(command, state);
      },
    };
    expect(failure(() => checkDeciderLaws({ decider: throwing, commands: cmdArb, seed: 2 }))).toContain('decide threw');
  });

  it('catches events produced from a terminal state', () => {
    const leaky: Decider<Cmd, Ev, State> = {
      ...good,
      decide: (command) =>
        E.right(
          command.type === 'add' ? [{ type: 'added', line: { sku: command.sku, qty: 1 } }] : [{ type: 'closed' }],
        ),
    };
    expect(failure(() => checkDeciderLaws({ decider: leaky, commands: cmdArb, seed: 3 }))).toContain(
      'the state is terminal',
    );
  });

  it('catches an evolve whose result depends on how events are batched', () => {
    let calls = 0;
    const impure: Decider<Cmd, Ev, State> = {
      ...good,
      evolve: (state, event) => {
        calls++;
        good.evolve(state, event);
        if (event.type === 'added' && calls % 3 === 0) state.lines[0]!.qty += 1;
      },
    };
    expect(failure(() => checkDeciderLaws({ decider: impure, commands: cmdArb, seed: 4 }))).toMatch(
      /applyEvents and rehydrate disagree|decide is not deterministic/,
    );
  });

  it('catches a decide that is not deterministic', () => {
    let n = 0;
    const random: Decider<Cmd, Ev, State> = {
      ...good,
      decide: (command, state) => (command.type === 'add' && n++ % 2 === 0 ? E.right([]) : good.decide(command, state)),
    };
    expect(failure(() => checkDeciderLaws({ decider: random, commands: cmdArb, seed: 5 }))).toContain(
      'not deterministic',
    );
  });

  it('catches a Left that is not a DomainError', () => {
    const sloppy: Decider<Cmd, Ev, State> = {
      ...good,
      decide: (command, state) =>
        state.closed ? (E.left('closed') as unknown as E.Either<never, never>) : good.decide(command, state),
    };
    expect(failure(() => checkDeciderLaws({ decider: sloppy, commands: cmdArb, seed: 6 }))).toContain(
      'not a DomainError',
    );
  });

  it('reports a broken invariant by name, with its message', () => {
    const message = failure(() =>
      checkDeciderLaws({
        decider: good,
        commands: cmdArb,
        seed: 7,
        invariants: {
          'at most 8 of a sku': (state) =>
            state.lines.every((l) => l.qty <= 8) || `too many: ${JSON.stringify(state.lines)}`,
        },
      }),
    );
    expect(message).toContain('at most 8 of a sku broken');
    expect(message).toContain('too many:');
  });

  it('commands can be drawn from the current state, and a bug is still found and shrunk', () => {
    const seenStates: State[] = [];
    const aimed = (state: State): fc.Arbitrary<Cmd> => {
      seenStates.push(state);
      return state.lines.length === 0
        ? fc.record({ type: fc.constant('add' as const), sku: fc.constant('a'), qty: fc.integer({ min: 1, max: 5 }) })
        : fc.oneof(
            fc.record({
              type: fc.constant('add' as const),
              sku: fc.constantFrom(...state.lines.map((l) => l.sku)),
              qty: fc.integer({ min: 1, max: 5 }),
            }),
            fc.constant({ type: 'close' as const }),
          );
    };
    checkDeciderLaws({ decider: good, commands: aimed, numRuns: 100 });
    expect(seenStates.some((state) => state.lines.length > 0)).toBe(true);
    const aliasing: Decider<Cmd, Ev, State> = {
      ...good,
      evolve: (state, event) => {
        if (event.type === 'closed') state.closed = true;
        else {
          const line = state.lines.find((l) => l.sku === event.line.sku);
          if (line === undefined) state.lines.push(event.line);
          else line.qty += event.line.qty;
        }
      },
    };
    const message = failure(() => checkDeciderLaws({ decider: aliasing, commands: aimed, numRuns: 100, seed: 8 }));
    expect(message).toContain('evolve threw while rehydrating 2 events');
  });

  it('invariants see the state, the whole history and the step', () => {
    const seen: number[] = [];
    const violation = deciderLawViolation(
      good,
      [{ type: 'add', sku: 'a', qty: 2 }, { type: 'close' }, { type: 'add', sku: 'b', qty: 1 }],
      [
        (state, history, step) => {
          seen.push(step.index);
          if (step.index === 0) return history.length === 1 && step.events.length === 1 && state.lines.length === 1;
          if (step.index === 2) return step.events.length === 0 && history.length === 2 && state.closed;
          return true;
        },
      ],
    );
    expect(violation).toBeUndefined();
    expect(seen).toEqual([0, 1, 2]);
    expect(deciderLawViolation(good, [{ type: 'close' }], [() => false])).toContain('invariant #0 broken');
  });
});
