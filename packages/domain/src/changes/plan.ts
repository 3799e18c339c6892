import * as E from 'fp-ts/lib/Either.js';
import { applyEvents, domainError, type DomainError, type Money } from '@ordersource/core';
import type { OrderCommand } from '../order/commands.js';
import { orderDecider } from '../order/decider.js';
import { orderStreamId, type OrderEvent, type RefundLine } from '../order/events.js';
import { amountDueBack, requestable } from '../order/payment-status.js';
import type { OrderState } from '../order/state.js';
import type { OrderLine, PaymentMethod } from '../order/values.js';
import { orderChangeStreamId } from './events.js';
import type { OrderChangeState } from './state.js';
import { stagedOrder } from './staged.js';
import { restockLinesOf, type RestockLine } from './restock.js';
import { creditOwed } from '../credit/refund.js';
import type { RefundDestination } from '../credit/values.js';

/**
 * Issue 17: what a confirmed (or received) change does to the order stream,
 * as commands of the order's own decider, so the order stays the one source
 * of money and receipts truth. Pure: given the change and the order's history
 * before the change touched it, the same commands with the same ids
 * (`<changeId>:apply:<n>`) come out every time; the command handler's
 * idempotency makes applying twice append nothing.
 *
 * Every command is first decided here against the state the earlier ones
 * leave, so a refusal (the order moved on: locked, refunded elsewhere) is
 * known before anything is sent, and nothing is sent.
 */

/** The tender of value moved from returned goods to the order that replaces them (exchange, claim replacement). */
export const EXCHANGE_TRANSFER: PaymentMethod = {
  code: 'exchange-transfer',
  name: 'Value of returned goods',
  kind: 'offline',
  capture: 'manual',
};

export type PlannedCommand = Readonly<{ streamId: string; command: OrderCommand }>;

export type ChangePlan = Readonly<{
  commands: readonly PlannedCommand[];
  /** The order's state after the plan, and the replacement order's (exchange, claim replacement). */
  order: OrderState;
  exchangeOrder?: Readonly<{ orderId: string; state: OrderState }>;
  /** Money: refunded to the customer for real, moved to the replacement order, put on her store credit, asked for. */
  refunded: number;
  transferred: number;
  credited: number;
  /** The events the commands append, per order stream (for the preview's receipts). */
  produced: Readonly<Record<string, readonly OrderEvent[]>>;
  requested: number;
  restock: readonly RestockLine[];
}>;

export type PlanError = DomainError & Readonly<{ commandType?: string }>;

export const APPLY_ACTOR = { kind: 'system', id: 'order-changes' } as const;

/** The prefix of the applying commands' ids: events caused by them are the change's own. */
export const applyIdPrefix = (changeId: string): string => `${changeId}:apply:`;

export const exchangeOrderIdOf = (change: OrderChangeState): string =>
  `${change.basis?.orderId ?? ''}-${change.changeId}`;

type Stream = { streamId: string; state: OrderState; events: OrderEvent[] };

class Planner {
  readonly commands: PlannedCommand[] = [];
  constructor(
    private readonly changeId: string,
    private readonly at: string,
  ) {}

  /** Decide `command` on the stream, keep it when it appends something; a refusal stops the plan. */
  send<T extends OrderCommand['type']>(
    stream: Stream,
    type: T,
    data: Extract<OrderCommand, { type: T }>['data'],
  ): E.Either<PlanError, OrderEvent[]> {
    const command = {
      type,
      data,
      metadata: {
        commandId: `${applyIdPrefix(this.changeId)}${this.commands.length}`,
        actor: APPLY_ACTOR,
        at: this.at,
        correlationId: orderChangeStreamId(this.changeId),
      },
    } as Extract<OrderCommand, { type: T }>;
    const decided = orderDecider.decide(command, stream.state);
    if (E.isLeft(decided)) return E.left({ ...decided.left, commandType: type });
    if (decided.right.length === 0) return E.right([]);
    this.commands.push({ streamId: stream.streamId, command });
    stream.events.push(...decided.right);
    stream.state = applyEvents(orderDecider, stream.state, decided.right);
    return E.right([...decided.right]);
  }
}

const refusal = (code: string, message: string): E.Either<PlanError, never> => E.left(domainError(code, message));

/**
 * Sum the units per line (a line named twice is named once, as refunds require).
 * REC-6 (issue 9.5): a marked line's return names its units' codes; they come
 * from the received items (`units`) or, when every named unit arrived, from
 * the return's items, as many as the units that come back.
 */
