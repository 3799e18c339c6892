import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { applyEvents, type Actor, type Envelope } from '@ordersource/core';
import { emptyDirectory } from '../customers/directory.js';
import type { ReceiptsCommand } from '../receipts/commands.js';
import { receiptsDecider } from '../receipts/decider.js';
import { receiptsDue } from '../receipts/due.js';
import { receiptsCommandsFor } from '../receipts/from-order-events.js';
import { isClosingKind } from '../receipts/kinds.js';
import { isPartialSettlement } from '../receipts/policy.js';
import type { Receipt } from '../receipts/receipt.js';
import { initialReceiptsState, type ReceiptsState } from '../receipts/state.js';
import type { CloseOn } from './close-on.js';
import type { OrderCommand } from './commands.js';
import { decideOrder, orderDecider } from './decider.js';
import { orderStreamId, type OrderEvent } from './events.js';
import { actors, eur, sampleCheckout } from './examples.js';
import { awaitsPayment } from './payment-status.js';
import type { OrderState } from './state.js';
import type { OrderLine } from './values.js';

/**
 * Issue 9.7/9.8 law (REC-8, REC-5, ORD-9): for random closing-receipt
 * triggers (shop-wide, per order, rescheduled) and random histories of
 * payments, shipments, deliveries, edits and time, with the receipts
 * translation, the receipts stream's timer and a `LockOrder` that may come
 * late, the closing receipt is issued at most once, exactly once when its
 * trigger was reached, never before its trigger, it lists the composition
 * the order ends with, and no edit is accepted from its moment on.
 */

const RUNS = 1000;
const T0 = Date.parse('2026-11-01T10:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (ms: number): string => new Date(ms).toISOString();

const lines: OrderLine[] = [
  { lineId: 'l1', sku: 'TEA', name: 'Tea', qty: 2, unitPrice: eur(450), vatRate: 'vat20', kind: 'physical' },
  { lineId: 'l2', sku: 'MUG', name: 'Mug', qty: 1, unitPrice: eur(1200), vatRate: 'vat20', kind: 'physical' },
];

const closeOnArb: fc.Arbitrary<CloseOn> = fc.oneof(
  fc.constant<CloseOn>({ trigger: 'shipment' }),
  fc.constant<CloseOn>({ trigger: 'delivery' }),
  fc.integer({ min: 0, max: 20 }).map((d): CloseOn => ({ trigger: 'date', at: iso(T0 + d * DAY) })),
  fc.integer({ min: 1, max: 10 }).map((days): CloseOn => ({ trigger: 'days-after-delivery', days })),
);

type Step =
  | { kind: 'wait'; ms: number }
  | { kind: 'pay' }
  | { kind: 'ship' }
  | { kind: 'deliver' }
  | { kind: 'edit'; what: 'price' | 'qty' | 'add' | 'fee' | 'remove'; n: number }
  | { kind: 'reschedule'; closeOn: CloseOn };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(HOUR, DAY, 3 * DAY, 8 * DAY).map((ms): Step => ({ kind: 'wait', ms })) },
  { weight: 2, arbitrary: fc.constant<Step>({ kind: 'pay' }) },
  { weight: 2, arbitrary: fc.constant<Step>({ kind: 'ship' }) },
  { weight: 2, arbitrary: fc.constant<Step>({ kind: 'deliver' }) },
  {
    weight: 4,
    arbitrary: fc
      .record({
        what: fc.constantFrom('price', 'qty', 'add', 'fee', 'remove' as const),
        n: fc.integer({ min: 1, max: 3 }),
      })
      .map((e): Step => ({ kind: 'edit', ...e })),
  },
  { weight: 1, arbitrary: closeOnArb.map((closeOn): Step => ({ kind: 'reschedule', closeOn })) },
);

