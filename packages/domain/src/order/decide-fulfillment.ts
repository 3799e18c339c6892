import type {
  AmendShipment,
  CancelShipment,
  EndTimedHold,
  HoldFulfillment,
  MarkDelivered,
  MarkProcessed,
  ReleaseFulfillmentHold,
  ShipOrder,
} from './commands.js';
import { fail, isAtOrAfter, ok, type Ctx, type Decision } from './decision.js';
import type { OrderEvent, ShipmentLine } from './events.js';
import { isMarked, shippedCodesOf } from './marking.js';
import { charged, paymentSecured } from './payment-status.js';
import { remainingOf, remainingToShip } from './quantities.js';
import type { OrderState } from './state.js';
import { changeNoteOf, type ChangeNote } from './values.js';

/** FUL-1..FUL-3 and the shipping gates of ORD-3, ORD-7 and ORD-8. */

const orderPending = (): Decision =>
  fail('order-pending', 'the online payment of this order has not completed (ORD-2): record or confirm it first');

/**
 * ORD-7 (issue 10.1): a timed hold is over once its time has passed. The
 * decider records its end before deciding any command that comes after
 * `until` (so MarkProcessed, a new hold or the Pixpa picker see it ended),
 * and `EndTimedHold` records it on its own for the projections.
 */
export const timedHoldRanOut = (state: OrderState, at: string): OrderEvent | undefined => {
  const hold = state.fulfillment.hold;
  if (state.fulfillment.status !== 'on_hold' || hold?.until === undefined || !isAtOrAfter(at, hold.until))
    return undefined;
  return {
    type: 'FulfillmentHoldReleased',
    data: { at, note: `hold ended at ${hold.until}`, heldUntil: hold.until },
  };
};

/**
 * ORD-7: the timer's command. The hold ending at `until` has already ended
 * (recorded by an earlier command), was released, or was replaced: nothing to
 * record, so a timer fired twice or late is absorbed. Sent before `until`:
 * refused, the hold is still in force.
 */
export const endTimedHold = (state: OrderState, ctx: Ctx, data: EndTimedHold['data']): Decision => {
  const hold = state.fulfillment.hold;
  if (state.fulfillment.status !== 'on_hold' || hold?.until === undefined || hold.until !== data.until) return ok();
  const ended = timedHoldRanOut(state, ctx.at);
  return ended === undefined
    ? fail('hold-in-force', `the hold lasts until ${hold.until}`, { until: hold.until })
    : ok(ended);
};

/** FUL-1: unfulfilled -> processed (ready to ship). */
export const markProcessed = (state: OrderState, ctx: Ctx, data: MarkProcessed['data']): Decision => {
  if (state.status === 'pending') return orderPending();
  if (state.fulfillment.status !== 'unfulfilled')
    return fail('invalid-fulfillment-transition', `cannot mark ${state.fulfillment.status} fulfillment as processed`);
  return ok({ type: 'FulfillmentProcessed', data: { at: ctx.at, ...changeNoteOf(data) } });
};

/** FUL-1 on hold (with a reason); ORD-7's timed review hold uses `until`. */
export const holdFulfillment = (state: OrderState, ctx: Ctx, data: HoldFulfillment['data']): Decision => {
  // A timed hold already over when it arrives (a review policy catching up late) holds nothing.
  if (data.until !== undefined && isAtOrAfter(ctx.at, data.until)) return ok();
  const status = state.fulfillment.status;
  if (status === 'on_hold')
    // Holding again for the same reason changes nothing (a policy may resend it).
    return state.fulfillment.hold?.reason === data.reason
      ? ok()
      : fail('already-on-hold', `fulfillment is already on hold: ${state.fulfillment.hold?.reason ?? ''}`);
  if (status !== 'unfulfilled' && status !== 'processed' && status !== 'partially_shipped')
    return fail('invalid-fulfillment-transition', `cannot put ${status} fulfillment on hold`);
  return ok({
    type: 'FulfillmentHeld',
    data: {
      at: ctx.at,
      reason: data.reason,
      ...(data.until === undefined ? {} : { until: data.until }),
      ...changeNoteOf(data),
    },
  });
};

