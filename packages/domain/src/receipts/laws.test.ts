import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { ReceiptsCommand } from './commands.js';
import { isClosingKind, isPrepaymentKind, type VatCode } from './kinds.js';
import type { CloseOn, ReceiptLine } from './model.js';
import { reconcile, type ReconciliationView } from './projections.js';
import { newMoneyOf, signedMoneyOf, type Receipt } from './receipt.js';
import { script } from './script.js';
import { simulate } from './simulate.js';
import { isPartialSettlement } from './policy.js';
import {
  closingDateOf,
  goodsTotal,
  isClosed,
  initialReceiptsState,
  openLines,
  openUnassigned,
  type ReceiptsState,
} from './state.js';
import { assignOpenRefunds } from './test-support/assign.js';

/**
 * Laws over random order histories (payments, edits, handovers, refunds,
 * replays of the same movement). Steps are drawn abstractly (a fraction of
 * what is owed, a line index) and resolved against the state as it goes,
 * so most of them are meaningful.
 */

const RUNS = 1000;
const AT = (i: number): string => new Date(Date.UTC(2026, 10, 1, 8, i)).toISOString();

/** One marking code per unit of a line (REC-6): distinct across the order. */
const codesOf = (lineId: string, quantity: number): string[] =>
  Array.from({ length: quantity }, (_, u) => `0104600439931256215${lineId}u${u}\u001d91EE06`);

/** Units per line of a receipt's positions (a marked line has one position per unit, REC-6). */
const unitsPerLine = (items: readonly { lineId?: string; quantity: number }[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const item of items) if (item.lineId !== undefined) out[item.lineId] = (out[item.lineId] ?? 0) + item.quantity;
  return out;
};

const lineArb = (i: number): fc.Arbitrary<ReceiptLine> =>
  fc
    .record({
      quantity: fc.integer({ min: 1, max: 5 }),
      price: fc.integer({ min: 0, max: 500_000 }),
      vat: fc.constantFrom<VatCode>('vat20', 'vat10', 'vat0', 'none', 'vat22'),
      kind: fc.constantFrom<ReceiptLine['kind']>('physical', 'physical', 'digital', 'service'),
      marked: fc.boolean(),
    })
    // Marked goods are physical only (REC-6: the order refuses a marked digital or service line).
    .map(({ quantity, price, vat, kind, marked: drawn }) => ({
      quantity,
      price,
      vat,
      kind,
      marked: drawn && kind === 'physical',
    }))
    .map(({ quantity, price, vat, kind, marked }) => ({
      lineId: `l-${i}`,
      name: `Товар ${i}`,
      quantity,
      unit: 'шт',
      price: { amount: price, currency: 'RUB' },
      vat,
      subject: marked ? 'marked-goods' : kind === 'service' ? 'service' : 'goods',
      kind,
      ...(marked ? { markingCodes: codesOf(`l-${i}`, quantity) } : {}),
    }));

type Step =
  | {
      kind: 'pay';
      mode: 'exact' | 'rest' | 'part';
      fraction: number;
      channel: 'online' | 'transfer' | 'courier' | 'store';
      cash: boolean;
    }
  | { kind: 'edit'; op: 'add' | 'remove' | 'qty'; index: number; qty: number }
  | { kind: 'refund'; fraction: number; withLines: boolean; index: number; qty: number; over: boolean }
  | { kind: 'handover'; stage: 'shipped' | 'delivered' }
  | { kind: 'date' }
  | { kind: 'replay' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('pay' as const),
      mode: fc.constantFrom('exact' as const, 'rest' as const, 'part' as const),
      fraction: fc.double({ min: 0, max: 1, noNaN: true }),
      channel: fc.constantFrom(
        'online' as const,
        'online' as const,
        'transfer' as const,
        'courier' as const,
        'store' as const,
      ),
      cash: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('edit' as const),
      op: fc.constantFrom('add' as const, 'remove' as const, 'qty' as const),
      index: fc.nat(10),
      qty: fc.integer({ min: 1, max: 4 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('refund' as const),
      fraction: fc.oneof(fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })),
      withLines: fc.boolean(),
      index: fc.nat(10),
      qty: fc.integer({ min: 1, max: 3 }),
      // Issue 9: a provider that gives back more than the order took in (refunded twice, on top of a chargeback).
      over: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('handover' as const),
      stage: fc.constantFrom('shipped' as const, 'delivered' as const),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'date' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'replay' as const }) },
);