const refundLinesOf = (
  items: readonly { lineId: string; qty: number; units?: readonly string[] }[],
  named: readonly { lineId: string; units?: readonly string[] }[] = [],
): RefundLine[] => {
  const sums = new Map<string, number>();
  for (const item of items) sums.set(item.lineId, (sums.get(item.lineId) ?? 0) + item.qty);
  const unitsOf = (list: readonly { lineId: string; units?: readonly string[] }[], lineId: string) =>
    list.filter((item) => item.lineId === lineId).flatMap((item) => item.units ?? []);
  return [...sums].map(([lineId, qty]) => {
    // The codes of the units that arrived when the receipt names them, else the return's own (all of them arrived).
    const arrived = unitsOf(items, lineId);
    const codes = arrived.length > 0 ? arrived : unitsOf(named, lineId);
    return codes.length >= qty && codes.length > 0
      ? { lineId, qty, markingCodes: codes.slice(0, qty) }
      : { lineId, qty };
  });
};

const refundedBy = (events: readonly OrderEvent[]): number =>
  events.reduce((sum, e) => sum + (e.type === 'PaymentRefunded' ? e.data.amount.amount : 0), 0);

/** The value the order decider puts on returning these lines (what was paid for them), without sending anything. */
const returnValue = (
  order: OrderState,
  lines: readonly RefundLine[],
  at: string,
  shipping: boolean,
): E.Either<PlanError, number> => {
  const probe: OrderCommand = {
    type: 'RefundPayment',
    data: {
      refundId: 'probe',
      ...(lines.length === 0 ? {} : { lines: [...lines] }),
      external: true,
      ...(shipping ? { shipping } : {}),
    },
    metadata: { commandId: 'probe', actor: APPLY_ACTOR, at },
  };
  const decided = orderDecider.decide(probe, order);
  if (E.isRight(decided)) return E.right(refundedBy(decided.right));
  return decided.left.code === 'nothing-to-refund'
    ? E.right(0)
    : E.left({ ...decided.left, commandType: 'RefundPayment' });
};

const money = (amount: number, currency: string): Money => ({ amount, currency });

const reasonsOf = (change: OrderChangeState): string =>
  `${change.kind} ${change.changeId}: ${[...new Set(change.items.map((i) => i.reason))].join(', ')}`;

/** Issue 17: where the change's refund goes (the shop says so when it confirms). */
const destinationOf = (change: OrderChangeState): RefundDestination => change.confirmation?.refundTo ?? 'original';

/** The composition edit, then the balance: open requests replaced by one for what is due, or the excess refunded. */
const planEdit = (p: Planner, change: OrderChangeState, order: Stream): E.Either<PlanError, void> => {
  const note = { note: `order change ${change.changeId}` };
  const before = order.state.totals.total.amount;
  for (const action of change.actions) {
    const sent =
      action.action === 'add-line'
        ? p.send(order, 'AddOrderLine', { line: action.line, ...note })
        : action.action === 'remove-line'
          ? p.send(order, 'RemoveOrderLine', { lineId: action.lineId, ...note })
          : action.action === 'change-quantity'
            ? p.send(order, 'ChangeOrderLine', { lineId: action.lineId, qty: action.qty, ...note })
            : p.send(order, 'ChangeShippingFee', {
                shippingFee: action.shippingFee,
                discount: action.discount,
                ...note,
              });
    if (E.isLeft(sent)) return sent;
  }
  if (order.state.totals.total.amount === before) return E.right(undefined);
  // Open links were for the old total: void them, then ask once for what is due now.
  for (const payment of order.state.payments.filter((x) => x.status === 'pending' || x.status === 'failed')) {
    const voided = p.send(order, 'VoidPayment', {
      paymentId: payment.paymentId,
      reason: `order change ${change.changeId}: replaced by a request for the new balance`,
    });
    if (E.isLeft(voided)) return voided;
  }
  const due = requestable(order.state);
  const method = order.state.details?.paymentMethod;
  if (due > 0 && method !== undefined) {
    const link = change.confirmation?.paymentLink;
    const requested = p.send(order, 'RequestPayment', {
      paymentId: `${change.changeId}-balance`,
      amount: money(due, order.state.currency),
      method,
      channel: link?.channel ?? 'email',
      ...(link?.url === undefined ? {} : { url: link.url }),
      ...(link?.expiresAt === undefined ? {} : { expiresAt: link.expiresAt }),
      ...note,
    });
    if (E.isLeft(requested)) return requested;
  }
  if (amountDueBack(order.state) > 0) {
    const toCredit = destinationOf(change) === 'store-credit';
    const refunded = p.send(order, 'RefundExcess', {
      refundId: `${change.changeId}-refund`,
      reason: `order change ${change.changeId}${toCredit ? '; to store credit' : ''}`,
      ...(toCredit ? { external: true } : {}),
    });
    if (E.isLeft(refunded)) return refunded;
  }
  return E.right(undefined);
};