export const releaseFulfillmentHold = (state: OrderState, ctx: Ctx, data: ReleaseFulfillmentHold['data']): Decision =>
  state.fulfillment.status === 'on_hold'
    ? ok({ type: 'FulfillmentHoldReleased', data: { at: ctx.at, ...changeNoteOf(data) } })
    : fail('not-on-hold', 'fulfillment is not on hold');

const cashOrCardOnDelivery = (state: OrderState): boolean => {
  const kind = state.details?.paymentMethod.kind;
  return kind === 'cash_on_delivery' || kind === 'card_on_delivery';
};

/** Issue 9.6: a method on credit terms ships before payment (ORD-8's override). */
const onCreditTerms = (state: OrderState): boolean => state.details?.paymentMethod.creditTerms === true;

type Refusal = Readonly<{ code: string; message: string; details?: Record<string, unknown> }>;

const marking = (code: string, message: string, details: Record<string, unknown>): Refusal => ({
  code,
  message,
  details,
});

/**
 * REC-6 (issue 9.5): the units of a marked line are scanned at packing, so
 * its shipment line names one code per unit shipped; a code names one unit,
 * on this order too (not a code already shipped); an unmarked line has none.
 */
const markingRefusal = (state: OrderState, lines: readonly ShipmentLine[]): Refusal | undefined => {
  const shipped = shippedCodesOf(state.fulfillment.shipments);
  for (const entry of lines) {
    const line = state.lines.find((l) => l.lineId === entry.lineId);
    if (line === undefined) continue;
    const codes = entry.markingCodes ?? [];
    if (!isMarked(line)) {
      if (codes.length > 0)
        return marking('not-marked', `line ${line.lineId} is not marked goods: its units carry no marking codes`, {
          lineId: line.lineId,
        });
      continue;
    }
    if (codes.length !== entry.qty)
      return marking(
        'marking-codes-required',
        `line ${line.lineId} is marked goods: its shipment names one marking code per unit, ` +
          `${entry.qty} for the ${entry.qty} shipped, got ${codes.length} (REC-6): ` +
          'ShipOrder lines: [{ lineId, qty, markingCodes }]',
        { lineId: line.lineId, qty: entry.qty, codes: codes.length },
      );
    const reused = codes.find((code) => shipped.has(code));
    if (reused !== undefined)
      return marking(
        'marking-code-reused',
        `line ${line.lineId}: marking code ${reused} was already shipped on this order; each unit has its own code (REC-6)`,
        { lineId: line.lineId, code: reused },
      );
  }
  return undefined;
};

/** The lines of a shipment: the ones asked for, or every physical unit not shipped yet. */
const shipmentLines = (state: OrderState, asked: readonly ShipmentLine[] | undefined): ShipmentLine[] | Refusal => {
  const invalid = (message: string): Refusal => ({ code: 'invalid-shipment', message });
  if (asked === undefined) {
    const all = state.lines
      .filter((line) => line.kind === 'physical' && remainingOf(state, line.lineId) > 0)
      .map((line) => ({ lineId: line.lineId, qty: remainingOf(state, line.lineId) }));
    return markingRefusal(state, all) ?? all;
  }
  const wanted = new Map<string, { qty: number; codes?: string[] }>();
  for (const line of asked) {
    const entry = wanted.get(line.lineId) ?? { qty: 0 };
    entry.qty += line.qty;
    if (line.markingCodes !== undefined) entry.codes = [...(entry.codes ?? []), ...line.markingCodes];
    wanted.set(line.lineId, entry);
  }
  for (const [lineId, { qty }] of wanted) {
    const line = state.lines.find((l) => l.lineId === lineId);
    if (line === undefined) return invalid(`line ${lineId} is not on the order`);
    if (line.kind !== 'physical') return invalid(`line ${lineId} is ${line.kind}: only physical lines are shipped`);
    const remaining = remainingOf(state, lineId);
    if (qty > remaining) return invalid(`line ${lineId}: ${qty} to ship but only ${remaining} left`);
  }
  const lines = [...wanted].map(([lineId, { qty, codes }]) => ({
    lineId,
    qty,
    ...(codes === undefined ? {} : { markingCodes: codes }),
  }));
  const dupe = lines.flatMap((l) => l.markingCodes ?? []).find((code, i, all) => all.indexOf(code) !== i);
  if (dupe !== undefined)
    return marking('marking-code-reused', `marking code ${dupe} is named twice; each unit has its own code (REC-6)`, {
      code: dupe,
    });
  return markingRefusal(state, lines) ?? lines;
};

