import * as E from 'fp-ts/lib/Either.js';
import { derivedId, rehydrate, type CommandMetadata, type Envelope } from '@ordersource/core';
import { orderDecider } from '../order/decider.js';
import type { OrderEvent } from '../order/events.js';
import type { OrderChangeCommand } from './commands.js';
import { orderChangeStreamId } from './events.js';
import { applyIdPrefix, planChange, type PlannedCommand, type RestockLine } from './plan.js';
import { readyToApply, type OrderChangeState } from './state.js';

/**
 * Issue 17: what the change reactor does when a change becomes ready to apply
 * (an edit or claim confirmed, a return or exchange received): the order
 * commands of `planChange`, then `RecordChangeApplied` on the change stream,
 * or only `RecordChangeFailed` when the order refuses (nothing reaches it).
 * Pure; the runtime binding reads the streams and runs the effects.
 */

/** The shop's stock (ordersource keeps none): called at least once per restock id, so it must be idempotent by it. */
export type InventoryPort = (
  request: Readonly<{ restockId: string; orderId: string; changeId: string; lines: readonly RestockLine[] }>,
) => void | Promise<void>;

export type ChangeApplication = Readonly<{
  orderCommands: readonly PlannedCommand[];
  changeCommand: Readonly<{ streamId: string; command: OrderChangeCommand }>;
  restock?: Readonly<{ restockId: string; orderId: string; changeId: string; lines: readonly RestockLine[] }>;
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
  if (E.isLeft(plan))
    return {
      orderCommands: [],
      changeCommand: {
        streamId,
        command: {
          type: 'RecordChangeFailed',
          data: {
            code: plan.left.code,
            message: `${plan.left.commandType ?? 'order'}: ${plan.left.message}`,
          },
          metadata: metadata('failed'),
        },
      },
    };
  const exchangeOrderId = plan.right.exchangeOrder?.orderId;
  return {
    orderCommands: plan.right.commands,
    changeCommand: {
      streamId,
      command: {
        type: 'RecordChangeApplied',
        data: {
          basedOnVersion: before.length,
          commandIds: plan.right.commands.map((c) => c.command.metadata.commandId),
          ...(exchangeOrderId === undefined ? {} : { exchangeOrderId }),
        },
        metadata: metadata('applied'),
      },
    },
    ...(plan.right.restock.length === 0
      ? {}
      : {
          restock: {
            restockId: derivedId('order-change-restock', change.changeId),
            orderId: change.basis.orderId,
            changeId: change.changeId,
            lines: plan.right.restock,
          },
        }),
  };
};
