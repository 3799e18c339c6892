import fc from 'fast-check';
import { produce, type Draft } from 'immer';
import { describe, expect, it } from 'vitest';
import { mutableCopy } from './frozen-copy.js';
import { createLiveModel } from './live-model.js';

/**
 * Issue 18: a projection worker folds its model in place. The law: after
 * every fold the view equals what one immer `produce` per fold gives, every
 * value in a top-level record is frozen, a snapshot a reader kept never
 * changes, and a fold that throws changes nothing.
 */

type Line = { sku: string; qty: number };
type Order = { status: string; lines: Line[] };
type Model = {
  orders: Record<string, Order>;
  counters: Record<string, number>;
  list: string[];
  total: number;
  extra?: Record<string, { note: string }>;
};

const initial: Model = { orders: {}, counters: {}, list: [], total: 0 };

type Op =
  | { op: 'upsert'; id: string }
  | { op: 'line'; id: string; sku: string; qty: number }
  | { op: 'status'; id: string; status: string }
  | { op: 'remove'; id: string }
  | { op: 'count'; key: string; by: number }
  | { op: 'push'; item: string }
  | { op: 'total'; by: number }
  | { op: 'resetCounters' }
  | { op: 'extra'; key: string; note: string }
  | { op: 'dropExtra' }
  | { op: 'touchAll'; status: string }
  | { op: 'copyOrder'; from: string; to: string }
  | { op: 'throw' };

const id = fc.constantFrom('o-1', 'o-2', 'o-3', 'constructor');
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('upsert' as const), id }),
  fc.record({
    op: fc.constant('line' as const),
    id,
    sku: fc.constantFrom('a', 'b'),
    qty: fc.integer({ min: 1, max: 9 }),
  }),
  fc.record({ op: fc.constant('status' as const), id, status: fc.constantFrom('paid', 'shipped') }),
  fc.record({ op: fc.constant('remove' as const), id }),
  fc.record({ op: fc.constant('count' as const), key: fc.constantFrom('x', 'y'), by: fc.integer({ min: 1, max: 5 }) }),
  fc.record({ op: fc.constant('push' as const), item: fc.string({ maxLength: 3 }) }),
  fc.record({ op: fc.constant('total' as const), by: fc.integer({ min: -5, max: 5 }) }),
  fc.constant({ op: 'resetCounters' as const }),
  fc.record({ op: fc.constant('extra' as const), key: fc.constantFrom('k', 'l'), note: fc.string({ maxLength: 3 }) }),
  fc.constant({ op: 'dropExtra' as const }),
  fc.record({ op: fc.constant('touchAll' as const), status: fc.constantFrom('seen', 'archived') }),
  fc.record({ op: fc.constant('copyOrder' as const), from: id, to: id }),
  fc.constant({ op: 'throw' as const }),
);

/** The same recipe runs on an immer draft and on the live model. */
const apply = (model: Draft<Model>, op: Op): void => {
  switch (op.op) {
    case 'upsert':
      if (!Object.hasOwn(model.orders, op.id)) model.orders[op.id] = { status: 'new', lines: [] };
      return;
    case 'line': {
      const order = Object.hasOwn(model.orders, op.id) ? model.orders[op.id] : undefined;
      order?.lines.push({ sku: op.sku, qty: op.qty });
      return;
    }
    case 'status': {
      const order = Object.hasOwn(model.orders, op.id) ? model.orders[op.id] : undefined;
      if (order !== undefined) order.status = op.status;
      return;
    }
    case 'remove':
      delete model.orders[op.id];
      return;
    case 'count':
      model.counters[op.key] = (model.counters[op.key] ?? 0) + op.by;
      return;
    case 'push':
      model.list.push(op.item);
      return;
    case 'total':
      model.total += op.by;
      return;
    case 'resetCounters':
      model.counters = {};
      return;
    case 'extra':
      (model.extra ??= {})[op.key] = { note: op.note };
      return;
    case 'dropExtra':
      delete model.extra;
      return;
    case 'touchAll':
      for (const order of Object.values(model.orders)) order.status = op.status;
      return;
    case 'copyOrder': {
      // Stored somewhere else, then changed: the copy must not follow.
      if (!Object.hasOwn(model.orders, op.from) || op.from === op.to) return;
      model.orders[op.to] = model.orders[op.from] as Draft<Order>;
      model.orders[op.to]?.lines.push({ sku: 'copy', qty: 1 });
      return;
    }
    case 'throw':
      throw new Error('evolve failed');
  }
};

const frozenAllTheWay = (value: unknown): boolean =>
  typeof value !== 'object' ||
  value === null ||
  (Object.isFrozen(value) && Object.values(value).every(frozenAllTheWay));

