import { applyEvents } from '@ordersource/core';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { decodeReceiptsCommand } from './commands.js';
import { receiptsDecider } from './decider.js';
import { proRata } from './policy.js';
import { reconcile, reconciliationProjection, type ReconciliationView } from './projections.js';
import type { Receipt, ReceiptItem } from './receipt.js';
import { cap, licence, order7000, rub, sneakers, socks } from './scenarios.js';
import { script } from './script.js';
import { simulate, type Simulation } from './simulate.js';
import { openUnassigned } from './state.js';

/**
 * Issue 9 (PAY-5, REC-1, REC-7): money the way it really moved. After the
 * closing receipt a refund naming no goods is recorded, never refused, until
 * an admin names its goods; goods refunded for less than their value are
 * returned priced pro rata.
 */

const s = script('o-7000');
const admin = script('o-7000', { kind: 'admin', id: 'ann' });
const t = (h: number): string => `2026-11-01T${String(h).padStart(2, '0')}:00:00Z`;

/** 7,000 paid, delivered: the closing receipt is out (scenario `partial-refund-after-settlement` without its refund). */
const closed = simulate([
  s.compose(t(1), 'placed', order7000),
  s.pay(t(2), 'pay-1', rub(7000)),
  s.handover(t(3), 'delivered', 'delivered'),
]).state;

const errorsOf = (run: Simulation): string[] =>
  run.outcomes.flatMap((o) => (E.isLeft(o.result) ? [o.result.left.code] : []));
const receiptsOf = (run: Simulation): Receipt[] => run.state.issued.map((id) => run.state.receipts[id]!.receipt);
const positions = (items: readonly ReceiptItem[]) =>
  items.map((item) => [item.lineId, item.quantity, item.price.amount, item.amount.amount]);

/** The reconciliation view over a run's events (`reconciliationProjection.evolve` is immer-free here). */
const viewOf = (
  run: Simulation,
  from: Simulation = { state: closed, events: [], outcomes: [] },
): ReconciliationView => {
  const view: ReconciliationView = {};
  for (const receipt of receiptsOf(from)) reconcile(view, receipt);
  for (const event of run.events)
    reconciliationProjection.evolve(view, {
      event,
      eventId: 'e',
      streamId: 'receipts-o-7000',
      streamVersion: 0,
      globalPosition: '0',
      occurredAt: t(0),
      recordedAt: t(0),
      actor: { kind: 'system', id: 'test' },
      schemaVersion: 1,
    });
  return view;
};

