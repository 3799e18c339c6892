import { derivedId, domainError, type DomainError, type Envelope, type Money } from '@ordersource/core';
import * as E from 'fp-ts/lib/Either.js';
import type { OrderEvent, RefundLine, ShipmentLine } from '../order/events.js';
import { isDearUnit, isMarked, lineCodesOf } from '../order/marking.js';
import { onBooks } from '../order/refunds.js';
import { dearLineId, netTotals, returnedUnits, unitSplit } from '../order/net-prices.js';
import type { OrderLine, PaymentMethod, VatRate } from '../order/values.js';
import type { ReceiptsCommand } from './commands.js';
import { receiptsStreamId } from './events.js';
import type { Channel, Means, PaymentSubject, VatCode } from './kinds.js';
import type { ReceiptLine, ReturnedLine } from './model.js';

/**
 * The adapter from the order domain's stream (`order/events.ts`) to the
 * receipts policy's input model: compositions, money movements, handovers.
 * A pure fold over one order's history; every command it makes has an id
 * derived from the order event that caused it, so translating the same
 * history again yields the same commands and the handler appends nothing twice.
 */

export type TranslateOptions = Readonly<{
  /** Name, VAT and line id of the shipping position (default "Доставка", vat20, "shipping"). */
  shipping?: Readonly<{ name?: string; vat?: VatCode; lineId?: string }>;
  /** Payment subject of a line (default: marked-goods with a marking code, service, else goods). */
  subjectOf?: (line: OrderLine) => PaymentSubject;
  /** How money of a payment method arrives, by method code; overrides the default by method kind. */
  moneyOf?: Readonly<Record<string, Readonly<{ means: Means; channel: Channel }>>>;
}>;

type Translation = {
  orderId: string | null;
  currency: string | null;
  lines: OrderLine[];
  shippingFee: number;
  discount: number;
  orderMethod: PaymentMethod | null;
  methods: Record<string, PaymentMethod>;
  shipped: Record<string, number>;
  /** The shipments on their way or delivered, in order: their lines carry the marked units' codes (REC-6). */
  shipments: { shipmentId: string; lines: ShipmentLine[] }[];
  shippedOut: boolean;
  /** Money refunded so far, in minor units. */
  refunded: number;
  /** Units of each order line refunded as returned (PAY-5), in the order they came back. */
  returned: Record<string, number>;
  /** Captures seen per payment: a payment may be captured in parts. */
  captures: Record<string, number>;
  /** Money captured so far, in minor units. */
  captured: number;
  /**
   * Issue 9.3: each refund's outcomes (succeeded, reversed), so receipts
   * follow its money on the books (`order/refunds.ts`), whatever order the
   * outcomes arrive in. Requests and failures issue nothing.
   */
  refunds: Record<
    string,
    {
      paymentId: string;
      succeeded: number;
      reversed: number;
      reversals: number;
      /** Issue 9: the goods this refund returned on the order, while its money is on the books. */
      goods?: RefundLine[];
    }
  >;
  /**
   * Issue 9 (PAY-5): units of each order line returned on the order (refund outcomes, once: a reversal takes
   * them back). `returned` counts what the receipts returned, which a reversal does not undo (its money is
   * receipted as income): a retry names to the receipts only the units they have not returned yet.
   */
  orderReturned: Record<string, number>;
  /** REC-6: marking codes the receipts returned. */
  codesReturned: string[];
  /** Issue 17: the receipts returned the shipping position (a reversal does not undo it, as for goods). */
  shippingReturned: boolean;
  /**
   * FUL-3/REC-4 (issue 9.4): a digital-only order's downloads unlocked on an
   * authorization; the goods count as handed over once money covers the
   * order, never before (a void would leave a credit handover nobody pays).
   */
  downloadsAwaitMoney: boolean;
};

export type ReceiptsCommandFor = Readonly<{ streamId: string; command: ReceiptsCommand }>;

const POLICY = 'receipts-policy';

