import type { Envelope, Money } from '@ordersource/core';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { OrderCommand } from '../order/commands.js';
import { orderDecider } from '../order/decider.js';
import { orderStreamId, type OrderEvent } from '../order/events.js';
import { actors, command, paymentMethods, sampleCheckout } from '../order/examples.js';
import { fold } from '../order/decision.js';
import type { OrderLine } from '../order/values.js';
import { receiptsCommandsFor } from './from-order-events.js';
import { signedMoneyOf } from './receipt.js';
import { simulate } from './simulate.js';
import { openUnassigned } from './state.js';
import { assignOpenRefunds } from './test-support/assign.js';

/**
 * PAY-5/REC-7 across the two modules: random orders (lines, shipping, an
 * order discount) are paid, delivered and then partly returned, some goods
 * before delivery, through the real order decider; the adapter turns the
 * history into receipts commands. Every return the order decider accepted
 * must be receiptable, listing exactly the returned units for exactly the
 * refunded money.
 */

const RUNS = 1000;
const rub = (amount: number): Money => ({ amount, currency: 'RUB' });
const AT = (i: number): string => new Date(Date.UTC(2026, 10, 2, 8, i)).toISOString();

const lineArb = fc.record({
  qty: fc.integer({ min: 1, max: 4 }),
  price: fc.integer({ min: 0, max: 300_000 }),
  kind: fc.constantFrom<OrderLine['kind']>('physical', 'physical', 'service'),
  /** REC-6: a physical line may be marked goods, its units scanned at packing. */
  marked: fc.boolean(),
});

const refundArb = fc.record({
  index: fc.nat(5),
  qty: fc.integer({ min: 1, max: 4 }),
  /** 'lines': goods returned; 'money': an amount only (a fraction of what is left). */
  with: fc.constantFrom('lines', 'lines', 'lines', 'money'),
  fraction: fc.double({ min: 0, max: 1, noNaN: true }),
  beforeDelivery: fc.constantFrom(false, false, false, true),
  /** Which of a marked line's units come back: from this offset on (the not yet returned ones when even). */
  offset: fc.nat(3),
});

const orderArb = fc.record({
  lines: fc.array(lineArb, { minLength: 1, maxLength: 3 }),
  shipping: fc.constantFrom(0, 29_900, 50_000),
  discount: fc.constantFrom(0, 1, 30_000, 77_777),
  refunds: fc.array(refundArb, { minLength: 1, maxLength: 5 }),
});

type Order = typeof orderArb extends fc.Arbitrary<infer T> ? T : never;