describe('a refund naming no goods after the closing receipt (issue 9, PAY-5, REC-7)', () => {
  it('REC-7/PAY-5: a dashboard refund of 1,500 is recorded unassigned (no refusal, no guessed receipt), shown to admins, and assigning the socks issues their income return for exactly 1,500', () => {
    const refunded = simulate([s.refund(t(5), 'dash-1', rub(1500))], closed);
    expect(errorsOf(refunded)).toEqual([]);
    expect(refunded.events.map((e) => e.type)).toEqual(['RefundGoodsUnassigned']);
    expect(refunded.events[0]!.data).toEqual({
      orderId: 'o-7000',
      movementId: 'dash-1',
      amount: rub(1500),
      means: 'electronic',
    });
    expect(openUnassigned(refunded.state)).toBe(150_000);
    const view = viewOf(refunded);
    expect(view['o-7000']).toMatchObject({ unassignedRefund: 150_000, unassignedRefunds: { 'dash-1': 150_000 } });

    const assigned = simulate([admin.assignGoods(t(6), 'dash-1', [{ lineId: socks.lineId, qty: 3 }])], refunded.state);
    expect(errorsOf(assigned)).toEqual([]);
    expect(assigned.events.map((e) => e.type)).toEqual(['RefundGoodsAssigned', 'ReceiptIssued']);
    const [back] = receiptsOf(assigned).slice(-1);
    expect([back!.receiptId, back!.kind, back!.operation, back!.paymentMethod, back!.total]).toEqual([
      'o-7000/refund/dash-1/assigned-return-1',
      'full-settlement',
      'income-return',
      4,
      rub(1500),
    ]);
    expect(positions(back!.items)).toEqual([[socks.lineId, 3, 50_000, 150_000]]);
    expect(back!.payments.electronic).toEqual(rub(1500));
    expect(openUnassigned(assigned.state)).toBe(0);
    expect(assigned.state.returnedQuantities[socks.lineId]).toBe(3);
    expect(viewOf(assigned, refunded)['o-7000']).toMatchObject({
      moneyReturned: 150_000,
      unassignedRefund: 0,
      unassignedRefunds: {},
    });
  });

  it('REC-7: the advances not offset go back first (an advance return), only the rest waits for its goods', () => {
    const overpaid = simulate([s.pay(t(4), 'extra', rub(100))], closed).state;
    const run = simulate([s.refund(t(5), 'dash-1', rub(1100))], overpaid);
    expect(errorsOf(run)).toEqual([]);
    const [back] = receiptsOf(run).slice(-1);
    expect([back!.kind, back!.operation, back!.total]).toEqual(['advance', 'income-return', rub(100)]);
    expect(openUnassigned(run.state)).toBe(100_000);
  });

  it('REC-7: beyond the goods still with the customer no return receipt may go: that part is unreceipted, the rest unassigned', () => {
    // 7,000 received; the provider gives back 8,000 naming nothing.
    const run = simulate([s.refund(t(5), 'dash-1', rub(8000))], closed);
    expect(errorsOf(run)).toEqual([]);
    expect(openUnassigned(run.state)).toBe(700_000);
    expect(run.state.unreceiptedRefund).toBe(100_000);
    expect(
      run.events.flatMap((e) => (e.type === 'RefundBeyondReceipts' ? [[e.data.receipted, e.data.unreceipted]] : [])),
    ).toEqual([[rub(0), rub(1000)]]);
  });

  it('REC-7: an assignment is a request and may be refused: unknown movement, already assigned, unknown line, more units than delivered and not returned, not an admin', () => {
    const refunded = simulate(
      [
        s.refund(t(5), 'dash-1', rub(500)),
        s.refund(t(5), 'goods-1', rub(1500), [{ lineId: socks.lineId, quantity: 3 }]),
      ],
      closed,
    ).state;
    const run = simulate(
      [
        admin.assignGoods(t(6), 'nope', [{ lineId: socks.lineId, qty: 1 }]),
        // A refund that named its goods has nothing to assign.
        admin.assignGoods(t(6), 'goods-1', [{ lineId: socks.lineId, qty: 1 }]),
        admin.assignGoods(t(6), 'dash-1', [{ lineId: 'l-cap', qty: 1 }]),
        // 4 pairs delivered, 3 returned: 1 left.
        admin.assignGoods(t(6), 'dash-1', [{ lineId: socks.lineId, qty: 2 }]),
        s.assignGoods(t(6), 'dash-1', [{ lineId: socks.lineId, qty: 1 }]),
        admin.assignGoods(t(6), 'dash-1', [{ lineId: socks.lineId, qty: 1 }]),
        admin.assignGoods(t(7), 'dash-1', [{ lineId: sneakers.lineId, qty: 1 }]),
      ],
      refunded,
    );
    expect(errorsOf(run)).toEqual([
      'unknown-movement',
      'unknown-movement',
      'unknown-line',
      'return-exceeds-sold',
      'forbidden',
      'already-assigned',
    ]);
    expect(positions(receiptsOf(run).at(-1)!.items)).toEqual([[socks.lineId, 1, 50_000, 50_000]]);
  });

  it('REC-7: goods worth less than the money left return at their value; the rest stays open for the next assignment, priced pro rata', () => {
    const refunded = simulate([s.refund(t(5), 'dash-1', rub(1500))], closed).state;
    const run = simulate(
      [
        admin.assignGoods(t(6), 'dash-1', [{ lineId: socks.lineId, qty: 2 }]),
        admin.assignGoods(t(7), 'dash-1', [{ lineId: sneakers.lineId, qty: 1 }]),
      ],
      refunded,
    );
    expect(errorsOf(run)).toEqual([]);
    const [first, second] = receiptsOf(run).slice(-2);
    expect([first!.total, positions(first!.items)]).toEqual([rub(1000), [[socks.lineId, 2, 50_000, 100_000]]]);
    expect([second!.receiptId, second!.total, positions(second!.items)]).toEqual([
      'o-7000/refund/dash-1/assigned-return-2',
      rub(500),
      [[sneakers.lineId, 1, 50_000, 50_000]],
    ]);
    expect(openUnassigned(run.state)).toBe(0);
  });

  it('REC-7/PAY-1: the provider reverses a refund recorded unassigned: that money comes back with no receipt and nothing is left to assign; more money is receipted as usual', () => {
    const refundedRun = simulate([s.refund(t(5), 'pay-1:refund-dash-1', rub(1500))], closed);
    const refunded = refundedRun.state;
    const reversal = { ...s.pay(t(6), 'pay-1:refund-dash-1-reversed-1', rub(1600)) };
    const run = simulate(
      [
        { ...reversal, data: { ...reversal.data, reverses: 'pay-1:refund-dash-1' } },
        admin.assignGoods(t(7), 'pay-1:refund-dash-1', [{ lineId: socks.lineId, qty: 3 }]),
      ],
      refunded,
    );
    expect(errorsOf(run)).toEqual(['already-assigned']);
    expect(run.events.map((e) => e.type)).toEqual(['UnassignedRefundReversed', 'ReceiptIssued']);
    expect(run.events[0]!.data).toEqual({
      orderId: 'o-7000',
      movementId: 'pay-1:refund-dash-1-reversed-1',
      refundMovementId: 'pay-1:refund-dash-1',
      amount: rub(1500),
    });
    // The 100 beyond it is new money after the closing receipt: an advance.
    const [extra] = receiptsOf(run).slice(-1);
    expect([extra!.kind, extra!.operation, extra!.total]).toEqual(['advance', 'income', rub(100)]);
    expect(openUnassigned(run.state)).toBe(0);
    expect(viewOf(refundedRun)['o-7000']).toMatchObject({ unassignedRefund: 150_000 });
    expect(viewOf({ ...run, events: [...refundedRun.events, ...run.events] })['o-7000']).toMatchObject({
      unassignedRefund: 0,
      unassignedRefunds: {},
    });
  });

  it('REC-7: money left unassigned once later returns took the goods can never be assigned: it becomes unreceipted, for money paid back to put right', () => {
    // 1,500 refunded naming nothing; then the shop refunds the sneakers and all the socks, naming them.
    const run = simulate(
      [
        s.refund(t(5), 'dash-1', rub(1500)),
        s.refund(t(6), 'goods-1', rub(5000), [
          { lineId: sneakers.lineId, quantity: 1 },
          { lineId: socks.lineId, quantity: 4 },
        ]),
        s.pay(t(7), 'pay-back', rub(1500)),
      ],
      closed,
    );
    expect(errorsOf(run)).toEqual([]);
    // The second refund returns 7,000 of goods for 5,000 (pro rata): no goods are left for the 1,500.
    expect(
      run.events.flatMap((e) => (e.type === 'UnassignedRefundUnreceipted' ? [[e.data.movementId, e.data.amount]] : [])),
    ).toEqual([['dash-1', rub(1500)]]);
    expect(run.events.map((e) => e.type)).toContain('UnreceiptedRefundRepaid');
    expect([openUnassigned(run.state), run.state.unreceiptedRefund]).toEqual([0, 0]);
    const mid = simulate(
      run.outcomes.slice(0, 2).map((o) => o.command),
      closed,
    );
    expect(viewOf(mid)['o-7000']).toMatchObject({ unassignedRefund: 0, unreceiptedRefund: 150_000 });
  });

  it('issue 9: AssignRefundGoods from outside is decoded with errors naming the field and the rule', () => {
    const base = {
      type: 'AssignRefundGoods',
      metadata: { commandId: 'c-1', actor: { kind: 'admin', id: 'ann' }, at: t(6) },
    };
    const ok = decodeReceiptsCommand({
      ...base,
      data: { movementId: 'dash-1', lines: [{ lineId: 'l-socks', qty: 2 }] },
    });
    expect(E.isRight(ok)).toBe(true);
    const messages = (input: unknown): string[] => {
      const decoded = decodeReceiptsCommand(input);
      return E.isLeft(decoded)
        ? decoded.left.issues.map((issue) => issue.message ?? `${issue.path} ${issue.rule}`)
        : [];
    };
    expect(messages({ ...base, data: { movementId: 'dash-1', lines: [] } })).toEqual([
      'data.lines: must be AtLeastOneLine(an assignment names the goods that came back) (got [])',
    ]);
    expect(
      messages({ ...base, data: { movementId: '', lines: [{ lineId: 'l-socks', qty: 0, colour: 'red' }] } }),
    ).toEqual(
      expect.arrayContaining([
        expect.stringContaining('data.movementId'),
        expect.stringContaining('data.lines.0.qty'),
        expect.stringContaining('data.lines.0.colour'),
      ]),
    );
  });
});