const vatCodeOf = (rate: VatRate): E.Either<DomainError, VatCode> => {
  if (typeof rate === 'string') return E.right(rate);
  const byPoints: Readonly<Record<number, VatCode>> = {
    0: 'vat0',
    500: 'vat5',
    700: 'vat7',
    1000: 'vat10',
    2000: 'vat20',
    2200: 'vat22',
  };
  const code = byPoints[rate.basisPoints];
  return code === undefined
    ? E.left(domainError('unsupported-vat', `VAT of ${rate.basisPoints} basis points has no 54-FZ code`, { rate }))
    : E.right(code);
};

const defaultSubject = (line: OrderLine): PaymentSubject =>
  isMarked(line) ? 'marked-goods' : line.kind === 'service' ? 'service' : 'goods';

const moneyOfMethod = (
  method: PaymentMethod | undefined | null,
  options: TranslateOptions,
): { means: Means; channel: Channel } => {
  if (method === undefined || method === null) return { means: 'electronic', channel: 'online' };
  const configured = options.moneyOf?.[method.code];
  if (configured !== undefined) return configured;
  switch (method.kind) {
    case 'online':
      return { means: 'electronic', channel: 'online' };
    case 'offline':
      return { means: 'electronic', channel: 'transfer' };
    case 'cash_on_delivery':
      return { means: 'cash', channel: 'courier' };
    case 'card_on_delivery':
      return { means: 'electronic', channel: 'courier' };
  }
};

type Position = Readonly<{
  base: Omit<ReceiptLine, 'quantity' | 'price' | 'markingCodes'>;
  quantity: number;
  /** REC-6: the codes of a marked line's units scanned so far, in shipment order. */
  codes?: readonly string[];
}>;

/**
 * The receipt composition: order lines plus shipping, priced net of the order
 * discount (`order/net-prices.ts`, no kopeck lost; the order decider prices
 * returns the same way). A line whose net total does not divide by its
 * quantity is split in two positions one kopeck apart, as registers require
 * whole-kopeck prices.
 */
const compositionOf = (t: Translation, options: TranslateOptions): E.Either<DomainError, ReceiptLine[]> => {
  const currency = t.currency;
  if (currency === null) return E.left(domainError('unknown-order', 'an order event came before OrderPlaced'));
  const positions: Position[] = [];
  for (const line of t.lines) {
    const vat = vatCodeOf(line.vatRate);
    if (E.isLeft(vat)) return vat;
    positions.push({
      base: {
        lineId: line.lineId,
        name: line.name,
        unit: line.unit ?? 'шт',
        vat: vat.right,
        subject: (options.subjectOf ?? defaultSubject)(line),
        kind: line.kind,
      },
      quantity: line.qty,
      ...(isMarked(line) ? { codes: lineCodesOf(line, t.shipments) } : {}),
    });
  }
  if (t.shippingFee > 0)
    positions.push({
      base: {
        lineId: shippingLineId(options),
        name: options.shipping?.name ?? 'Доставка',
        unit: 'усл',
        vat: options.shipping?.vat ?? 'vat20',
        subject: 'service',
        kind: 'service',
      },
      quantity: 1,
    });
  const net = netTotals(currency, t.lines, t.shippingFee, t.discount);
  if (E.isLeft(net)) return net;
  const totals = [...net.right.lines, net.right.shipping];
  const out: ReceiptLine[] = [];
  positions.forEach((position, i) => {
    const split = unitSplit(totals[i] ?? 0, position.quantity);
    // REC-6: a marked unit takes the position of its place among the line's codes (cheap units first).
    const priced = (lineId: string, quantity: number, price: number, codes?: readonly string[]): ReceiptLine => ({
      ...position.base,
      lineId,
      quantity,
      price: { amount: price, currency },
      ...(codes === undefined || codes.length === 0 ? {} : { markingCodes: [...codes] }),
    });
    const codes = position.codes;
    if (split.dear === 0) out.push(priced(position.base.lineId, position.quantity, split.unit, codes));
    else {
      out.push(priced(position.base.lineId, split.cheap, split.unit, codes?.slice(0, split.cheap)));
      out.push(priced(dearLineId(position.base.lineId), split.dear, split.unit + 1, codes?.slice(split.cheap)));
    }
  });
  return E.right(out);
};

const shippingLineId = (options: TranslateOptions): string => options.shipping?.lineId ?? 'shipping';