/** The replacement order: same customer and addresses, the new lines, paid first by the moved value. */
const placeReplacement = (
  p: Planner,
  change: OrderChangeState,
  original: OrderState,
  lines: readonly OrderLine[],
  discount: number,
  transfer: number,
): E.Either<PlanError, Stream> => {
  const details = original.details;
  if (details === null) return refusal('order-not-found', 'no such order');
  const orderId = exchangeOrderIdOf(change);
  const stream: Stream = { streamId: orderStreamId(orderId), state: orderDecider.initialState, events: [] };
  const currency = original.currency;
  const subtotal = lines.reduce((sum, l) => sum + l.unitPrice.amount * l.qty, 0);
  const total = subtotal - discount;
  // Paid in full by the moved value: the checkout request is that transfer; else the order's own method.
  const byTransfer = transfer > 0 && transfer >= total;
  const placed = p.send(stream, 'PlaceOrder', {
    orderId,
    orderNumber: `${details.orderNumber}-${change.changeId}`,
    paymentId: byTransfer ? `${change.changeId}-transfer` : `${change.changeId}-checkout`,
    lines: [...lines],
    subtotal: money(subtotal, currency),
    shippingFee: money(0, currency),
    discount: money(discount, currency),
    total: money(total, currency),
    shippingMethod: details.shippingMethod,
    paymentMethod: byTransfer ? EXCHANGE_TRANSFER : details.paymentMethod,
    customer: details.customer,
    billingAddress: details.billingAddress,
    shippingAddress: details.shippingAddress,
    remark: `${change.kind} ${change.changeId} of order ${details.orderNumber}`,
  });
  if (E.isLeft(placed)) return placed;
  if (transfer === 0 || total === 0) return E.right(stream);
  if (byTransfer) {
    const paid = p.send(stream, 'ConfirmOfflinePayment', { paymentId: `${change.changeId}-transfer` });
    return E.map(() => stream)(paid);
  }
  // The new items cost more: the moved value pays a part, a link asks for the difference.
  const steps: (() => E.Either<PlanError, unknown>)[] = [
    () =>
      p.send(stream, 'VoidPayment', {
        paymentId: `${change.changeId}-checkout`,
        reason: 'split into the moved value and the difference',
      }),
    () =>
      p.send(stream, 'RequestPayment', {
        paymentId: `${change.changeId}-transfer`,
        amount: money(transfer, currency),
        method: EXCHANGE_TRANSFER,
        channel: 'checkout',
      }),
    () => p.send(stream, 'ConfirmOfflinePayment', { paymentId: `${change.changeId}-transfer` }),
    () => {
      const link = change.confirmation?.paymentLink;
      return p.send(stream, 'RequestPayment', {
        paymentId: `${change.changeId}-balance`,
        amount: money(total - transfer, currency),
        method: details.paymentMethod,
        channel: link?.channel ?? 'email',
        ...(link?.url === undefined ? {} : { url: link.url }),
        ...(link?.expiresAt === undefined ? {} : { expiresAt: link.expiresAt }),
      });
    },
  ];
  for (const step of steps) {
    const done = step();
    if (E.isLeft(done)) return done;
  }
  return E.right(stream);
};

/**
 * Plan the order commands of a change ready to apply (`readyToApply`).
 * `order`: the order's state before the change's own commands (the reactor
 * folds the history up to the first event they caused).
 */