/** Run the order through the order decider; refused commands change nothing. */
const playOrder = (o: Order): { events: OrderEvent[]; envelopes: Envelope<OrderEvent>[]; lines: OrderLine[] } => {
  const lines: OrderLine[] = o.lines.map((spec, i) => ({
    lineId: `l${i}`,
    sku: `S${i}`,
    name: `Товар ${i}`,
    qty: spec.qty,
    unitPrice: rub(spec.price),
    vatRate: 'vat20',
    kind: spec.kind,
    ...(spec.marked && spec.kind === 'physical' ? { marked: true } : {}),
  }));
  const codesOf = (line: OrderLine): string[] =>
    Array.from({ length: line.qty }, (_, u) => `0104600439931256215${line.lineId}u${u}\u001d91EE06`);
  const subtotal = lines.reduce((sum, line) => sum + line.unitPrice.amount * line.qty, 0);
  const discount = Math.min(o.discount, subtotal + o.shipping);
  let minute = 0;
  const next = () => AT(minute++);
  const refund = (r: Order['refunds'][number], i: number, left: number): OrderCommand => {
    const line = lines[r.index % lines.length]!;
    // REC-6: marked units come back by their codes, the ones not returned yet, in a varying order.
    const back = state.returnedCodes?.[line.lineId] ?? [];
    // An odd offset also offers units already returned: the deciders must refuse those.
    const unreturned = codesOf(line).filter((code) => r.offset % 2 === 1 || !back.includes(code));
    const start = unreturned.length === 0 ? 0 : r.offset % unreturned.length;
    const codes = [...unreturned.slice(start), ...unreturned.slice(0, start)].slice(0, r.qty);
    const entry =
      line.marked === true
        ? { lineId: line.lineId, qty: r.qty, markingCodes: codes }
        : { lineId: line.lineId, qty: r.qty };
    return r.with === 'lines'
      ? command('RefundPayment', { refundId: `r${i}`, lines: [entry] }, next())
      : command(
          'RefundPayment',
          { refundId: `r${i}`, amount: rub(Math.max(1, Math.floor(r.fraction * left))) },
          next(),
        );
  };
  let state = orderDecider.initialState;
  const events: OrderEvent[] = [];
  const envelopes: Envelope<OrderEvent>[] = [];
  const send = (cmd: OrderCommand) => {
    const decided = orderDecider.decide(cmd, state);
    if (E.isLeft(decided)) return;
    for (const event of decided.right)
      envelopes.push({
        event,
        eventId: `e${envelopes.length}`,
        streamId: orderStreamId('o-law'),
        streamVersion: envelopes.length,
        globalPosition: String(envelopes.length),
        occurredAt: cmd.metadata.at,
        recordedAt: cmd.metadata.at,
        actor: cmd.metadata.actor,
        schemaVersion: 1,
      });
    events.push(...decided.right);
    state = fold(state, decided.right);
  };
  const netPaid = () => state.payments.reduce((sum, p) => sum + p.captured - p.refunded, 0);
  send(
    command(
      'PlaceOrder',
      sampleCheckout({
        orderId: 'o-law',
        lines,
        subtotal: rub(subtotal),
        shippingFee: rub(o.shipping),
        discount: rub(discount),
        total: rub(subtotal + o.shipping - discount),
        paymentMethod: paymentMethods.bankTransfer,
      }),
      next(),
      actors.customer,
    ),
  );
  send(command('ConfirmOfflinePayment', {}, next()));
  o.refunds.forEach((r, i) => {
    if (r.beforeDelivery) send(refund(r, i, netPaid()));
  });
  const toShip = lines
    .filter((line) => line.kind === 'physical')
    .map((line) => ({
      lineId: line.lineId,
      qty: line.qty,
      ...(line.marked === true ? { markingCodes: codesOf(line) } : {}),
    }));
  if (toShip.length > 0) send(command('ShipOrder', { shipmentId: 's1', lines: toShip }, next()));
  send(command('MarkDelivered', {}, next()));
  o.refunds.forEach((r, i) => {
    if (!r.beforeDelivery) send(refund(r, i, netPaid()));
  });
  return { events, envelopes, lines };
};