/**
 * The receipt positions a return of order lines gives back: each line's
 * units in the order `returnedUnits` prices them (cheap before dear), after
 * the units returned earlier. Advances `t.returned`.
 */
const returnedPositions = (t: Translation, lines: readonly RefundLine[]): E.Either<DomainError, ReturnedLine[]> => {
  const currency = t.currency;
  if (currency === null) return E.left(domainError('unknown-order', 'an order event came before OrderPlaced'));
  const net = netTotals(currency, t.lines, t.shippingFee, t.discount);
  if (E.isLeft(net)) return net;
  const out: ReturnedLine[] = [];
  for (const entry of lines) {
    const index = t.lines.findIndex((line) => line.lineId === entry.lineId);
    const line = t.lines[index];
    if (line === undefined)
      return E.left(domainError('unknown-line', `order ${t.orderId ?? '?'} has no line ${entry.lineId}`));
    const before = t.returned[entry.lineId] ?? 0;
    const split = unitSplit(net.right.lines[index] ?? 0, line.qty);
    t.returned[entry.lineId] = before + entry.qty;
    if (entry.markingCodes !== undefined && entry.markingCodes.length > 0) {
      // REC-6: each marked unit goes back to the position its code was settled in.
      const codes = lineCodesOf(line, t.shipments);
      const dear = entry.markingCodes.filter((code) => isDearUnit(codes, code, split.cheap));
      const cheap = entry.markingCodes.filter((code) => !isDearUnit(codes, code, split.cheap));
      if (cheap.length > 0) out.push({ lineId: entry.lineId, quantity: cheap.length, markingCodes: cheap });
      if (dear.length > 0) out.push({ lineId: dearLineId(entry.lineId), quantity: dear.length, markingCodes: dear });
      continue;
    }
    const units = returnedUnits(split, before, entry.qty);
    if (units.cheap > 0) out.push({ lineId: entry.lineId, quantity: units.cheap });
    if (units.dear > 0) out.push({ lineId: dearLineId(entry.lineId), quantity: units.dear });
  }
  return E.right(out);
};

/**
 * Issue 9: of the goods a refund returns on the order, the units the receipts
 * have not returned yet (a retry after a reversal names goods they returned
 * with the reversed refund); advances `orderReturned`.
 */
const freshGoods = (t: Translation, lines: readonly RefundLine[]): RefundLine[] => {
  const out: RefundLine[] = [];
  for (const line of lines) {
    const before = t.orderReturned[line.lineId] ?? 0;
    t.orderReturned[line.lineId] = before + line.qty;
    const qty = Math.min(line.qty, Math.max(0, before + line.qty - (t.returned[line.lineId] ?? 0)));
    if (qty === 0) continue;
    const codes = (line.markingCodes ?? []).filter((code) => !t.codesReturned.includes(code)).slice(0, qty);
    t.codesReturned.push(...codes);
    out.push({ lineId: line.lineId, qty, ...(codes.length === 0 ? {} : { markingCodes: codes }) });
  }
  return out;
};

const initial: Translation = {
  orderId: null,
  currency: null,
  lines: [],
  shippingFee: 0,
  discount: 0,
  orderMethod: null,
  methods: {},
  shipped: {},
  shipments: [],
  shippedOut: false,
  refunded: 0,
  returned: {},
  captures: {},
  captured: 0,
  refunds: {},
  orderReturned: {},
  codesReturned: [],
  shippingReturned: false,
  downloadsAwaitMoney: false,
};

type Intent =
  | Readonly<{ type: 'RecordComposition'; data: Extract<ReceiptsCommand, { type: 'RecordComposition' }>['data'] }>
  | Readonly<{ type: 'RecordPayment'; data: Extract<ReceiptsCommand, { type: 'RecordPayment' }>['data'] }>
  | Readonly<{ type: 'RecordRefund'; data: Extract<ReceiptsCommand, { type: 'RecordRefund' }>['data'] }>
  | Readonly<{ type: 'RecordHandover'; data: Extract<ReceiptsCommand, { type: 'RecordHandover' }>['data'] }>
  | Readonly<{ type: 'SetClosingTrigger'; data: Extract<ReceiptsCommand, { type: 'SetClosingTrigger' }>['data'] }>;