const historyArb = fc.record({
  shop: fc.option(closeOnArb, { nil: undefined }),
  own: fc.option(closeOnArb, { nil: undefined }),
  /** The lock reaches the order one step late: the window between the receipt and `LockOrder`. */
  lateLock: fc.boolean(),
  steps: fc
    .record({
      random: fc.array(stepArb, { minLength: 1, maxLength: 14 }),
      // Most orders get paid, shipped and delivered somewhere among the random steps.
      milestones: fc.option(fc.array(fc.nat(14), { minLength: 3, maxLength: 3 }), { freq: 5, nil: undefined }),
      /** A price correction a day after delivery: inside a return window, or refused. */
      correct: fc.boolean(),
    })
    .map(({ random, milestones, correct }): Step[] => {
      if (milestones === undefined) return random;
      const [pay, ship, deliver] = [...milestones].sort((a, b) => a - b);
      const out = [...random];
      const at = Math.min(deliver!, out.length);
      if (correct) out.splice(at, 0, { kind: 'wait', ms: DAY }, { kind: 'edit', what: 'price', n: 1 });
      out.splice(at, 0, { kind: 'deliver' });
      out.splice(Math.min(ship!, out.length), 0, { kind: 'ship' });
      out.splice(Math.min(pay!, out.length), 0, { kind: 'pay' });
      return out;
    }),
});
type History = typeof historyArb extends fc.Arbitrary<infer T> ? T : never;

const EDITS = new Set(['AddOrderLine', 'RemoveOrderLine', 'ChangeOrderLine', 'ChangeShippingFee']);

type Run = {
  order: OrderState;
  receipts: ReceiptsState;
  /** Times at which the order accepted an edit that changed something. */
  edits: number[];
  /** Edits accepted once the closing receipt was out (must be none). */
  afterClosing: number;
  /** Receipts commands the receipts stream refused, by code. */
  refused: string[];
  /** When every physical line was first shipped, and first delivered. */
  shippedAt?: number;
  deliveredAt?: number;
  /** Payment requests and sales of the pay steps the order refused (must be none: the generator pays as a shop would). */
  payRefused?: number;
  now: number;
};

