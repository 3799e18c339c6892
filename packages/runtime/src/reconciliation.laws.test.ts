import { project, type Envelope } from '@ordersource/core';
import {
  goodsLeft,
  initialReceiptsState,
  markedShoesPacked,
  openUnassigned,
  reconciliationProjection,
  script,
  simulate,
  sneakers,
  socks,
  type ReceiptsCommand,
  type ReceiptsEvent,
  type ReceiptsState,
  type ReconciliationView,
} from '@ordersource/domain/receipts';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import {
  orderReconciliationOf,
  ordersNeedingAttention,
  shopReconciliationProjection,
  type OrderReconciliation,
  type ReconciliationModel,
} from './reconciliation.js';

/**
 * Issue 9 (PAY-5, REC-7), laws of the shop's reconciliation read model over
 * random receipts histories of two orders (paid, delivered, then refunds
 * with and without goods, some beyond the money received, money paid back,
 * admins' assignments), folded in random batches as the projection worker
 * folds them:
 *
 * 1. the model's rows are the domain's `reconciliationProjection` rows;
 * 2. an order is on the attention list exactly while the decider has money
 *    unassigned or unreceipted, and `since` is when that last began;
 * 3. the view agrees with the decider: its open refunds sum to the money
 *    unassigned, its returnable goods are worth the goods left;
 * 4. the panel's goods are enough: assigning open refunds with the goods the
 *    view offers (and nothing else) closes every one of them.
 */

const RUNS = 1_000;
const ORDERS = ['o-a', 'o-b'] as const;
const composition = [sneakers, socks, markedShoesPacked];
const total = composition.reduce((sum, line) => sum + line.price.amount * line.quantity, 0);
const at = (minute: number): string => new Date(Date.UTC(2026, 10, 1, 10, minute)).toISOString();

type Step =
  | Readonly<{ kind: 'refund'; order: 0 | 1; amount: number }>
  | Readonly<{ kind: 'refund-socks'; order: 0 | 1; qty: number; amount: number }>
  | Readonly<{ kind: 'pay'; order: 0 | 1; amount: number; reverses: boolean }>
  | Readonly<{ kind: 'assign'; order: 0 | 1; pick: number }>;

const order = fc.constantFrom<0 | 1>(0, 1);
const kopecks = fc.integer({ min: 1, max: total + 500_000 });
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('refund' as const), order, amount: kopecks }),
  fc.record({
    kind: fc.constant('refund-socks' as const),
    order,
    qty: fc.integer({ min: 1, max: 2 }),
    amount: fc.integer({ min: 1, max: 150_000 }),
  }),
  fc.record({ kind: fc.constant('pay' as const), order, amount: kopecks, reverses: fc.boolean() }),
  fc.record({ kind: fc.constant('assign' as const), order, pick: fc.nat() }),
);

type World = {
  states: ReceiptsState[];
  envelopes: Envelope<ReceiptsEvent>[];
  minute: number;
};

const envelopeOf = (orderId: string, event: ReceiptsEvent, occurredAt: string, n: number): Envelope<ReceiptsEvent> => ({
  event,
  eventId: `e-${n}`,
  streamId: `receipts-${orderId}`,
  streamVersion: n,
  globalPosition: String(n),
  occurredAt,
  recordedAt: occurredAt,
  actor: { kind: 'system', id: 'law' },
  schemaVersion: 1,
});

/** Decide one command on one order; its events go to the log at the command's time. */
const run = (world: World, index: 0 | 1, command: (minute: string) => ReceiptsCommand): boolean => {
  const time = at(++world.minute);
  const outcome = simulate([command(time)], world.states[index]);
  world.states[index] = outcome.state;
  for (const event of outcome.events)
    world.envelopes.push(envelopeOf(ORDERS[index], event, time, world.envelopes.length));
  return outcome.outcomes.every((o) => E.isRight(o.result));
};