describe('goods refunded for less than their value are priced pro rata (issue 9, PAY-5, REC-7)', () => {
  it('PAY-5: the sneakers and 3 pairs of socks (6,500) refunded for 5,000: positions reduced by largest remainder, summing to 5,000 exactly', () => {
    const run = simulate(
      [
        s.refund(t(5), 'part-1', rub(5000), [
          { lineId: sneakers.lineId, quantity: 1 },
          { lineId: socks.lineId, quantity: 3 },
        ]),
      ],
      closed,
    );
    expect(errorsOf(run)).toEqual([]);
    const [back] = receiptsOf(run).slice(-1);
    expect([back!.kind, back!.operation, back!.total]).toEqual(['full-settlement', 'income-return', rub(5000)]);
    // 500,000 × 500,000 / 650,000 = 384,615.38; 150,000 × 500,000 / 650,000 = 115,384.62: the kopeck left goes to the
    // socks (the larger remainder); 115,385 over 3 pairs is 1 × 384.61 and 2 × 384.62.
    expect(positions(back!.items)).toEqual([
      [sneakers.lineId, 1, 384_615, 384_615],
      [socks.lineId, 1, 38_461, 38_461],
      [socks.lineId, 2, 38_462, 76_924],
    ]);
    // The units came back all the same.
    expect(run.state.returnedQuantities).toEqual({ [sneakers.lineId]: 1, [socks.lineId]: 3 });
  });

  it('PAY-5: positions always sum to the money, whatever the split (ties go to the earlier position)', () => {
    const item = (lineId: string, quantity: number, price: number): ReceiptItem => ({
      lineId,
      name: lineId,
      quantity,
      unit: 'шт',
      price: rub(price / 100),
      amount: rub((price * quantity) / 100),
      vat: 'vat20',
      subject: 'goods',
      paymentMethod: 4,
    });
    const three = [item('a', 1, 100), item('b', 1, 100), item('c', 1, 100)];
    expect(proRata(three, 100).map((i) => i.amount.amount)).toEqual([34, 33, 33]);
    expect(proRata(three, 300)).toBe(three);
    const mixed = [item('a', 7, 1999), item('b', 3, 17)];
    for (const amount of [1, 2, 999, 7000, 14043])
      expect(proRata(mixed, amount).reduce((sum, i) => sum + i.amount.amount, 0)).toBe(amount);
  });

  it('REC-4/PAY-5: before the closing receipt, a licence settled at payment refunded for half its price returns it for that half, and no advance', () => {
    const m = script('mixed');
    const paid = simulate([m.compose(t(1), 'placed', [licence, cap]), m.pay(t(2), 'pay-1', rub(3990))]).state;
    const run = simulate([m.refund(t(3), 'half', rub(1495), [{ lineId: licence.lineId, quantity: 1 }])], paid);
    expect(errorsOf(run)).toEqual([]);
    const returns = receiptsOf(run).filter((r) => r.operation === 'income-return');
    expect(returns.map((r) => [r.kind, r.total, positions(r.items)])).toEqual([
      ['full-settlement', rub(1495), [[licence.lineId, 1, 149_500, 149_500]]],
    ]);
  });

  it('REC-7: applying the decided events again (replay) yields the same state as the simulation', () => {
    const run = simulate([s.refund(t(5), 'dash-1', rub(1500))], closed);
    expect(applyEvents(receiptsDecider, closed, run.events)).toEqual(run.state);
  });
});
