import * as E from 'fp-ts/lib/Either.js';
import { rehydrate, type Envelope } from '@ordersource/core';
import { orderDecider } from '../order/decider.js';
import type { OrderEvent, OrderTotals } from '../order/events.js';
import { receiptsCommandsFor, type TranslateOptions } from '../receipts/from-order-events.js';
import type { Receipt } from '../receipts/receipt.js';
import { simulate } from '../receipts/simulate.js';
import { planChange, type PlanError, type PlannedCommand } from './plan.js';
import type { OrderChangeState } from './state.js';
import { stagedOrder } from './staged.js';

/**
 * Issue 17: the calculated order of a change before it is committed
 * (Shopify's CalculatedOrder, Medusa's order preview): new totals, what the
 * customer will owe or get back, the commands the order will receive and the
 * fiscal receipts that would follow. Pure: it runs the real order decider and
 * the real receipts policy on a copy of the history, so the preview and the
 * commit cannot disagree. A return not yet received is previewed as if every
 * staged unit arrives.
 */

export type ChangePreview = Readonly<{
  /** Edit: the order's new totals. Exchange: the new items' order. Return, claim refund: none. */
  totals?: OrderTotals;
  balanceDue: number;
  refundOwed: number;
  /** Value of returned goods moved to the replacement order (exchange, claim replacement). */
  transferred: number;
  /** Issue 17: what goes onto the customer's store credit. */
  credited: number;
  commands: readonly PlannedCommand[];
  /** Receipts the change would issue, per order stream, in order. */
  receipts: readonly Receipt[];
}>;

const asReceived = (change: OrderChangeState): OrderChangeState =>
  (change.kind === 'return' || change.kind === 'exchange') && change.status !== 'received'
    ? {
        ...change,
        received: change.items.map((i) => ({ lineId: i.lineId, qty: i.qty, condition: 'sellable', restock: true })),
      }
    : change;

const envelopesOf = (
  streamId: string,
  from: number,
  events: readonly OrderEvent[],
  at: string,
): Envelope<OrderEvent>[] =>
  events.map((event, i) => ({
    event,
    eventId: `preview:${streamId}:${from + i}`,
    streamId,
    streamVersion: from + i,
    globalPosition: String(from + i),
    occurredAt: at,
    recordedAt: at,
    actor: { kind: 'system', id: 'preview' },
    schemaVersion: 1,
  }));

/** Receipts the new events issue, after those the history issued already. */
const receiptsOf = (
  history: readonly Envelope<OrderEvent>[],
  added: readonly Envelope<OrderEvent>[],
  options: TranslateOptions,
): E.Either<PlanError, Receipt[]> => {
  const before = receiptsCommandsFor(history, options);
  const after = receiptsCommandsFor([...history, ...added], options);
  if (E.isLeft(before)) return before;
  if (E.isLeft(after)) return after;
  const was = simulate(before.right.map((c) => c.command));
  const now = simulate(
    after.right.slice(before.right.length).map((c) => c.command),
    was.state,
  );
  const refused = now.outcomes.find((o) => E.isLeft(o.result));
  if (refused !== undefined && E.isLeft(refused.result)) return E.left(refused.result.left);
  return E.right(
    now.state.issued
      .filter((id) => !was.state.issued.includes(id))
      .flatMap((id) => {
        const record = now.state.receipts[id];
        return record === undefined ? [] : [record.receipt];
      }),
  );
};

/**
 * What the shop would choose on confirming, for a change not confirmed yet
 * (issue 17: `refundShipping`, to see the refund and the receipt with the
 * shipping position before saying yes). A confirmed change keeps its own.
 */
export type PreviewChoices = Readonly<{ refundShipping?: boolean }>;

const withChoices = (change: OrderChangeState, at: string, choices: PreviewChoices): OrderChangeState =>
  choices.refundShipping === undefined || change.confirmation !== undefined
    ? change
    : { ...change, confirmation: { at, notifyCustomer: true, refundShipping: choices.refundShipping } };

export const previewChange = (
  change: OrderChangeState,
  orderHistory: readonly Envelope<OrderEvent>[],
  at: string,
  options: TranslateOptions = {},
  choices: PreviewChoices = {},
): E.Either<PlanError, ChangePreview> => {
  const order = rehydrate(
    orderDecider,
    orderHistory.map((e) => e.event),
  );
  const plan = planChange(asReceived(withChoices(change, at, choices)), order, at);
  if (E.isLeft(plan)) return plan;
  const receipts: Receipt[] = [];
  for (const [streamId, events] of Object.entries(plan.right.produced)) {
    const history = streamId === orderHistory[0]?.streamId ? orderHistory : [];
    const added = envelopesOf(streamId, history.length, events, at);
    const issued = receiptsOf(history, added, options);
    if (E.isLeft(issued)) return issued;
    receipts.push(...issued.right);
  }
  const staged = change.kind === 'edit' || change.kind === 'exchange' ? stagedOrder(change) : undefined;
  return E.right({
    ...(staged !== undefined && E.isRight(staged) ? { totals: staged.right.totals } : {}),
    balanceDue: plan.right.requested,
    refundOwed: plan.right.refunded,
    transferred: plan.right.transferred,
    credited: plan.right.credited,
    commands: plan.right.commands,
    receipts,
  });
};
