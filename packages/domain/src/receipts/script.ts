import type { Actor, Money } from '@ordersource/core';
import type {
  AssignRefundGoods,
  ConfigureReceipts,
  ReachClosingDate,
  ReceiptsCommand,
  RecordComposition,
  RecordHandover,
  RecordPayment,
  RecordRefund,
  RecordRegisterResponse,
} from './commands.js';
import type { Channel, Means } from './kinds.js';
import type { HandoverStage, ReceiptLine, ReceiptsConfig, ReturnedLine } from './model.js';
import type { RegisterResponse } from './register.js';

/**
 * A small script language for receipts commands: each call makes one
 * command with the next command id and the given time. Used by tests, the
 * docs and the example to write the seed's scenarios as plain lists.
 */

export type Script = Readonly<{
  configure: (at: string, config: ReceiptsConfig) => ConfigureReceipts;
  compose: (at: string, changeId: string, lines: readonly ReceiptLine[]) => RecordComposition;
  pay: (
    at: string,
    movementId: string,
    amount: Money,
    options?: Readonly<{ means?: Means; channel?: Channel }>,
  ) => RecordPayment;
  refund: (
    at: string,
    movementId: string,
    amount: Money,
    lines?: readonly ReturnedLine[],
    means?: Means,
  ) => RecordRefund;
  handover: (at: string, handoverId: string, stage: HandoverStage) => RecordHandover;
  dateReached: (at: string, closingDate: string) => ReachClosingDate;
  respond: (at: string, receiptId: string, revision: number, response: RegisterResponse) => RecordRegisterResponse;
  /** Issue 9: an admin names the goods of a refund recorded with none (`RefundGoodsUnassigned`). */
  assignGoods: (at: string, movementId: string, lines: AssignRefundGoods['data']['lines']) => AssignRefundGoods;
}>;

export const script = (orderId: string, actor: Actor = { kind: 'system', id: 'receipts-script' }): Script => {
  let count = 0;
  const metadata = (at: string) => ({ commandId: `${orderId}#${++count}`, actor, at });
  const command = <C extends ReceiptsCommand>(type: C['type'], at: string, data: C['data']): C =>
    ({ type, data, metadata: metadata(at) }) as C;
  return {
    configure: (at, config) => command<ConfigureReceipts>('ConfigureReceipts', at, { orderId, config }),
    compose: (at, changeId, lines) => command<RecordComposition>('RecordComposition', at, { orderId, changeId, lines }),
    pay: (at, movementId, amount, options = {}) =>
      command<RecordPayment>('RecordPayment', at, {
        movementId,
        amount,
        means: options.means ?? 'electronic',
        channel: options.channel ?? 'online',
      }),
    refund: (at, movementId, amount, lines, means = 'electronic') =>
      command<RecordRefund>('RecordRefund', at, {
        movementId,
        amount,
        means,
        ...(lines === undefined ? {} : { lines }),
      }),
    handover: (at, handoverId, stage) => command<RecordHandover>('RecordHandover', at, { handoverId, stage }),
    dateReached: (at, closingDate) => command<ReachClosingDate>('ReachClosingDate', at, { closingDate }),
    respond: (at, receiptId, revision, response) =>
      command<RecordRegisterResponse>('RecordRegisterResponse', at, { receiptId, revision, response }),
    assignGoods: (at, movementId, lines) => command<AssignRefundGoods>('AssignRefundGoods', at, { movementId, lines }),
  };
};