export const planChange = (
  change: OrderChangeState,
  order: OrderState,
  at: string,
): E.Either<PlanError, ChangePlan> => {
  const basis = change.basis;
  if (basis === null) return refusal('change-not-found', 'no such change');
  const p = new Planner(change.changeId, at);
  const stream: Stream = { streamId: orderStreamId(basis.orderId), state: order, events: [] };
  let exchange: Stream | undefined;
  let refunded = 0;
  let transferred = 0;
  let credited = 0;
  let requested = 0;
  const destination = destinationOf(change);
  // What the inventory port gets once the change is applied (`restockOf`, never before the order took the refund).
  const restock: RestockLine[] = change.kind === 'edit' ? [] : restockLinesOf(change);
  if (change.kind === 'edit') {
    const edited = planEdit(p, change, stream);
    if (E.isLeft(edited)) return edited;
  } else {
    // The goods that come back: received ones for a return or exchange, the claimed ones for a claim.
    const back = change.kind === 'claim' ? change.items : change.received;
    const lines = refundLinesOf(back, change.items);
    // Issue 17: the shop chose to give back the shipping fee with the goods (a return, a refunded claim).
    const shipping = change.confirmation?.refundShipping === true;
    const value = returnValue(stream.state, lines, at, shipping);
    if (E.isLeft(value)) return value;
    const replacement =
      change.kind === 'exchange'
        ? stagedOrder(change)
        : change.kind === 'claim' && change.resolution === 'replace'
          ? E.right(null)
          : undefined;
    const newLines: OrderLine[] | undefined =
      replacement === undefined
        ? undefined
        : E.isLeft(replacement)
          ? undefined
          : replacement.right === null
            ? lines.map((l) => {
                const line = basis.lines.find((x) => x.lineId === l.lineId) as OrderLine;
                const { markingCode: _code, ...copy } = line;
                return { ...copy, lineId: `${l.lineId}-r`, qty: l.qty };
              })
            : [...replacement.right.lines];
    if (replacement !== undefined && E.isLeft(replacement)) return replacement;
    const newValue = newLines === undefined ? 0 : newLines.reduce((s, l) => s + l.unitPrice.amount * l.qty, 0);
    // A claim replacement costs the customer nothing: its price is exactly the claimed goods' value.
    const discount = change.kind === 'claim' ? newValue - value.right : 0;
    // Move the value when the replacement takes all of it; to store credit, move what the new
    // items cost and credit the rest; else refund it all to the tender.
    const toCredit = destination === 'store-credit';
    const newTotal = newValue - discount;
    const transfer =
      newLines === undefined || value.right === 0 ? 0 : value.right <= newTotal ? value.right : toCredit ? newTotal : 0;
    if (value.right > 0) {
      const moved = transfer > 0 ? `; value moved to order ${exchangeOrderIdOf(change)}` : '';
      const sent = p.send(stream, 'RefundPayment', {
        refundId: `${change.changeId}-refund`,
        lines,
        ...(shipping ? { shipping } : {}),
        reason: `${reasonsOf(change)}${moved}${toCredit ? '; to store credit' : ''}${shipping ? '; with shipping' : ''}`,
        ...(transfer > 0 || toCredit ? { external: true } : {}),
      });
      if (E.isLeft(sent)) return sent;
      transferred = transfer;
      // Money paid with store credit goes back to it whatever the destination (it has no other way back).
      credited = toCredit
        ? value.right - transfer
        : transfer > 0
          ? 0
          : creditOwed(stream.state, sent.right, 'original');
      refunded = value.right - transfer - credited;
    }
    if (newLines !== undefined) {
      const placed = placeReplacement(p, change, stream.state, newLines, discount, transfer);
      if (E.isLeft(placed)) return placed;
      exchange = placed.right;
      requested = exchange.state.payments
        .filter((x) => x.status === 'pending')
        .reduce((sum, x) => sum + x.requested, 0);
    }
  }
  if (change.kind === 'edit')
    requested = stream.state.payments
      .filter((x) => x.paymentId === `${change.changeId}-balance`)
      .reduce((sum, x) => sum + x.requested, 0);
  if (change.kind === 'edit') {
    credited = creditOwed(stream.state, stream.events, destination);
    refunded = refundedBy(stream.events) - credited;
  }
  return E.right({
    commands: p.commands,
    order: stream.state,
    ...(exchange === undefined ? {} : { exchangeOrder: { orderId: exchangeOrderIdOf(change), state: exchange.state } }),
    refunded,
    transferred,
    credited,
    requested,
    restock,
    produced: {
      [stream.streamId]: stream.events,
      ...(exchange === undefined ? {} : { [exchange.streamId]: exchange.events }),
    },
  });
};