/** The goods an admin ticks on the panel: units of the view's positions worth at most `left`, else one unit. */
const pickGoods = (view: OrderReconciliation, left: number, from: number) => {
  const units = view.returnable
    .flatMap((g) =>
      Array.from({ length: g.quantity }, (_, i) => ({
        lineId: g.lineId,
        price: g.price.amount,
        code: g.markingCodes?.[i],
      })),
    )
    .filter((u) => u.price > 0);
  if (units.length === 0) return [];
  const rotated = [...units.slice(from % units.length), ...units.slice(0, from % units.length)];
  const chosen: typeof units = [];
  let value = 0;
  for (const unit of rotated)
    if (value + unit.price <= left) {
      chosen.push(unit);
      value += unit.price;
    }
  const named = chosen.length > 0 ? chosen : [rotated[0]!];
  const byLine = new Map<string, { qty: number; codes: string[] }>();
  for (const unit of named) {
    const entry = byLine.get(unit.lineId) ?? { qty: 0, codes: [] };
    entry.qty += 1;
    if (unit.code !== undefined) entry.codes.push(unit.code);
    byLine.set(unit.lineId, entry);
  }
  return [...byLine].map(([lineId, { qty, codes }]) => ({
    lineId,
    qty,
    ...(codes.length === 0 ? {} : { markingCodes: codes }),
  }));
};

const modelOf = (world: World, cuts: readonly number[]): ReconciliationModel => {
  let model = shopReconciliationProjection.initialState;
  let from = 0;
  for (const cut of [...cuts, world.envelopes.length]) {
    const to = Math.min(Math.max(cut, from), world.envelopes.length);
    model = project(shopReconciliationProjection, world.envelopes.slice(from, to), model);
    from = to;
  }
  return model;
};

const viewOf = (world: World, model: ReconciliationModel, index: 0 | 1): OrderReconciliation | undefined => {
  const entry = model.byOrder[ORDERS[index]];
  return entry === undefined ? undefined : orderReconciliationOf(entry, model, world.states[index]!);
};

const admin = (index: 0 | 1) => script(ORDERS[index], { kind: 'admin', id: 'ann' });

const play = (steps: readonly Step[]): World => {
  const world: World = { states: [initialReceiptsState, initialReceiptsState], envelopes: [], minute: 0 };
  for (const index of [0, 1] as const) {
    const s = script(ORDERS[index]);
    run(world, index, (time) => s.compose(time, 'placed', composition));
    run(world, index, (time) => s.pay(time, 'pay-1', { amount: total, currency: 'RUB' }));
    run(world, index, (time) => s.handover(time, 'delivered', 'delivered'));
  }
  steps.forEach((step, n) => {
    const s = script(ORDERS[step.order]);
    const state = world.states[step.order]!;
    switch (step.kind) {
      case 'refund':
        run(world, step.order, (time) => s.refund(time, `r-${n}`, { amount: step.amount, currency: 'RUB' }));
        return;
      case 'refund-socks':
        run(world, step.order, (time) =>
          s.refund(time, `r-${n}`, { amount: step.amount, currency: 'RUB' }, [
            { lineId: socks.lineId, quantity: step.qty },
          ]),
        );
        return;
      case 'pay': {
        // Money comes back: sometimes the provider reversing a refund recorded unassigned.
        const open = Object.keys(state.unassignedRefunds ?? {})[0];
        run(world, step.order, (time) => {
          const paid = s.pay(time, `p-${n}`, { amount: step.amount, currency: 'RUB' });
          return step.reverses && open !== undefined ? { ...paid, data: { ...paid.data, reverses: open } } : paid;
        });
        return;
      }
      case 'assign': {
        const model = modelOf(world, []);
        const view = viewOf(world, model, step.order);
        const refund = view?.openRefunds[step.pick % Math.max(1, view.openRefunds.length)];
        if (view === undefined || refund === undefined) return;
        const lines = pickGoods(view, refund.amount.amount, step.pick);
        if (lines.length > 0)
          run(world, step.order, (time) => admin(step.order).assignGoods(time, refund.movementId, lines));
        return;
      }
    }
  });
  return world;
};

const historyArb = fc.record({
  steps: fc.array(stepArb, { minLength: 1, maxLength: 8 }),
  cuts: fc.array(fc.nat({ max: 40 }), { maxLength: 4 }).map((cuts) => [...cuts].sort((a, b) => a - b)),
});