const composition = (t: Translation, changeId: string, options: TranslateOptions): E.Either<DomainError, Intent[]> =>
  E.map((lines: ReceiptLine[]): Intent[] =>
    lines.length === 0 || t.orderId === null
      ? []
      : [{ type: 'RecordComposition', data: { orderId: t.orderId, changeId, lines } }],
  )(compositionOf(t, options));

const allPhysicalShipped = (t: Translation): boolean =>
  t.lines.every((line) => line.kind !== 'physical' || (t.shipped[line.lineId] ?? 0) >= line.qty);

const downloadsHandover: Intent = {
  type: 'RecordHandover',
  data: { handoverId: 'downloads-unlocked', stage: 'delivered' },
};

/** Captured, not refunded, money covers the order's total. */
const moneyCovers = (t: Translation): boolean =>
  t.captured - t.refunded >=
  t.lines.reduce((sum, line) => sum + line.unitPrice.amount * line.qty, 0) + t.shippingFee - t.discount;

const refundOutcomes = (
  t: Translation,
  refundId: string,
  paymentId: string | undefined,
): Translation['refunds'][string] => {
  const known = t.refunds[refundId];
  if (known !== undefined) {
    if (known.paymentId === '' && paymentId !== undefined) known.paymentId = paymentId;
    return known;
  }
  const fresh: Translation['refunds'][string] = { paymentId: paymentId ?? '', succeeded: 0, reversed: 0, reversals: 0 };
  t.refunds[refundId] = fresh;
  return fresh;
};