const foldsArb = fc.array(fc.array(opArb, { maxLength: 6 }), { maxLength: 12 });

describe('createLiveModel', () => {
  it('law: each fold leaves the view equal to immer produce, with frozen entries; a throwing fold changes nothing', () => {
    fc.assert(
      fc.property(foldsArb, (folds) => {
        const live = createLiveModel<Model>(initial);
        let expected = initial;
        for (const fold of folds) {
          const recipe = (draft: Draft<Model>) => {
            for (const op of fold) apply(draft, op);
          };
          let threw = false;
          try {
            expected = produce(expected, recipe);
          } catch {
            threw = true;
          }
          const before = JSON.parse(JSON.stringify(live.view())) as unknown;
          if (threw) {
            expect(() => live.update(recipe)).toThrow('evolve failed');
            expect(live.view()).toEqual(before);
          } else live.update(recipe);
          expect(live.view()).toEqual(expected);
          const view = live.view();
          for (const field of ['orders', 'counters', 'extra'] as const)
            for (const entry of Object.values(view[field] ?? {})) expect(frozenAllTheWay(entry)).toBe(true);
          expect(frozenAllTheWay(view.list)).toBe(true);
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('law: an entry a reader kept never changes, whatever later folds do', () => {
    fc.assert(
      fc.property(foldsArb, foldsArb, (first, later) => {
        const live = createLiveModel<Model>(initial);
        const run = (folds: Op[][]) => {
          for (const fold of folds)
            try {
              live.update((draft) => {
                for (const op of fold) apply(draft, op);
              });
            } catch {
              // A throwing fold is rolled back; the law is about the others.
            }
        };
        run(first);
        const kept = Object.entries(live.view().orders);
        const copies = structuredClone(kept);
        run(later);
        expect(kept).toEqual(copies);
      }),
      { numRuns: 500 },
    );
  });

  it('a fold copies only what it touched: every other entry is the same object as before', () => {
    const live = createLiveModel<Model>(initial);
    live.update((draft) => {
      for (let i = 0; i < 1_000; i++) draft.orders[`o-${i}`] = { status: 'new', lines: [] };
    });
    const view = live.view();
    const before = { ...view.orders };
    live.update((draft) => {
      draft.orders['o-7']?.lines.push({ sku: 'a', qty: 1 });
    });
    expect(live.view()).toBe(view);
    for (const [key, entry] of Object.entries(view.orders))
      if (key === 'o-7') expect(entry).not.toBe(before[key]);
      else expect(entry).toBe(before[key]);
    expect(view.orders['o-7']?.lines).toEqual([{ sku: 'a', qty: 1 }]);
  });

  it('keeps the view apart from the private model: writing to a view entry throws, the model is not reached', () => {
    const live = createLiveModel<Model>(initial);
    live.update((draft) => {
      draft.orders['o-1'] = { status: 'new', lines: [] };
    });
    const order = live.view().orders['o-1'] as Order;
    expect(() => order.lines.push({ sku: 'x', qty: 1 })).toThrow(TypeError);
    live.update((draft) => {
      expect(draft.orders['o-1']?.lines).toEqual([]);
    });
  });

  it('mutableCopy copies the view (structuredClone cannot copy its proxies); the copy is plain and writable', () => {
    const live = createLiveModel<Model>(initial);
    live.update((draft) => {
      draft.orders['o-1'] = { status: 'new', lines: [{ sku: 'a', qty: 2 }] };
      draft.total = 3;
    });
    expect(() => structuredClone(live.view())).toThrow();
    const copy = mutableCopy(live.view());
    expect(copy).toEqual({
      orders: { 'o-1': { status: 'new', lines: [{ sku: 'a', qty: 2 }] } },
      counters: {},
      list: [],
      total: 3,
    });
    copy.orders['o-1']?.lines.push({ sku: 'b', qty: 1 });
    expect(live.view().orders['o-1']?.lines).toHaveLength(1);
  });

  it('refuses writes through the view and its records', () => {
    const live = createLiveModel<Model>(initial);
    const view = live.view();
    expect(() => {
      view.total = 9;
    }).toThrow(TypeError);
    expect(() => {
      view.orders['o-9'] = { status: 'new', lines: [] };
    }).toThrow(TypeError);
    expect(() => {
      delete view.counters['x'];
    }).toThrow(TypeError);
    expect(view).toEqual(initial);
  });

  it('folds a model that is not a plain object with produce, as before', () => {
    const live = createLiveModel<string[]>([]);
    const first = live.view();
    live.update((draft) => {
      draft.push('a');
    });
    expect(live.view()).toEqual(['a']);
    expect(first).toEqual([]);
  });
});
