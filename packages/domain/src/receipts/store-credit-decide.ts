import { commandCodec, domainError, NonEmptyString, type Command, type DomainError } from '@ordersource/core';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import type { ReceiptsEvent } from './events.js';
import { KIND_TAG } from './kinds.js';
import { newMoneyOf, ReceiptCodec, type Receipt } from './receipt.js';
import { outstandingTotal, type ReceiptsState } from './state.js';

/**
 * Issue 17: a store-credit account's receipts (`creditAccountReceipts`) held
 * by the receipts model itself, on the stream `receipts-credit-<customerId>`,
 * so they take the order receipts' road: the receipts register, the
 * reconciliation, `sendPendingReceipts` and the register's answers.
 *
 * The order's receipts are derived inside the decider from money facts
 * (`RecordPayment`, `RecordRefund`) against a composition; an account has no
 * composition, and its receipts are already derived (purely, from the
 * account's events, with deterministic ids). So the command carries the
 * receipt, and the decider checks that it is one an account can owe:
 *
 * - an advance (tag 1214 = 3) or its return, and nothing else: no goods;
 * - all of it new money (cash or electronic), its positions adding up;
 * - a return offsets only advances of this stream still held, exactly its amount;
 * - one currency per stream, one account per stream;
 * - the same receipt id again is the same receipt (ids are derived): nothing new;
 * - sent by the system (the `credit.receipts` reactor) only: nobody types money in.
 */

export const RecordCreditReceiptData = t.strict({ accountId: NonEmptyString, receipt: ReceiptCodec });
export type RecordCreditReceipt = Command<'RecordCreditReceipt', t.TypeOf<typeof RecordCreditReceiptData>>;
export const RecordCreditReceiptCodec = commandCodec('RecordCreditReceipt', RecordCreditReceiptData);

const sum = (amounts: readonly number[]): number => amounts.reduce((a, b) => a + b, 0);

/** Why `receipt` cannot be an account's receipt in this stream, or undefined when it can. */
const refusalOf = (state: ReceiptsState, accountId: string, receipt: Receipt): DomainError | undefined => {
  const id = receipt.receiptId;
  if (receipt.orderId !== accountId)
    return domainError('wrong-order', `receipt ${id} belongs to ${receipt.orderId}, not to account ${accountId}`);
  if (state.orderId !== null && state.orderId !== accountId)
    return domainError('wrong-order', `this receipts stream belongs to ${state.orderId}, not ${accountId}`);
  if (receipt.kind !== 'advance' || receipt.paymentMethod !== KIND_TAG.advance)
    return domainError('not-an-advance', `receipt ${id}: an account's receipts are advances and their returns only`);
  const currency = receipt.total.currency;
  const held = state.issued.map((other) => state.receipts[other]?.receipt.total.currency).find((c) => c !== undefined);
  if (held !== undefined && held !== currency)
    return domainError('currency-mismatch', `receipt ${id} is in ${currency}, this account's receipts in ${held}`);
  const total = receipt.total.amount;
  if (!(total > 0))
    return domainError('empty-receipt', `receipt ${id}: an advance moves money (total ${total})`, { total });
  const items = sum(receipt.items.map((item) => item.amount.amount));
  if (items !== total || receipt.items.some((item) => item.amount.currency !== currency))
    return domainError('items-total-mismatch', `receipt ${id}: positions add up to ${items}, total is ${total}`);
  if (newMoneyOf(receipt) !== total)
    return domainError(
      'not-new-money',
      `receipt ${id}: an account's advance is paid in cash or electronically in full`,
    );
  const offsets = sum(receipt.offsets.map((offset) => offset.amount.amount));
  if (receipt.operation === 'income')
    return offsets === 0 ? undefined : domainError('advance-offsets', `receipt ${id}: an advance offsets nothing`);
  if (offsets !== total)
    return domainError('offsets-mismatch', `receipt ${id} returns ${total} but offsets ${offsets}`, { total, offsets });
  for (const offset of receipt.offsets) {
    const left = state.outstanding.find((o) => o.receiptId === offset.receiptId)?.remaining ?? 0;
    if (offset.amount.amount > left)
      return domainError(
        'advance-not-held',
        `receipt ${id} returns ${offset.amount.amount} of advance ${offset.receiptId}, of which ${left} is held`,
        { advance: offset.receiptId, asked: offset.amount.amount, held: left, outstanding: outstandingTotal(state) },
      );
  }
  return undefined;
};

export const decideCreditReceipt = (
  command: RecordCreditReceipt,
  state: ReceiptsState,
): E.Either<DomainError, readonly ReceiptsEvent[]> => {
  const { accountId, receipt } = command.data;
  // Only the shop's reactor states an account's money (from the account's events); nobody types one in.
  if (command.metadata.actor.kind !== 'system')
    return E.left(domainError('forbidden', `${command.metadata.actor.kind} may not record a credit account's receipt`));
  // Ids are derived from the account, the cause and the role: the same id is the same receipt, delivered again.
  if (state.receipts[receipt.receiptId] !== undefined) return E.right([]);
  const refused = refusalOf(state, accountId, receipt);
  if (refused !== undefined) return E.left(refused);
  return E.right([
    ...(state.orderId === null
      ? [{ type: 'ReceiptsConfigured' as const, data: { orderId: accountId, config: state.config } }]
      : []),
    { type: 'ReceiptIssued', data: { receipt } },
  ]);
};