/** One step of the fold: the order event's effect on the receipts side. */
const step = (
  t: Translation,
  envelope: Envelope<OrderEvent>,
  options: TranslateOptions,
): E.Either<DomainError, Intent[]> => {
  const event = envelope.event;
  const id = envelope.eventId;
  const amountOf = (m: Money): Money => ({ amount: m.amount, currency: m.currency });
  switch (event.type) {
    case 'OrderPlaced':
      t.orderId = event.data.orderId;
      t.currency = event.data.currency;
      t.lines = event.data.lines.map((line) => ({ ...line }));
      t.shippingFee = event.data.totals.shippingFee.amount;
      t.discount = event.data.totals.discount.amount;
      t.orderMethod = event.data.paymentMethod;
      // REC-8 (issue 9.7): the order's own closing trigger; absent means on delivery, the receipts default.
      return E.map((intents: Intent[]): Intent[] =>
        event.data.closingReceipt === undefined
          ? intents
          : [...intents, { type: 'SetClosingTrigger', data: { closeOn: event.data.closingReceipt } }],
      )(composition(t, id, options));
    case 'ClosingReceiptScheduled':
      return E.right([{ type: 'SetClosingTrigger', data: { closeOn: event.data.closingReceipt } }]);
    case 'OrderLineAdded':
      t.lines = [...t.lines, { ...event.data.line }];
      t.shippingFee = event.data.totals.shippingFee.amount;
      t.discount = event.data.totals.discount.amount;
      return composition(t, id, options);
    case 'OrderLineRemoved':
      t.lines = t.lines.filter((line) => line.lineId !== event.data.lineId);
      t.shippingFee = event.data.totals.shippingFee.amount;
      t.discount = event.data.totals.discount.amount;
      return composition(t, id, options);
    case 'OrderLineChanged':
      t.lines = t.lines.map((line) =>
        line.lineId === event.data.lineId ? { ...line, qty: event.data.qty, unitPrice: event.data.unitPrice } : line,
      );
      t.shippingFee = event.data.totals.shippingFee.amount;
      t.discount = event.data.totals.discount.amount;
      return composition(t, id, options);
    case 'ShippingFeeChanged':
      t.shippingFee = event.data.totals.shippingFee.amount;
      t.discount = event.data.totals.discount.amount;
      return composition(t, id, options);
    case 'PaymentRequested':
      t.methods[event.data.paymentId] = event.data.method;
      return E.right([]);
    case 'PaymentCaptured': {
      const how = moneyOfMethod(t.methods[event.data.paymentId] ?? t.orderMethod, options);
      // Readable and stable: the payment and which of its captures this is.
      const n = (t.captures[event.data.paymentId] ?? 0) + 1;
      t.captures[event.data.paymentId] = n;
      t.captured += event.data.amount.amount;
      const payment: Intent = {
        type: 'RecordPayment',
        data: { movementId: `${event.data.paymentId}:capture-${n}`, amount: amountOf(event.data.amount), ...how },
      };
      if (!t.downloadsAwaitMoney || !moneyCovers(t)) return E.right([payment]);
      t.downloadsAwaitMoney = false;
      return E.right([payment, downloadsHandover]);
    }
    case 'PaymentRefunded': {
      const how = moneyOfMethod(t.methods[event.data.paymentId] ?? t.orderMethod, options);
      const outcomes = refundOutcomes(t, event.data.refundId, event.data.paymentId);
      const before = onBooks(outcomes);
      outcomes.succeeded += event.data.amount.amount;
      // Issue 9.3: a refund reversed before its success was reported gives nothing back: no return receipt.
      const delta = onBooks(outcomes) - before;
      if (delta === 0) return E.right([]);
      const amount = { amount: delta, currency: event.data.amount.currency };
      // A first refund: none before it, and (issue 9) no goods returned on the receipts by one since reversed.
      const first = t.refunded === 0 && Object.values(t.returned).every((qty) => qty === 0) && !t.shippingReturned;
      t.refunded += amount.amount;
      const refund = (lines?: readonly ReturnedLine[]): Intent[] => [
        {
          type: 'RecordRefund',
          data: {
            movementId: `${event.data.paymentId}:refund-${event.data.refundId}`,
            amount,
            means: how.means,
            ...(lines === undefined ? {} : { lines }),
          },
        },
      ];
      // The goods that came back, as the order decider priced them (REC-7); after a reversal, a retry names
      // only the units the receipts have not returned already (issue 9), the rest of its money returns the advance.
      // Issue 17: the shipping position when the refund gives it back (`shipping`, its whole price as receipted),
      // once on the receipts. Issue 9 (PAY-5): the money on the books may be less than the goods are worth (the
      // provider confirmed part of the refund, or part was reversed first): the goods are still the ones named,
      // and the receipts price them pro rata to that money (`proRata`, policy.ts).
      const shipping =
        event.data.shipping === undefined || t.shippingReturned
          ? []
          : [{ lineId: shippingLineId(options), quantity: 1 }];
      if (event.data.lines !== undefined || event.data.shipping !== undefined) {
        if (event.data.lines !== undefined) outcomes.goods = event.data.lines.map((line) => ({ ...line }));
        if (shipping.length > 0) t.shippingReturned = true;
        const fresh = freshGoods(t, event.data.lines ?? []);
        if (fresh.length > 0 || shipping.length > 0)
          return E.map((goods: ReturnedLine[]) => refund([...goods, ...shipping]))(returnedPositions(t, fresh));
        return E.right(refund());
      }
      // Refunds naming no goods (older ones, a provider's or a dashboard's): a first refund of the whole composition
      // returns all of it; after settlement any other returns the advances not offset and the rest is recorded
      // unassigned until an admin names its goods (issue 9, `AssignRefundGoods`).
      return E.map((lines: ReceiptLine[]): Intent[] => {
        const whole =
          first && lines.reduce((sum, line) => sum + line.price.amount * line.quantity, 0) === amount.amount;
        return refund(
          whole
            ? lines.map((line) => ({
                lineId: line.lineId,
                quantity: line.quantity,
                ...(line.markingCodes === undefined ? {} : { markingCodes: line.markingCodes }),
              }))
            : undefined,
        );
      })(compositionOf(t, options));
    }
    case 'RefundReversed': {
      // Issue 9.3: refunded money came back to the shop: money received again, receipted as income (REC-1).
      const outcomes = refundOutcomes(t, event.data.refundId, event.data.paymentId);
      const before = onBooks(outcomes);
      outcomes.reversed += event.data.amount.amount;
      const back = before - onBooks(outcomes);
      if (back === 0) return E.right([]);
      outcomes.reversals += 1;
      t.refunded -= back;
      // Issue 9: its goods are no longer returned on the order (a retry names them again).
      if (onBooks(outcomes) === 0 && outcomes.goods !== undefined) {
        for (const line of outcomes.goods)
          t.orderReturned[line.lineId] = Math.max(0, (t.orderReturned[line.lineId] ?? 0) - line.qty);
        delete outcomes.goods;
      }
      const how = moneyOfMethod(t.methods[outcomes.paymentId] ?? t.orderMethod, options);
      return E.right([
        {
          type: 'RecordPayment',
          data: {
            movementId: `${outcomes.paymentId}:refund-${event.data.refundId}-reversed-${outcomes.reversals}`,
            amount: { amount: back, currency: event.data.amount.currency },
            ...how,
            // Issue 9: the refund it reverses, so money recorded unassigned for it comes back with no receipt.
            reverses: `${outcomes.paymentId}:refund-${event.data.refundId}`,
          },
        },
      ]);
    }
    case 'ShipmentDispatched': {
      for (const line of event.data.lines) t.shipped[line.lineId] = (t.shipped[line.lineId] ?? 0) + line.qty;
      t.shipments.push({ shipmentId: event.data.shipmentId, lines: event.data.lines.map((line) => ({ ...line })) });
      // REC-6: the codes scanned at packing join the composition before any handover needs them.
      const scanned = event.data.lines.some((entry) =>
        t.lines.some((line) => line.lineId === entry.lineId && isMarked(line)),
      );
      const codes = scanned ? composition(t, id, options) : E.right<DomainError, Intent[]>([]);
      if (E.isLeft(codes) || t.shippedOut || !allPhysicalShipped(t)) return codes;
      t.shippedOut = true;
      return E.right([...codes.right, { type: 'RecordHandover', data: { handoverId: 'shipped', stage: 'shipped' } }]);
    }
    case 'ShipmentCancelled':
      // Issue 10.2: the goods are back, to be shipped again (and their units scanned again, REC-6).
      for (const line of event.data.lines)
        t.shipped[line.lineId] = Math.max(0, (t.shipped[line.lineId] ?? 0) - line.qty);
      t.shipments = t.shipments.filter((shipment) => shipment.shipmentId !== event.data.shipmentId);
      return E.right([]);
    case 'OrderFulfilled':
      // An all-digital order fulfilled by an authorization is handed over when the money comes (issue 9.4).
      if (t.downloadsAwaitMoney) return E.right([]);
      return E.right([{ type: 'RecordHandover', data: { handoverId: 'delivered', stage: 'delivered' } }]);
    case 'DownloadsUnlocked':
      // A digital-only order is handed over when its downloads unlock (FUL-3, REC-4), once money covers it (9.4).
      if (t.lines.length === 0 || !t.lines.every((line) => line.kind === 'digital')) return E.right([]);
      if (moneyCovers(t)) return E.right([downloadsHandover]);
      t.downloadsAwaitMoney = true;
      return E.right([]);
    case 'DownloadsLocked':
      // Issue 9.4: the authorization behind them went away; nothing was handed over.
      t.downloadsAwaitMoney = false;
      return E.right([]);
    default:
      return E.right([]);
  }
};

