import * as E from 'fp-ts/lib/Either.js';
import { derivedId, rehydrate, type CommandMetadata, type Envelope } from '@ordersource/core';
import { orderDecider } from '../order/decider.js';
import type { OrderEvent } from '../order/events.js';
import type { OrderChangeCommand } from './commands.js';
import { orderChangeStreamId } from './events.js';
import { applyIdPrefix, planChange, type PlannedCommand } from './plan.js';
import type { RestockRequest } from './restock.js';
import { readyToApply, type OrderChangeState } from './state.js';
import type { CreditCommand } from '../credit/commands.js';
import { issueCreditFor } from '../credit/refund.js';

/**
 * Issue 17: what the change reactor does when a change becomes ready to apply
 * (an edit or claim confirmed, a return or exchange received): the order
 * commands of `planChange`, the store credit it gives (if any), then
 * `RecordChangeApplied` on the change stream; only `RecordChangeFailed` when
 * the order refuses the plan (nothing reaches it), or `refused(...)` when it
 * refuses a command as it is sent: a refused step is never recorded applied.
 * Pure; the runtime binding reads the streams and runs the effects. Goods
 * go back to stock only after that, on `OrderChangeApplied` (`restockOf`).
 */

/**
 * The shop's stock (ordersource keeps none): called with `restockOf(change)`
 * once the change is applied, at least once per restock id, so it must be
 * idempotent by it.
 */
export type InventoryPort = (request: RestockRequest) => void | Promise<void>;

type ChangeCommandFor = Readonly<{ streamId: string; command: OrderChangeCommand }>;

export type ChangeApplication = Readonly<{
  orderCommands: readonly PlannedCommand[];
  /** Issue 17: store credit the change gives the customer (`refundTo: 'store-credit'`, or money paid with credit). */
  credit?: Readonly<{ streamId: string; command: CreditCommand }>;
  /**
   * `RecordChangeApplied` when the plan holds, `RecordChangeFailed` when the
   * order refused it. Send it only once every order command was taken.
   */
  changeCommand: ChangeCommandFor;
  /**
   * When the order refuses one of `orderCommands` as it is sent (it moved
   * since the plan was made): the `RecordChangeFailed` to send instead of
   * `changeCommand` (and of the credit), naming the commands taken before.
   */
  refused: (
    refusal: Readonly<{ code: string; message: string }>,
    commandType: string,
    taken: readonly string[],
  ) => ChangeCommandFor;
}>;

/** The order's history before the change's own commands touched it (a re-run plans from the same state). */
export const historyBeforeChange = (
  history: readonly Envelope<OrderEvent>[],
  changeId: string,
): Envelope<OrderEvent>[] => {
  const prefix = applyIdPrefix(changeId);
  const first = history.findIndex((e) => e.causationId?.startsWith(prefix) === true);
  return first < 0 ? [...history] : history.slice(0, first);
};

/**
 * `causeEventId` and `at`: the change event that made it ready (ids of the
 * change's own commands derive from it). Undefined when the change is not ready.
 */
export const applicationOf = (
  change: OrderChangeState,
  orderHistory: readonly Envelope<OrderEvent>[],
  causeEventId: string,
  at: string,
): ChangeApplication | undefined => {
  if (!readyToApply(change) || change.basis === null) return undefined;
  const before = historyBeforeChange(orderHistory, change.changeId);
  const plan = planChange(
    change,
    rehydrate(
      orderDecider,
      before.map((e) => e.event),
    ),
    at,
  );
  const metadata = (role: string): CommandMetadata => ({
    commandId: derivedId('order-change-apply', causeEventId, role),
    actor: { kind: 'system', id: 'order-changes' },
    at,
    causationId: causeEventId,
  });
  const streamId = orderChangeStreamId(change.changeId);
  const failed = (code: string, message: string, taken: readonly string[] = []): ChangeCommandFor => ({
    streamId,
    command: {
      type: 'RecordChangeFailed',
      data: { code, message, ...(taken.length === 0 ? {} : { appliedCommandIds: [...taken] }) },
      metadata: metadata('failed'),
    },
  });
  const refused: ChangeApplication['refused'] = (refusal, commandType, taken) =>
    failed(refusal.code, `${commandType}: ${refusal.message}`, taken);
  if (E.isLeft(plan))
    return {
      orderCommands: [],
      changeCommand: failed(plan.left.code, `${plan.left.commandType ?? 'order'}: ${plan.left.message}`),
      refused,
    };
  const exchangeOrderId = plan.right.exchangeOrder?.orderId;
  const credited = plan.right.credited;
  const currency = change.basis.currency;
  return {
    orderCommands: plan.right.commands,
    refused,
    ...(credited === 0
      ? {}
      : {
          credit: issueCreditFor(
            change.basis.customer.id,
            `change:${change.changeId}`,
            { amount: credited, currency },
            { kind: 'change', orderId: change.basis.orderId, changeId: change.changeId },
            at,
            derivedId('order-change-apply', causeEventId, 'credit'),
          ),
        }),
    changeCommand: {
      streamId,
      command: {
        type: 'RecordChangeApplied',
        data: {
          basedOnVersion: before.length,
          commandIds: plan.right.commands.map((c) => c.command.metadata.commandId),
          ...(exchangeOrderId === undefined ? {} : { exchangeOrderId }),
          ...(credited === 0 ? {} : { credited: { amount: credited, currency } }),
        },
        metadata: metadata('applied'),
      },
    },
  };
};