/** The domain projection alone, folded without batches. */
const domainRows = (world: World): ReconciliationView => project(reconciliationProjection, world.envelopes);

/**
 * When each order's current stretch of needing attention began: after each of
 * its events, whether money is unassigned or unreceipted (the domain's rows);
 * `since` is the time of the first event of the trailing run of such events.
 */
const streakStarts = (world: World): Record<string, string> => {
  const flags: Record<string, { at: string; open: boolean }[]> = {};
  let view: ReconciliationView = {};
  for (const envelope of world.envelopes) {
    view = project(reconciliationProjection, [envelope], view);
    const orderId = envelope.streamId.slice('receipts-'.length);
    const entry = view[orderId];
    (flags[orderId] ??= []).push({
      at: envelope.occurredAt,
      open: entry !== undefined && (entry.unassignedRefund > 0 || entry.unreceiptedRefund > 0),
    });
  }
  const starts: Record<string, string> = {};
  for (const [orderId, list] of Object.entries(flags)) {
    let first = list.length;
    while (first > 0 && list[first - 1]!.open) first--;
    if (first < list.length) starts[orderId] = list[first]!.at;
  }
  return starts;
};

describe('issue 9: laws of the reconciliation read model (PAY-5, REC-7)', () => {
  it(`PAY-5/REC-7: the model is the domain's reconciliation in any batching; attention and since follow the decider (${RUNS} runs)`, () => {
    let attended = 0;
    let unreceipted = 0;
    fc.assert(
      fc.property(historyArb, ({ steps, cuts }) => {
        const world = play(steps);
        const model = modelOf(world, cuts);
        expect(model.byOrder).toEqual(domainRows(world));
        expect(model.attentionSince).toEqual(streakStarts(world));
        for (const index of [0, 1] as const) {
          const state = world.states[index]!;
          const open = openUnassigned(state) + (state.unreceiptedRefund ?? 0) > 0;
          const view = viewOf(world, model, index);
          expect(view?.needsAttention).toBe(open);
          expect(ordersNeedingAttention(model).some((a) => a.orderId === ORDERS[index])).toBe(open);
          expect(view?.openRefunds.reduce((sum, r) => sum + r.amount.amount, 0)).toBe(openUnassigned(state));
          expect(view?.unreceiptedRefund).toBe(state.unreceiptedRefund ?? 0);
          if (openUnassigned(state) > 0)
            expect(view?.returnable.reduce((sum, g) => sum + g.price.amount * g.quantity, 0)).toBe(goodsLeft(state));
          if (open) attended++;
          if ((state.unreceiptedRefund ?? 0) > 0) unreceipted++;
        }
      }),
      { numRuns: RUNS, seed: 2026_12_03 },
    );
    // The generator reaches both kinds of attention often.
    expect(attended).toBeGreaterThan(RUNS / 4);
    expect(unreceipted).toBeGreaterThan(RUNS / 20);
  });

  it(`PAY-5/REC-7: the goods the view offers are enough: assigning with them alone closes every open refund (${RUNS} runs)`, () => {
    let closedSome = 0;
    fc.assert(
      fc.property(historyArb, ({ steps }) => {
        const world = play(steps);
        for (const index of [0, 1] as const) {
          for (let guard = 0; guard < 40; guard++) {
            const view = viewOf(world, modelOf(world, []), index);
            const refund = view?.openRefunds[0];
            if (view === undefined || refund === undefined) break;
            const lines = pickGoods(view, refund.amount.amount, guard);
            expect(lines.length, `order ${ORDERS[index]}: goods offered for ${refund.movementId}`).toBeGreaterThan(0);
            expect(run(world, index, (time) => admin(index).assignGoods(time, refund.movementId, lines))).toBe(true);
            closedSome++;
          }
          const after = viewOf(world, modelOf(world, []), index);
          expect(after?.openRefunds).toEqual([]);
          expect(after?.unassignedRefund).toBe(0);
          expect(openUnassigned(world.states[index]!)).toBe(0);
        }
      }),
      { numRuns: RUNS, seed: 2026_12_04 },
    );
    expect(closedSome).toBeGreaterThan(RUNS / 4);
  });
});