/**
 * FUL-1/FUL-2: ship some or all physical lines. Gates: the order is confirmed
 * (an admin shipping a recorded order confirms it, as ec2Biz's processing
 * does, ORD-3); payment is confirmed unless paid on delivery (ORD-8); no hold
 * is in force (a timed hold ends on its own once `at` passes `until`, ORD-7).
 */
export const shipOrder = (state: OrderState, ctx: Ctx, data: ShipOrder['data'], note: ChangeNote = data): Decision => {
  if (state.status === 'pending') return orderPending();
  const events: OrderEvent[] = [];
  if (state.status === 'recorded') {
    if (ctx.actor.kind !== 'admin')
      return fail('order-not-confirmed', 'the order is not confirmed yet: fulfillment is released by confirmation');
    events.push({ type: 'OrderConfirmed', data: { at: ctx.at, trigger: 'admin' } });
  }
  if (!paymentSecured(state) && !cashOrCardOnDelivery(state) && !onCreditTerms(state))
    return fail('payment-not-confirmed', 'shipping is refused until the payment is confirmed (ORD-8)', {
      total: state.totals.total.amount,
      // What she is charged for after refunded returns and compensations (issue 17).
      charged: charged(state),
    });
  const hold = state.fulfillment.hold;
  if (state.fulfillment.status === 'on_hold') {
    if (hold?.until === undefined || !isAtOrAfter(ctx.at, hold.until))
      return fail('fulfillment-on-hold', `fulfillment is on hold: ${hold?.reason ?? ''}`, {
        ...(hold?.until === undefined ? {} : { until: hold.until }),
      });
    events.push({ type: 'FulfillmentHoldReleased', data: { at: ctx.at, note: `hold ended at ${hold.until}` } });
  }
  if (state.fulfillment.status === 'cancelled' || state.fulfillment.status === 'fulfilled')
    return fail('invalid-fulfillment-transition', `cannot ship a ${state.fulfillment.status} order`);
  if (state.fulfillment.shipments.some((s) => s.shipmentId === data.shipmentId))
    return fail('shipment-exists', `shipment ${data.shipmentId} already exists`);
  const lines = shipmentLines(state, data.lines);
  if (!Array.isArray(lines)) return fail(lines.code, lines.message, lines.details);
  if (lines.length === 0 || remainingToShip(state) === 0) return fail('nothing-to-ship', 'nothing is left to ship');
  events.push({
    type: 'ShipmentDispatched',
    data: {
      at: ctx.at,
      shipmentId: data.shipmentId,
      lines,
      shippedAt: data.shippedAt ?? ctx.at,
      ...(data.carrier === undefined ? {} : { carrier: data.carrier }),
      ...(data.trackingReference === undefined ? {} : { trackingReference: data.trackingReference }),
      ...(data.expectedDeliveryAt === undefined ? {} : { expectedDeliveryAt: data.expectedDeliveryAt }),
      ...(data.trackingUrl === undefined ? {} : { trackingUrl: data.trackingUrl }),
      ...changeNoteOf(note),
    },
  });
  return ok(...events);
};

/**
 * FUL-1 fulfilled / FUL-2 delivery date: one shipment or all of them arrived.
 * When every physical unit is shipped and delivered, the order is fulfilled
 * (FUL-4: which triggers the closing receipt and an after-delivery capture).
 * An order with nothing to ship (services) is fulfilled by this command alone.
 */