const DATE = AT(30);
const closeOnArb: fc.Arbitrary<CloseOn> = fc.constantFrom<CloseOn>(
  { trigger: 'shipment' },
  { trigger: 'delivery' },
  { trigger: 'date', at: DATE },
);

const historyArb = fc.record({
  lines: fc.integer({ min: 1, max: 4 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => lineArb(i)))),
  extra: fc.array(lineArb(9), { maxLength: 1 }),
  closeOn: closeOnArb,
  digital: fc.boolean(),
  steps: fc.array(stepArb, { minLength: 1, maxLength: 14 }),
});

type History = {
  commands: ReceiptsCommand[];
  acceptedCommands: ReceiptsCommand[];
  final: ReceiptsState;
  accepted: { payments: number; refunds: number };
};

const rub = (amount: number) => ({ amount, currency: 'RUB' });

/** Resolve abstract steps against the evolving state; returns every command tried. */
type HistoryInput = typeof historyArb extends fc.Arbitrary<infer T> ? T : never;

/** Must the goods have been settled by the end of this history (REC-5, REC-8)? */
const mustBeClosed = (h: HistoryInput): boolean => {
  let handedOver = false;
  for (const step of h.steps) {
    if (step.kind === 'handover') {
      if (h.closeOn.trigger === 'shipment' || (h.closeOn.trigger === 'delivery' && step.stage === 'delivered'))
        return true;
      handedOver = true;
    }
    if (step.kind === 'date' && h.closeOn.trigger === 'date' && handedOver) return true;
  }
  return false;
};

const play = (h: HistoryInput): History => {
  const s = script('law');
  let state = initialReceiptsState;
  const commands: ReceiptsCommand[] = [];
  const acceptedCommands: ReceiptsCommand[] = [];
  let minute = 0;
  let paid = 0;
  let refunded = 0;
  let last: ReceiptsCommand | undefined;
  const apply = (command: ReceiptsCommand): boolean => {
    commands.push(command);
    const next = simulate([command], state);
    const outcome = next.outcomes[0]!.result;
    const ok = E.isRight(outcome);
    // A closing-date tick that found nothing due may legitimately close later: only effective commands count.
    if (ok && outcome.right.length > 0) acceptedCommands.push(command);
    state = next.state;
    return ok;
  };
  apply(s.configure(AT(minute++), { closeOn: h.closeOn, digitalSettlesOnPayment: h.digital }));
  apply(s.compose(AT(minute++), 'placed', h.lines));
  let lines: ReceiptLine[] = [...h.lines];
  let extraUsed = false;
  h.steps.forEach((step, i) => {
    const at = AT(minute++);
    const goods = goodsTotal(state.lines);
    const net = state.received - state.returned;
    switch (step.kind) {
      case 'pay': {
        const owed = Math.max(0, goods - net);
        const amount =
          step.mode === 'exact' ? goods : step.mode === 'rest' ? owed : Math.floor(step.fraction * Math.max(goods, 1));
        if (amount <= 0) return;
        const command = s.pay(at, `p-${i}`, rub(amount), {
          means: step.cash ? 'cash' : 'electronic',
          channel: step.channel,
        });
        last = command;
        if (apply(command)) paid += amount;
        return;
      }
      case 'edit': {
        if (step.op === 'add' && !extraUsed && h.extra[0] !== undefined) {
          lines = [...lines, h.extra[0]];
          extraUsed = true;
        } else if (step.op === 'remove' && lines.length > 1) {
          // The order refuses to remove a line with units returned (`line-returned`, PAY-5).
          const target = lines[step.index % lines.length]!;
          if ((state.returnedQuantities[target.lineId] ?? 0) > 0) return;
          lines = lines.filter((_, j) => j !== step.index % lines.length);
        } else
          lines = lines.map((line, j) => {
            if (j !== step.index % lines.length) return line;
            // The order refuses a quantity below the units already returned (`line-returned`, PAY-5).
            const quantity = Math.max(step.qty, state.returnedQuantities[line.lineId] ?? 0);
            return {
              ...line,
              quantity,
              // REC-6: one code per unit, so a new quantity comes with its codes.
              ...(line.markingCodes === undefined ? {} : { markingCodes: codesOf(line.lineId, quantity) }),
            };
          });
        apply(s.compose(at, `edit-${i}`, lines));
        return;
      }
      case 'refund': {
        // Issue 9: an over-refund is a fact too; the part beyond the money received is recorded, not receipted.
        const extra = step.over && step.index % 2 === 0 ? 1 + Math.floor(step.fraction * 100_000) : 0;
        if (step.withLines) {
          // Goods come back, before the closing receipt too (the order stream sends them whenever the
          // shop names them); an odd index adds one unit of the next line.
          const n = state.lines.length;
          const picks = [{ line: state.lines[step.index % n]!, qty: step.qty }];
          if (step.index % 2 === 1 && n > 1) picks.push({ line: state.lines[(step.index + 1) % n]!, qty: 1 });
          const returned = picks
            .map(({ line, qty }) => ({
              line,
              quantity: Math.min(qty, line.quantity - (state.returnedQuantities[line.lineId] ?? 0)),
            }))
            .filter(({ quantity }) => quantity > 0);
          const amount = returned.reduce((sum, { line, quantity }) => sum + line.price.amount * quantity, 0);
          if (amount <= 0) return;
          // REC-6: marked units come back by their codes, each at most once.
          const lines = returned.map(({ line, quantity }) => {
            const back = state.returnedCodes?.[line.lineId] ?? [];
            // Sometimes a unit already returned is offered again: the policy must refuse it.
            const offered = step.index % 3 === 0 ? [...back, ...(line.markingCodes ?? [])] : (line.markingCodes ?? []);
            const codes = [...new Set(offered)].filter((code) => step.index % 3 === 0 || !back.includes(code));
            return {
              lineId: line.lineId,
              quantity,
              ...(line.markingCodes === undefined ? {} : { markingCodes: codes.slice(0, quantity) }),
            };
          });
          if (apply(s.refund(at, `r-${i}`, rub(amount + extra), lines))) refunded += amount + extra;
          return;
        }
        const amount = Math.floor(step.fraction * net) + extra;
        if (amount <= 0) return;
        if (apply(s.refund(at, `r-${i}`, rub(amount)))) refunded += amount;
        return;
      }
      case 'handover':
        apply(s.handover(at, `h-${i}`, step.stage));
        return;
      case 'date':
        apply(s.dateReached(DATE, DATE));
        return;
      case 'replay':
        // The policy runs again on a movement it already receipted: a new command id, the same movement.
        if (last !== undefined)
          expect(apply({ ...last, metadata: { ...last.metadata, commandId: `replay-${i}` } })).toBe(false);
        return;
    }
  });
  return { commands, acceptedCommands, final: state, accepted: { payments: paid, refunds: refunded } };
};