const play = (h: History): Run => {
  const options = h.shop === undefined ? {} : { closingReceipt: h.shop };
  const history: Envelope<OrderEvent>[] = [];
  let order = orderDecider.initialState;
  let receipts = initialReceiptsState;
  const applied = new Set<string>();
  const refused: string[] = [];
  const edits: number[] = [];
  let now = T0;
  let n = 0;
  let lockPending = false;
  let afterClosing = 0;
  const run: Omit<Run, 'order' | 'receipts' | 'edits' | 'afterClosing' | 'refused' | 'now'> = {};

  const toReceipts = (command: ReceiptsCommand): void => {
    const decided = receiptsDecider.decide(command, receipts);
    if (E.isLeft(decided)) refused.push(decided.left.code);
    else receipts = applyEvents(receiptsDecider, receipts, decided.right);
  };
  const sync = (): void => {
    const commands = receiptsCommandsFor(history);
    if (E.isLeft(commands)) throw new Error(commands.left.message);
    for (const { command } of commands.right) {
      if (applied.has(command.metadata.commandId)) continue;
      applied.add(command.metadata.commandId);
      toReceipts(command);
    }
  };
  const send = (type: OrderCommand['type'], data: unknown, actor: Actor = actors.admin, at = now): boolean => {
    const command = { type, data, metadata: { commandId: `c-${++n}`, actor, at: iso(at) } } as OrderCommand;
    const decided = decideOrder(command, order, emptyDirectory, options);
    if (E.isLeft(decided)) return false;
    for (const event of decided.right)
      history.push({
        event,
        eventId: `e-${history.length}`,
        streamId: orderStreamId('o-1'),
        streamVersion: history.length,
        globalPosition: String(history.length),
        occurredAt: iso(at),
        recordedAt: iso(at),
        actor,
        schemaVersion: 1,
      });
    order = applyEvents(orderDecider, order, decided.right);
    if (EDITS.has(type) && decided.right.length > 0) {
      edits.push(at);
      // An edit the order took after the receipts stream closed: the receipt would not show it.
      if (receipts.closingReceiptId !== null) afterClosing++;
    }
    if (decided.right.some((e) => e.type === 'ShipmentDispatched') && order.fulfillment.status === 'shipped')
      run.shippedAt ??= at;
    if (decided.right.some((e) => e.type === 'OrderFulfilled')) run.deliveredAt ??= at;
    sync();
    return true;
  };
  const lock = (now = false): void => {
    if (receipts.closingReceiptId === null || order.locked !== undefined) return;
    if (h.lateLock && !now && !lockPending) {
      lockPending = true;
      return;
    }
    send('LockOrder', { reason: 'closing receipt', receiptId: receipts.closingReceiptId }, actors.system);
  };
  /** The runtime fires each timer at its own time as the clock passes it. */
  const waitUntil = (until: number): void => {
    for (;;) {
      const next = receiptsDue(receipts).find((due) => Date.parse(due.at) <= until);
      if (next === undefined) break;
      const at = Math.max(now, Date.parse(next.at));
      now = at;
      toReceipts({
        ...(next.command as Pick<Extract<ReceiptsCommand, { type: 'ReachClosingDate' }>, 'type' | 'data'>),
        metadata: { commandId: `timer-${++n}`, actor: actors.system, at: iso(at) },
      });
      lock();
    }
    now = until;
  };

  send(
    'PlaceOrder',
    sampleCheckout({ lines, discount: eur(0), ...(h.own === undefined ? {} : { closingReceipt: h.own }) }),
  );
  for (const step of h.steps) {
    // A lock held back during the previous step arrives now, after this step's command.
    const deliverLock = lockPending;
    switch (step.kind) {
      case 'wait':
        waitUntil(now + step.ms);
        break;
      case 'pay': {
        const due = order.totals.total.amount - order.payments.reduce((sum, p) => sum + p.captured - p.refunded, 0);
        if (due > 0) {
          // PAY-1/PAY-3: the provider pays a payment the order asked for, in its exact amount; after an edit
          // changed the total, the shop asks for a new payment of what is due (the checkout's one is then stale).
          // The open request is not adjusted by the edit (the payer may be paying it right now, docs/payments.md):
          // voiding it is the shop's decision, and only then may a new request ask for the whole balance (issue 9.2).
          let awaited = order.payments.find((p) => p.status === 'pending' && p.requested === due);
          const first = order.payments[0];
          if (awaited === undefined && first !== undefined) {
            for (const stale of order.payments.filter(awaitsPayment))
              send('VoidPayment', { paymentId: stale.paymentId });
            const paymentId = `pay-${n}`;
            if (!send('RequestPayment', { paymentId, amount: eur(due), method: first.method, channel: first.channel }))
              run.payRefused = (run.payRefused ?? 0) + 1;
            awaited = order.payments.find((p) => p.paymentId === paymentId);
          }
          if (
            awaited !== undefined &&
            !send('RecordSale', { paymentId: awaited.paymentId, amount: eur(due) }, actors.provider)
          )
            run.payRefused = (run.payRefused ?? 0) + 1;
        }
        // The auto-confirm policy (ORD-3) releases fulfillment.
        send('ConfirmOrder', {}, actors.system);
        break;
      }
      case 'ship':
        send('ShipOrder', { shipmentId: `s-${n}` });
        break;
      case 'deliver':
        send('MarkDelivered', {});
        break;
      case 'edit': {
        const line = order.lines[step.n % Math.max(1, order.lines.length)];
        if (step.what === 'price' && line !== undefined)
          send('ChangeOrderLine', { lineId: line.lineId, unitPrice: eur(line.unitPrice.amount + 10 * step.n) });
        if (step.what === 'qty' && line !== undefined)
          send('ChangeOrderLine', { lineId: line.lineId, qty: line.qty + step.n });
        if (step.what === 'remove' && line !== undefined) send('RemoveOrderLine', { lineId: line.lineId });
        if (step.what === 'fee') send('ChangeShippingFee', { shippingFee: eur(500 + 100 * step.n) });
        if (step.what === 'add')
          send('AddOrderLine', {
            line: {
              lineId: `x-${n}`,
              sku: 'X',
              name: 'Extra',
              qty: step.n,
              unitPrice: eur(300),
              vatRate: 'vat20',
              kind: 'physical',
            },
          });
        break;
      }
      case 'reschedule':
        send('ScheduleClosingReceipt', { closingReceipt: step.closeOn });
        break;
    }
    if (deliverLock) {
      lockPending = false;
      send('LockOrder', { reason: 'closing receipt', receiptId: receipts.closingReceiptId ?? '?' }, actors.system);
    }
    lock();
  }
  // Let every planned closing date come (the runtime's timers), then the lock.
  waitUntil(now + 40 * DAY);
  lock(true);
  return { ...run, order, receipts, edits, afterClosing, refused, now };
};