export const markDelivered = (
  state: OrderState,
  ctx: Ctx,
  data: MarkDelivered['data'],
  note: ChangeNote = data,
): Decision => {
  if (state.status === 'pending') return orderPending();
  const status = state.fulfillment.status;
  if (status === 'fulfilled' || status === 'cancelled')
    return fail('invalid-fulfillment-transition', `the order is already ${status}`);
  const deliveredAt = data.deliveredAt ?? ctx.at;
  const open = state.fulfillment.shipments.filter((s) => s.deliveredAt === undefined);
  const targets = data.shipmentId === undefined ? open : open.filter((s) => s.shipmentId === data.shipmentId);
  if (data.shipmentId !== undefined && targets.length === 0)
    return fail('unknown-shipment', `shipment ${data.shipmentId} is not on its way`);
  const hasPhysical = state.lines.some((line) => line.kind === 'physical');
  if (targets.length === 0 && hasPhysical) return fail('nothing-to-deliver', 'no shipment is on its way');
  const events: OrderEvent[] = targets.map((shipment) => ({
    type: 'ShipmentDelivered',
    data: { at: ctx.at, shipmentId: shipment.shipmentId, deliveredAt, ...changeNoteOf(note) },
  }));
  const allDelivered = open.length === targets.length && remainingToShip(state) === 0;
  if (allDelivered)
    events.push({
      type: 'OrderFulfilled',
      data: { at: ctx.at, deliveredAt, ...(targets.length === 0 ? changeNoteOf(note) : {}) },
    });
  return ok(...events);
};

// ---- corrections (issue 10.2) --------------------------------------------

const shipmentOf = (state: OrderState, shipmentId: string) =>
  state.fulfillment.shipments.find((s) => s.shipmentId === shipmentId);

/**
 * FUL-2/ORD-4: correct a shipment after the fact (carrier, tracking, dates),
 * also once delivered or locked: shipping data is not the composition. Only
 * the fields that change are recorded; nothing changed: no event.
 */
export const amendShipment = (state: OrderState, ctx: Ctx, data: AmendShipment['data']): Decision => {
  const shipment = shipmentOf(state, data.shipmentId);
  if (shipment === undefined) return fail('unknown-shipment', `no shipment ${data.shipmentId} on this order`);
  const fields = [
    'carrier',
    'trackingReference',
    'trackingUrl',
    'shippedAt',
    'expectedDeliveryAt',
    'deliveredAt',
  ] as const;
  const changed: Partial<Record<(typeof fields)[number], string>> = {};
  for (const key of fields) {
    const value = data[key];
    if (value !== undefined && value !== shipment[key]) changed[key] = value;
  }
  if (changed.deliveredAt !== undefined && shipment.deliveredAt === undefined)
    return fail(
      'shipment-not-delivered',
      `shipment ${data.shipmentId} is on its way: record its delivery with MarkDelivered`,
    );
  if (Object.keys(changed).length === 0) return ok();
  return ok({
    type: 'ShipmentAmended',
    data: { at: ctx.at, shipmentId: data.shipmentId, ...changeNoteOf(data), ...changed },
  });
};

/**
 * Issue 10.2: a shipment that was not delivered is cancelled, or its parcel
 * came back (`returned`): the goods are to be shipped again and the status
 * steps back (shipped -> processed). A delivered parcel that comes back is a
 * return of goods: refund it with its lines (PAY-5).
 */
export const cancelShipment = (state: OrderState, ctx: Ctx, data: CancelShipment['data']): Decision => {
  const shipment = shipmentOf(state, data.shipmentId);
  if (shipment === undefined) return fail('unknown-shipment', `no shipment ${data.shipmentId} on this order`);
  if (shipment.deliveredAt !== undefined)
    return fail('shipment-delivered', `shipment ${data.shipmentId} was delivered: refund the returned goods (PAY-5)`);
  return ok({
    type: 'ShipmentCancelled',
    data: {
      at: ctx.at,
      shipmentId: shipment.shipmentId,
      lines: shipment.lines.map((line) => ({ ...line })),
      reason: data.reason,
      returned: data.returned ?? false,
      ...changeNoteOf(data),
    },
  });
};