const receiptsOf = (state: ReceiptsState): Receipt[] => state.issued.map((id) => state.receipts[id]!.receipt);

describe(`receipts laws over ${RUNS} random order histories`, () => {
  it('REC-1/REC-7 law: income receipts minus income-return receipts equal the net money received, over-refunds included (issue 9)', () => {
    let over = 0;
    let repaid = 0;
    let unassignedSeen = 0;
    let stillOpen = 0;
    fc.assert(
      fc.property(historyArb, (h) => {
        const { final, accepted, commands } = play(h);
        const receipts = receiptsOf(final);
        const signed = receipts.reduce((sum, receipt) => sum + signedMoneyOf(receipt), 0);
        // Every refund is accepted (a fact): what no return receipt may cover is unreceipted, until money puts it right.
        const unreceipted = final.unreceiptedRefund ?? 0;
        expect(unreceipted).toBeGreaterThanOrEqual(0);
        // Issue 9: refunds after the closing receipt naming no goods wait for an admin to name them, counted apart.
        const unassigned = openUnassigned(final);
        expect(signed - unreceipted - unassigned).toBe(accepted.payments - accepted.refunds);
        expect(final.received - final.returned - unreceipted - unassigned).toBe(accepted.payments - accepted.refunds);
        // Once every one is assigned its goods, the receipts balance the money with no unassigned part.
        const assigned = assignOpenRefunds(final, '2026-12-31T00:00:00Z');
        expect(assigned.outcomes.filter((o) => E.isLeft(o.result))).toEqual([]);
        const signedAfter = receiptsOf(assigned.state).reduce((sum, receipt) => sum + signedMoneyOf(receipt), 0);
        expect(signedAfter - (assigned.state.unreceiptedRefund ?? 0)).toBe(
          accepted.payments - accepted.refunds + openUnassigned(assigned.state),
        );
        if (unassigned > 0) unassignedSeen += 1;
        if (unassigned > 0 && openUnassigned(assigned.state) > 0) stillOpen += 1;
        // A refund is refused only when it is not new (the same movement again) or names goods that cannot be.
        const events = simulate(commands).events;
        if (events.some((e) => e.type === 'RefundBeyondReceipts')) over += 1;
        if (events.some((e) => e.type === 'UnreceiptedRefundRepaid')) repaid += 1;
        // The reconciliation view agrees with the decider's account.
        const view: ReconciliationView = {};
        for (const receipt of receipts) reconcile(view, receipt);
        const entry = view['law'];
        if (entry !== undefined) {
          expect(entry.moneyReceived - entry.moneyReturned).toBe(signed);
          expect(entry.advancesNotOffset).toBe(final.outstanding.reduce((sum, o) => sum + o.remaining, 0));
          expect(entry.credit).toBe(final.credit);
        }
      }),
      { numRuns: RUNS, seed: 2026_12_02 },
    );
    // Not vacuous: over-refunds, and money that put them right, in many histories.
    expect(over).toBeGreaterThan(RUNS / 10);
    expect(repaid).toBeGreaterThan(RUNS / 50);
    // Issue 9: refunds recorded unassigned in many histories, always assigned in full.
    expect(unassignedSeen).toBeGreaterThan(RUNS / 20);
    expect(stillOpen).toBe(0);
  });

  it('REC-5 law: every advance and prepayment is offset by exactly one closing receipt once the goods are handed over', () => {
    fc.assert(
      fc.property(historyArb, (h) => {
        const { final } = play(h);
        const receipts = receiptsOf(final);
        const closings = receipts.filter(
          (receipt) => receipt.operation === 'income' && isClosingKind(receipt.kind) && !isPartialSettlement(receipt),
        );
        expect(closings.length).toBeLessThanOrEqual(1);
        const closing = closings[0];
        // Handed over at the configured moment: the order must be closed, unless nothing was left
        // to settle (every unit came back before, or was settled at payment: REC-4, REC-8), or goods
        // came back into the composition after that, and the timer closes it now (due.ts).
        if (mustBeClosed(h) && closing === undefined)
          expect(openLines(final).length === 0 || closingDateOf(final) !== undefined).toBe(true);
        if (closing === undefined) return;
        const index = receipts.indexOf(closing);
        const before = receipts.slice(0, index);
        const prepaid = before.filter((receipt) => receipt.operation === 'income' && isPrepaymentKind(receipt.kind));
        const remaining = new Map<string, number>(prepaid.map((receipt) => [receipt.receiptId, receipt.total.amount]));
        for (const receipt of before)
          for (const offset of receipt.offsets)
            remaining.set(offset.receiptId, (remaining.get(offset.receiptId) ?? 0) - offset.amount.amount);
        const offsets = new Map<string, number>();
        for (const offset of closing.offsets) {
          expect(offsets.has(offset.receiptId)).toBe(false);
          offsets.set(offset.receiptId, offset.amount.amount);
        }
        const open = [...remaining.values()].reduce((sum, amount) => sum + amount, 0);
        const direct = closing.payments.cash.amount + closing.payments.electronic.amount;
        if (open <= closing.total.amount - direct)
          for (const [receiptId, amount] of remaining) expect(offsets.get(receiptId) ?? 0).toBe(amount);
        else expect(closing.payments.prepayment.amount).toBe(closing.total.amount - direct);
        // Nothing offset twice across all receipts, never more than it held.
        const used = new Map<string, number>();
        for (const receipt of receipts)
          for (const offset of receipt.offsets)
            used.set(offset.receiptId, (used.get(offset.receiptId) ?? 0) + offset.amount.amount);
        for (const [receiptId, amount] of used)
          expect(amount).toBeLessThanOrEqual(final.receipts[receiptId]!.receipt.total.amount);
      }),
      { numRuns: RUNS },
    );
  });

  it('REC-1 law: no receipt is issued twice for one money movement, even if the policy runs twice', () => {
    fc.assert(
      fc.property(historyArb, (h) => {
        const { commands, acceptedCommands, final } = play(h);
        const receipts = receiptsOf(final);
        expect(new Set(receipts.map((receipt) => receipt.receiptId)).size).toBe(receipts.length);
        // Each cause's receipts have distinct roles; an income movement yields at most two receipts.
        for (const ids of Object.values(final.causes)) expect(ids.length).toBeLessThanOrEqual(2);
        // Running the whole history again yields the very same receipts (ids derived, never random).
        expect(receiptsOf(simulate(commands).state)).toEqual(receipts);
        // And feeding every accepted command a second time on top issues nothing new.
        const twice = simulate(
          acceptedCommands.map((command, i) => ({
            ...command,
            metadata: { ...command.metadata, commandId: `again-${i}` },
          })),
          final,
        );
        expect(twice.state.issued).toEqual(final.issued);
      }),
      { numRuns: RUNS },
    );
  });

  it('REC-5/ORD-9 law: after the closing receipt the composition never changes', () => {
    fc.assert(
      fc.property(historyArb, (h) => {
        const { commands } = play(h);
        let state = initialReceiptsState;
        let frozen: string | undefined;
        for (const command of commands) {
          const next = simulate([command], state);
          if (isClosed(state)) {
            expect(JSON.stringify(next.state.lines)).toBe(frozen);
            if (command.type === 'RecordComposition') expect(E.isLeft(next.outcomes[0]!.result)).toBe(true);
          }
          state = next.state;
          if (isClosed(state) && frozen === undefined) {
            frozen = JSON.stringify(state.lines);
            // The composition as it stands, without what came back or was settled before (REC-4, REC-8).
            const closing = state.receipts[state.closingReceiptId!]!.receipt;
            // Per line: a marked line is one position per unit (REC-6), the others one position.
            expect(Object.entries(unitsPerLine(closing.items))).toEqual(
              openLines(state).map((line) => [line.lineId, line.quantity]),
            );
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("REC-3 law: a full-prepayment receipt's items always total its amount, and it lists the composition of its time", () => {
    fc.assert(
      fc.property(historyArb, (h) => {
        const { final } = play(h);
        for (const receipt of receiptsOf(final)) {
          const itemsTotal = receipt.items.reduce((sum, item) => sum + item.amount.amount, 0);
          expect(itemsTotal).toBe(receipt.total.amount);
          if (receipt.kind === 'prepayment' && receipt.operation === 'income') {
            expect(receipt.payments.cash.amount + receipt.payments.electronic.amount).toBe(receipt.total.amount);
            expect(receipt.items.every((item) => item.paymentMethod === 1 && item.lineId !== undefined)).toBe(true);
          }
          if (receipt.kind === 'advance') expect(receipt.items).toHaveLength(1);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('returns of goods (REC-7)', () => {
  it('REC-7 law: returns after settlement list goods worth their money and never more of a position than was settled', () => {
    fc.assert(
      fc.property(historyArb, (h) => {
        const { final } = play(h);
        const receipts = receiptsOf(final);
        // Settled: by the closing receipt, and by a partial settlement at payment (REC-4, a mixed order's digital lines).
        const settling = receipts.filter((receipt) => receipt.operation === 'income' && isClosingKind(receipt.kind));
        const closing = settling[0];
        const sold = new Map<string | undefined, number>();
        for (const receipt of settling)
          for (const [lineId, quantity] of Object.entries(unitsPerLine(receipt.items)))
            sold.set(lineId, (sold.get(lineId) ?? 0) + quantity);
        const returned = new Map<string | undefined, number>();
        for (const receipt of receipts) {
          if (receipt.operation !== 'income-return' || receipt.kind !== 'full-settlement') continue;
          expect(closing).toBeDefined();
          expect(newMoneyOf(receipt)).toBe(receipt.total.amount);
          for (const item of receipt.items) returned.set(item.lineId, (returned.get(item.lineId) ?? 0) + item.quantity);
        }
        for (const [lineId, quantity] of returned) expect(quantity).toBeLessThanOrEqual(sold.get(lineId ?? '') ?? 0);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('marked goods (REC-6, issue 9.5)', () => {
  it('REC-6 law: every marked unit appears in exactly one closing position, with its code, and in at most one return', () => {
    let markedClosings = 0;
    let markedReturns = 0;
    fc.assert(
      fc.property(historyArb, (h) => {
        const { final } = play(h);
        const receipts = receiptsOf(final);
        // Settling receipts: the closing one and a mixed order's partial one at payment (REC-4, digital lines only).
        const settling = receipts.filter((receipt) => receipt.operation === 'income' && isClosingKind(receipt.kind));
        if (!settling.some((receipt) => !isPartialSettlement(receipt))) return;
        const marked = final.lines.filter((line) => line.subject === 'marked-goods');
        const settled = settling.flatMap((receipt) => receipt.items.filter((item) => item.subject === 'marked-goods'));
        // One position per unit: quantity 1, its own code.
        for (const item of settled) expect([item.quantity, item.markingCode !== undefined]).toEqual([1, true]);
        const codes = settled.map((item) => item.markingCode!);
        // A code comes back at most once, and only a code the closing settled, at the price it was settled at.
        const back = receipts
          .filter((receipt) => receipt.operation === 'income-return' && receipt.kind === 'full-settlement')
          .flatMap((receipt) => receipt.items.filter((item) => item.markingCode !== undefined));
        expect(new Set(back.map((item) => item.markingCode)).size).toBe(back.length);
        // Every code of the composition exactly once: settled, or returned before the closing receipt (REC-8).
        const after = new Set(back.map((item) => item.markingCode));
        const before = Object.values(final.returnedCodes ?? {})
          .flat()
          .filter((code) => !after.has(code));
        expect([...codes, ...before].sort()).toEqual(marked.flatMap((line) => line.markingCodes ?? []).sort());
        if (codes.length > 0) markedClosings++;
        // Issue 9: a refund that gave back less than its goods are worth prices them pro rata, never above.
        const proRated = new Set(
          receipts
            .filter((receipt) => receipt.operation === 'income-return' && receipt.kind === 'full-settlement')
            .filter(
              (receipt) =>
                receipt.total.amount <
                receipt.items.reduce(
                  (sum, item) =>
                    sum + (final.lines.find((line) => line.lineId === item.lineId)?.price.amount ?? 0) * item.quantity,
                  0,
                ),
            )
            .flatMap((receipt) => receipt.items.map((item) => item.markingCode)),
        );
        for (const item of back) {
          const sold = settled.find((candidate) => candidate.markingCode === item.markingCode);
          expect(sold).toBeDefined();
          expect([item.quantity, item.lineId]).toEqual([1, sold!.lineId]);
          if (proRated.has(item.markingCode)) expect(item.amount.amount).toBeLessThanOrEqual(sold!.amount.amount);
          else expect(item.amount).toEqual(sold!.amount);
        }
        markedReturns += back.length;
      }),
      // A fixed seed: the not-vacuous counts below must not depend on a run's luck.
      { numRuns: RUNS, seed: 96 },
    );
    // Not vacuous: marked goods are settled and come back in many histories.
    expect(markedClosings).toBeGreaterThan(RUNS / 5);
    // (RUNS / 25: since issue 9 some of the refunds drawn go beyond the money received, and fewer come back after the closing.)
    expect(markedReturns).toBeGreaterThan(RUNS / 25);
  });
});

describe('the law generator is not vacuous', () => {
  it('REC-1..REC-8: random histories reach every receipt kind, closings, returns of goods and refused edits', () => {
    const seen = new Map<string, number>();
    const bump = (key: string): void => {
      seen.set(key, (seen.get(key) ?? 0) + 1);
    };
    for (const h of fc.sample(historyArb, { numRuns: RUNS, seed: 54 })) {
      const { commands, final } = play(h);
      if (isClosed(final)) bump('closed');
      for (const receipt of receiptsOf(final)) bump(`${receipt.operation}:${receipt.kind}`);
      const refused = simulate(commands).outcomes.filter((outcome) => E.isLeft(outcome.result));
      for (const outcome of refused) if (E.isLeft(outcome.result)) bump(`refused:${outcome.result.left.code}`);
    }
    for (const key of [
      'closed',
      'income:advance',
      'income:prepayment',
      'income:full-settlement',
      'income:partial-settlement-credit',
      'income:credit-handover',
      'income:credit-repayment',
      'income-return:advance',
      'income-return:prepayment',
      'income-return:full-settlement',
      'refused:order-locked',
      'refused:duplicate-movement',
    ])
      expect(seen.get(key) ?? 0, key).toBeGreaterThan(2);
    expect(seen.get('closed')!).toBeGreaterThan(RUNS / 3);
  });
});