/**
 * Translate one order's history into receipts commands. Command ids are
 * derived from (policy, causing event id, index); time is the event's.
 */
export const receiptsCommandsFor = (
  history: readonly Envelope<OrderEvent>[],
  options: TranslateOptions = {},
): E.Either<DomainError, ReceiptsCommandFor[]> => {
  const t: Translation = {
    ...initial,
    lines: [],
    methods: {},
    shipped: {},
    shipments: [],
    refunded: 0,
    returned: {},
    captures: {},
    refunds: {},
    orderReturned: {},
    codesReturned: [],
    shippingReturned: false,
  };
  const out: ReceiptsCommandFor[] = [];
  for (const envelope of history) {
    const intents = step(t, envelope, options);
    if (E.isLeft(intents)) return intents;
    intents.right.forEach((intent, index) => {
      if (t.orderId === null) return;
      out.push({
        streamId: receiptsStreamId(t.orderId),
        command: {
          ...intent,
          metadata: {
            commandId: derivedId(POLICY, envelope.eventId, index),
            actor: { kind: 'system', id: POLICY },
            at: envelope.occurredAt,
            causationId: envelope.eventId,
            correlationId: envelope.correlationId ?? envelope.eventId,
          },
        },
      });
    });
  }
  return E.right(out);
};