describe(`returned lines from the order stream to the receipts (${RUNS} random orders)`, () => {
  it('PAY-5/REC-7 law: every return the order accepted is receipted with exactly its units and its money', () => {
    let returnsAfterClosing = 0;
    let unassigned = 0;
    fc.assert(
      fc.property(orderArb, (o) => {
        const { events, envelopes } = playOrder(o);
        const commands = receiptsCommandsFor(envelopes);
        if (E.isLeft(commands)) throw new Error(commands.left.message);
        const run = simulate(commands.right.map((c) => c.command));
        for (const outcome of run.outcomes)
          if (outcome.command.type === 'RecordRefund' && outcome.command.data.lines !== undefined)
            expect(E.isRight(outcome.result), E.isLeft(outcome.result) ? outcome.result.left.message : '').toBe(true);
        const receipts = run.state.issued.map((id) => run.state.receipts[id]!.receipt);
        for (const event of events) {
          if (event.type !== 'PaymentRefunded' || event.data.lines === undefined) continue;
          const receipt = receipts.find((r) => r.cause.id === `${event.data.paymentId}:refund-${event.data.refundId}`);
          expect(receipt).toBeDefined();
          expect(receipt!.total).toEqual(event.data.amount);
          if (receipt!.kind !== 'full-settlement') continue;
          returnsAfterClosing++;
          const units = new Map<string, number>();
          for (const item of receipt!.items) {
            const lineId = item.lineId!.replace(/~1$/, '');
            units.set(lineId, (units.get(lineId) ?? 0) + item.quantity);
          }
          expect(Object.fromEntries(units)).toEqual(
            Object.fromEntries(event.data.lines.map((line) => [line.lineId, line.qty])),
          );
        }
        // Issue 9: no refund is refused (a fact), with lines or without.
        const refused = run.outcomes.filter((o) => o.command.type === 'RecordRefund' && E.isLeft(o.result));
        expect(refused.map((o) => (E.isLeft(o.result) ? o.result.left.code : ''))).toEqual([]);
        // The receipts account for exactly the money the order kept, less the refunds naming no goods after the
        // closing receipt (unassigned, until an admin names them) and what no return receipt may cover.
        const captured = events.reduce((sum, e) => sum + (e.type === 'PaymentCaptured' ? e.data.amount.amount : 0), 0);
        const refunded = events.reduce((sum, e) => sum + (e.type === 'PaymentRefunded' ? e.data.amount.amount : 0), 0);
        const apart = openUnassigned(run.state) + (run.state.unreceiptedRefund ?? 0);
        expect(receipts.reduce((sum, r) => sum + signedMoneyOf(r), 0)).toBe(captured - refunded + apart);
        if (openUnassigned(run.state) > 0) unassigned++;
        // Once an admin names their goods, the receipts return that money too.
        const assigned = assignOpenRefunds(run.state, '2026-12-31T00:00:00Z');
        expect(assigned.outcomes.filter((o) => E.isLeft(o.result))).toEqual([]);
        expect(openUnassigned(assigned.state)).toBe(0);
        const after = assigned.state.issued.map((id) => assigned.state.receipts[id]!.receipt);
        expect(after.reduce((sum, r) => sum + signedMoneyOf(r), 0)).toBe(
          captured - refunded + openUnassigned(assigned.state) + (assigned.state.unreceiptedRefund ?? 0),
        );
      }),
      { numRuns: RUNS },
    );
    // Not vacuous: many returns reach the receipts after the closing one. Unseeded on purpose: over seeds 1-12
    // these ran 534-602 (floor 333) and the unassigned ones below 287-329 (floor 50), a wide margin to luck.
    expect(returnsAfterClosing).toBeGreaterThan(RUNS / 3);
    // Money-only refunds after delivery are recorded unassigned (issue 9).
    expect(unassigned).toBeGreaterThan(RUNS / 20);
  });

  it('REC-6 law (issue 9.5): every marked unit appears in exactly one closing position and at most one return, by its code', () => {
    let markedUnits = 0;
    let returnedUnits = 0;
    fc.assert(
      fc.property(orderArb, (o) => {
        const { events, envelopes, lines } = playOrder(o);
        const commands = receiptsCommandsFor(envelopes);
        if (E.isLeft(commands)) throw new Error(commands.left.message);
        const run = simulate(commands.right.map((c) => c.command));
        const receipts = run.state.issued.map((id) => run.state.receipts[id]!.receipt);
        const closing = receipts.find((r) => r.operation === 'income' && r.kind === 'full-settlement');
        const shipped = events.flatMap((e) =>
          e.type === 'ShipmentDispatched' ? e.data.lines.flatMap((line) => line.markingCodes ?? []) : [],
        );
        if (closing === undefined) return;
        // Exactly one closing position per marked unit: quantity 1 and its code.
        const settled = closing.items.filter((item) => item.markingCode !== undefined);
        expect(settled.map((item) => item.markingCode).sort()).toEqual([...shipped].sort());
        for (const item of settled) expect(item.quantity).toBe(1);
        const markedLines = new Set(lines.filter((line) => line.marked === true).map((line) => line.lineId));
        for (const item of closing.items)
          if (markedLines.has(item.lineId!.replace(/~1$/, ''))) expect(item.markingCode).toBeDefined();
        markedUnits += settled.length;
        // At most one return per unit; each return receipt lists exactly the codes its refund named.
        const back: string[] = [];
        for (const event of events) {
          if (event.type !== 'PaymentRefunded' || event.data.lines === undefined) continue;
          const receipt = receipts.find((r) => r.cause.id === `${event.data.paymentId}:refund-${event.data.refundId}`);
          if (receipt?.kind !== 'full-settlement') continue;
          const named = event.data.lines.flatMap((line) => line.markingCodes ?? []);
          const listed = receipt.items.flatMap((item) => (item.markingCode === undefined ? [] : [item.markingCode]));
          expect([...listed].sort()).toEqual([...named].sort());
          // Returned at the price it was settled at.
          for (const item of receipt.items)
            if (item.markingCode !== undefined)
              expect(item.amount).toEqual(settled.find((s) => s.markingCode === item.markingCode)!.amount);
          back.push(...listed);
        }
        expect(new Set(back).size).toBe(back.length);
        returnedUnits += back.length;
      }),
      { numRuns: RUNS, seed: 95 },
    );
    // Not vacuous: marked units are settled and come back.
    expect(markedUnits).toBeGreaterThan(RUNS / 2);
    expect(returnedUnits).toBeGreaterThan(RUNS / 10);
  });
});