const closingsOf = (state: ReceiptsState): Receipt[] =>
  state.issued
    .map((id) => state.receipts[id]!.receipt)
    .filter(
      (receipt) => receipt.operation === 'income' && isClosingKind(receipt.kind) && !isPartialSettlement(receipt),
    );

/** The earliest instant the order's rule allows its closing receipt; undefined when never reached. */
const triggerOf = (r: Run): number | undefined => {
  const rule = r.order.closingReceipt ?? { trigger: 'delivery' };
  const handover = r.shippedAt ?? r.deliveredAt;
  switch (rule.trigger) {
    case 'shipment':
      return handover;
    case 'delivery':
      return r.deliveredAt;
    case 'date':
      return handover === undefined ? undefined : Math.max(handover, Date.parse(rule.at));
    case 'days-after-delivery':
      return r.deliveredAt === undefined ? undefined : r.deliveredAt + rule.days * DAY;
  }
};

describe(`closing receipt timing law over ${RUNS} random triggers and histories (issue 9.7, 9.8)`, () => {
  it('REC-8/REC-5/ORD-9 law: one closing receipt, exactly when its trigger is reached, listing the final composition, no edit from then on', () => {
    let closed = 0;
    let windows = 0;
    fc.assert(
      fc.property(historyArb, (h) => {
        const r = play(h);
        expect(r.payRefused ?? 0).toBe(0);
        const closings = closingsOf(r.receipts);
        // The receipts stream never refuses what the order sent it (an edit it let through too late).
        expect(r.refused.filter((code) => code === 'order-locked')).toEqual([]);
        expect(closings.length).toBeLessThanOrEqual(1);
        const trigger = triggerOf(r);
        const closing = closings[0];
        if (trigger === undefined) {
          expect(closing).toBeUndefined();
          return;
        }
        // Reached (the history ends 40 days on): issued exactly once, never before its trigger.
        expect(closing).toBeDefined();
        if (closing === undefined) return;
        closed++;
        const issuedAt = Date.parse(closing.issuedAt);
        expect(issuedAt).toBeGreaterThanOrEqual(trigger);
        // It lists the composition the order ends with, and nothing was edited from its moment on.
        expect(closing.total.amount).toBe(r.order.totals.total.amount);
        expect(r.afterClosing).toBe(0);
        for (const at of r.edits) expect(at).toBeLessThanOrEqual(issuedAt);
        if (r.edits.some((at) => r.deliveredAt !== undefined && at > r.deliveredAt)) windows++;
        expect(r.order.locked?.receiptId).toBe(closing.receiptId);
      }),
      { numRuns: RUNS },
    );
    // Not vacuous: many orders close, some after an edit made between delivery and the closing receipt. Unseeded
    // on purpose: over seeds 1-12 these ran 430-485 and 52-68, far above the floors (200 and 10).
    expect(closed).toBeGreaterThan(RUNS / 5);
    expect(windows).toBeGreaterThan(10);
  });
});
