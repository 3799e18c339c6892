import { applyEvents, deepCopy, domainError, type Decider, type DomainError } from '@ordersource/core';
import * as E from 'fp-ts/lib/Either.js';
import { castDraft, type Draft } from 'immer';
import type {
  AssignRefundGoods,
  ConfigureReceipts,
  CorrectReceipt,
  ReceiptsCommand,
  RecordComposition,
  RecordPayment,
  RecordRefund,
  RecordRegisterResponse,
  SetClosingTrigger,
} from './commands.js';
import type { ReceiptsEvent } from './events.js';
import { isClosingKind, isPrepaymentKind } from './kinds.js';
import type { Fact, ReceiptLine } from './model.js';
import {
  assignedReturn,
  isPartialSettlement,
  reversalOwed,
  receiptsOwed,
  refundOwed,
  type PaymentOwed,
} from './policy.js';
import { sameCloseOn } from '../order/close-on.js';
import type { Receipt } from './receipt.js';
import {
  causeKey,
  closingDateOf,
  goodsLeft,
  initialReceiptsState,
  isClosed,
  openUnassigned,
  unassignedLeft,
  type ReceiptsState,
} from './state.js';
import { receiptsDue } from './due.js';
import { splitEarlyReturn } from './early-returns.js';
import { decideCreditReceipt } from './store-credit-decide.js';

/**
 * The receipts decider: one stream per order. It records the composition and
 * the handovers, runs the policy on every money movement, and refuses a
 * second receipt for a movement it has already receipted. After the closing
 * receipt it refuses any change of the composition (REC-5, ORD-9).
 */

const locked = (state: ReceiptsState): DomainError =>
  domainError(
    'order-locked',
    `order ${state.orderId ?? '?'} is locked: its closing receipt ${state.closingReceiptId ?? '?'} was issued, ` +
      'so its composition can no longer change (REC-5, ORD-9)',
    { closingReceiptId: state.closingReceiptId },
  );

const sameOrder = (state: ReceiptsState, orderId: string): E.Either<DomainError, void> =>
  state.orderId === null || state.orderId === orderId
    ? E.right(undefined)
    : E.left(
        domainError('wrong-order', `this receipts stream belongs to order ${state.orderId}, not ${orderId}`, {
          orderId: state.orderId,
        }),
      );

const sameCodes = (a: ReceiptLine, b: ReceiptLine): boolean => {
  const x = a.markingCodes ?? [];
  const y = b.markingCodes ?? [];
  return a.markingCode === b.markingCode && x.length === y.length && x.every((code, i) => code === y[i]);
};

/** The same goods at the same prices: codes scanned later (REC-6) do not change the composition (REC-3). */
const sameGoods = (a: ReceiptLine, b: ReceiptLine): boolean =>
  a.lineId === b.lineId &&
  a.name === b.name &&
  a.quantity === b.quantity &&
  a.unit === b.unit &&
  a.price.amount === b.price.amount &&
  a.price.currency === b.price.currency &&
  a.vat === b.vat &&
  a.subject === b.subject &&
  a.kind === b.kind;

const sameLines = (
  a: readonly ReceiptLine[],
  b: readonly ReceiptLine[],
  same: (x: ReceiptLine, y: ReceiptLine) => boolean,
): boolean => a.length === b.length && a.every((line, i) => same(line, b[i]!));

/** REC-6: a line's codes name its units (no more codes than units), and a code names one unit of the order. */
const codesRefusal = (orderId: string, lines: readonly ReceiptLine[]): DomainError | undefined => {
  const seen = new Set<string>();
  for (const line of lines) {
    const codes = line.markingCodes ?? [];
    if (codes.length > line.quantity)
      return domainError(
        'too-many-marking-codes',
        `order ${orderId}: line ${line.lineId} has ${codes.length} marking codes for ${line.quantity} units (REC-6)`,
        { lineId: line.lineId, quantity: line.quantity, codes: codes.length },
      );
    for (const code of codes) {
      if (seen.has(code))
        return domainError(
          'duplicate-marking-code',
          `order ${orderId}: marking code ${code} is given twice; each unit has its own code (REC-6)`,
          { lineId: line.lineId, code },
        );
      seen.add(code);
    }
  }
  return undefined;
};

const decideComposition = (
  command: RecordComposition,
  state: ReceiptsState,
): E.Either<DomainError, readonly ReceiptsEvent[]> => {
  const { orderId, lines } = command.data;
  if (isClosed(state)) return E.left(locked(state));
  const checked = sameOrder(state, orderId);
  if (E.isLeft(checked)) return checked;
  const first = lines[0];
  if (first === undefined)
    return E.left(domainError('empty-composition', `order ${orderId}: a composition needs at least one line`));
  const currency = state.currency ?? first.price.currency;
  const foreign = lines.find((line) => line.price.currency !== currency);
  if (foreign !== undefined)
    return E.left(
      domainError('currency-mismatch', `order ${orderId} is in ${currency}, line ${foreign.lineId} is not`, {
        lineId: foreign.lineId,
      }),
    );
  const ids = new Set(lines.map((line) => line.lineId));
  if (ids.size !== lines.length)
    return E.left(domainError('duplicate-line', `order ${orderId}: line ids must be unique`));
  let total = 0;
  for (const line of lines) total += line.price.amount * line.quantity;
  if (!Number.isSafeInteger(total))
    return E.left(domainError('overflow', `order ${orderId}: the goods total leaves the safe integer range`));
  const codes = codesRefusal(orderId, lines);
  if (codes !== undefined) return E.left(codes);
  const unchanged = sameLines(lines, state.lines, (a, b) => sameGoods(a, b) && sameCodes(a, b));
  if (unchanged && state.orderId !== null) return E.right([]);
  return E.right([{ type: 'CompositionRecorded', data: command.data }]);
};

const decideConfig = (
  command: ConfigureReceipts,
  state: ReceiptsState,
): E.Either<DomainError, readonly ReceiptsEvent[]> => {
  if (isClosed(state)) return E.left(locked(state));
  const configured: ReceiptsEvent = { type: 'ReceiptsConfigured', data: command.data };
  return E.map((): readonly ReceiptsEvent[] => [configured])(sameOrder(state, command.data.orderId));
};

const issued = (receipts: readonly Receipt[]): ReceiptsEvent[] =>
  receipts.map((receipt) => ({
    type: 'ReceiptIssued',
    data: isPartialSettlement(receipt) ? { receipt, partial: true } : { receipt },
  }));

/** REC-8 (issue 9.7): the order's trigger; the timer plan (due.ts) follows it. */
const decideTrigger = (
  command: SetClosingTrigger,
  state: ReceiptsState,
): E.Either<DomainError, readonly ReceiptsEvent[]> => {
  if (isClosed(state)) return E.left(locked(state));
  if (sameCloseOn(state.config.closeOn, command.data.closeOn)) return E.right([]);
  return E.right([{ type: 'ClosingTriggerSet', data: { closeOn: command.data.closeOn } }]);
};

/**
 * A refund; before the closing receipt, goods named in it came back within
 * the return window (REC-8): recorded first, so the closing receipt leaves them out.
 */
const decideRefund = (
  command: RecordRefund,
  state: ReceiptsState,
  at: string,
): E.Either<DomainError, readonly ReceiptsEvent[]> => {
  const decided = refundOwed(state, { kind: 'refund', ...command.data }, at);
  if (E.isLeft(decided)) return decided;
  const { receipts, unreceipted, unassigned } = decided.right;
  const { movementId, amount, means } = command.data;
  // Issue 9: money returned with no goods named after the closing receipt waits for an admin to name them.
  const open: ReceiptsEvent[] =
    unassigned > 0 && state.orderId !== null
      ? [
          {
            type: 'RefundGoodsUnassigned',
            data: {
              orderId: state.orderId,
              movementId,
              amount: { amount: unassigned, currency: amount.currency },
              means,
            },
          },
        ]
      : [];
  // Issue 9: the part no return receipt may cover is recorded, never refused (a refund is a fact).
  const beyond: ReceiptsEvent[] =
    unreceipted > 0 && state.orderId !== null
      ? [
          {
            type: 'RefundBeyondReceipts',
            data: {
              orderId: state.orderId,
              movementId,
              refund: amount,
              receipted: { amount: amount.amount - unreceipted - unassigned, currency: amount.currency },
              unreceipted: { amount: unreceipted, currency: amount.currency },
            },
          },
        ]
      : [];
  const events = [...issued(receipts), ...open, ...beyond];
  if (isClosed(state)) return E.right([...events, ...beyondGoodsLeft(state, events)]);
  // Units settled at payment (REC-4) come back as settled goods; only the others leave the closing receipt.
  const lines = splitEarlyReturn(state, command.data.lines ?? []).open;
  if (lines.length === 0) return E.right(events);
  const returned: ReceiptsEvent = { type: 'ReturnRecorded', data: { movementId, lines } };
  return E.right([returned, ...events]);
};

/** A payment; while a refund is unreceipted (issue 9), its money first puts that right. */
const decidePayment = (
  command: RecordPayment,
  state: ReceiptsState,
  at: string,
): E.Either<DomainError, readonly ReceiptsEvent[]> =>
  E.map(({ receipts, repaid, unassignedBack }: PaymentOwed): readonly ReceiptsEvent[] => [
    ...(unassignedBack > 0 && state.orderId !== null && command.data.reverses !== undefined
      ? [
          {
            type: 'UnassignedRefundReversed' as const,
            data: {
              orderId: state.orderId,
              movementId: command.data.movementId,
              refundMovementId: command.data.reverses,
              amount: { amount: unassignedBack, currency: command.data.amount.currency },
            },
          },
        ]
      : []),
    ...(repaid > 0 && state.orderId !== null
      ? [
          {
            type: 'UnreceiptedRefundRepaid' as const,
            data: {
              orderId: state.orderId,
              movementId: command.data.movementId,
              amount: { amount: repaid, currency: command.data.amount.currency },
            },
          },
        ]
      : []),
    ...issued(receipts),
  ])(reversalOwed(state, { kind: 'payment', ...command.data }, at));

/**
 * Issue 9: once these events are applied, money unassigned beyond the goods still with the customer can never be
 * assigned (later returns or pro rata assignments took the goods): it becomes unreceipted, newest refunds first.
 */
const beyondGoodsLeft = (state: ReceiptsState, events: readonly ReceiptsEvent[]): ReceiptsEvent[] => {
  const after = applyEvents(receiptsDecider, state, events);
  let excess = openUnassigned(after) - goodsLeft(after);
  if (excess <= 0 || after.orderId === null || after.currency === null) return [];
  const out: ReceiptsEvent[] = [];
  for (const [movementId, entry] of Object.entries(after.unassignedRefunds ?? {}).reverse()) {
    const take = Math.min(excess, unassignedLeft(entry));
    if (take <= 0) continue;
    out.push({
      type: 'UnassignedRefundUnreceipted',
      data: { orderId: after.orderId, movementId, amount: { amount: take, currency: after.currency } },
    });
    excess -= take;
    if (excess === 0) break;
  }
  return out;
};

/** Issue 9: an admin names the goods of a refund recorded unassigned; its income return follows (REC-7). */
const decideAssign = (
  command: AssignRefundGoods,
  state: ReceiptsState,
  at: string,
): E.Either<DomainError, readonly ReceiptsEvent[]> => {
  const { movementId } = command.data;
  // Which goods came back is an admin's finding (the refund named none); the system does not guess them.
  if (command.metadata.actor.kind !== 'admin')
    return E.left(
      domainError('forbidden', `${command.metadata.actor.kind} may not assign a refund's goods: an admin names them`),
    );
  const lines = command.data.lines.map((line) => ({
    lineId: line.lineId,
    quantity: line.qty,
    ...(line.markingCodes === undefined ? {} : { markingCodes: line.markingCodes }),
  }));
  return E.map((receipt: Receipt): readonly ReceiptsEvent[] => {
    const events: ReceiptsEvent[] = [
      {
        type: 'RefundGoodsAssigned',
        data: {
          orderId: receipt.orderId,
          movementId,
          amount: receipt.total,
          receiptId: receipt.receiptId,
          lines,
        },
      },
      ...issued([receipt]),
    ];
    return [...events, ...beyondGoodsLeft(state, events)];
  })(assignedReturn(state, movementId, lines, at));
};

const owed = (state: ReceiptsState, fact: Fact, at: string): E.Either<DomainError, readonly ReceiptsEvent[]> =>
  E.map(issued)(receiptsOwed(state, fact, at));

const unknownReceipt = (receiptId: string): DomainError =>
  domainError('unknown-receipt', `no receipt ${receiptId} in this stream`, { receiptId });

const decideResponse = (
  command: RecordRegisterResponse,
  state: ReceiptsState,
): E.Either<DomainError, readonly ReceiptsEvent[]> => {
  const { receiptId, revision, response } = command.data;
  const record = state.receipts[receiptId];
  if (record === undefined) return E.left(unknownReceipt(receiptId));
  if (revision !== record.revision)
    return E.left(
      domainError('stale-response', `receipt ${receiptId} is at revision ${record.revision}, not ${revision}`),
    );
  if (record.status === 'accepted') {
    // The register deduplicates by external id: the same answer again changes nothing.
    if (response.status === 'accepted' && response.fiscalSign === record.fiscalSign) return E.right([]);
    return E.left(
      domainError('already-fiscalised', `receipt ${receiptId} was already accepted with sign ${record.fiscalSign}`),
    );
  }
  return E.right([
    response.status === 'accepted'
      ? {
          type: 'ReceiptAccepted',
          data: {
            receiptId,
            revision,
            fiscalSign: response.fiscalSign,
            documentNumber: response.documentNumber,
            acceptedMarks: response.acceptedMarks,
          },
        }
      : {
          type: 'ReceiptRejected',
          data: { receiptId, revision, reason: response.reason, retryable: response.retryable },
        },
  ]);
};

/** A correction may fix names, units, VAT, subjects and marking codes; never money or the 1214 value. */
const decideCorrection = (
  command: CorrectReceipt,
  state: ReceiptsState,
): E.Either<DomainError, readonly ReceiptsEvent[]> => {
  const { receiptId, items, reason } = command.data;
  const record = state.receipts[receiptId];
  if (record === undefined) return E.left(unknownReceipt(receiptId));
  if (record.status !== 'rejected')
    return E.left(
      domainError(
        'not-correctable',
        `receipt ${receiptId} is ${record.status}: only a receipt the register rejected can be corrected`,
      ),
    );
  const before = record.receipt.items;
  const sameMoney =
    items.length === before.length &&
    items.every((item, i) => {
      const old = before[i]!;
      return (
        item.amount.amount === old.amount.amount &&
        item.amount.currency === old.amount.currency &&
        item.price.amount === old.price.amount &&
        item.quantity === old.quantity &&
        item.paymentMethod === old.paymentMethod &&
        item.lineId === old.lineId
      );
    });
  if (!sameMoney)
    return E.left(
      domainError(
        'correction-changes-money',
        `receipt ${receiptId}: a correction keeps every position's quantity, price, amount and tag 1214`,
      ),
    );
  return E.right([{ type: 'ReceiptCorrected', data: { receiptId, revision: record.revision + 1, items, reason } }]);
};

const decide = (command: ReceiptsCommand, state: ReceiptsState): E.Either<DomainError, readonly ReceiptsEvent[]> => {
  const at = command.metadata.at;
  switch (command.type) {
    case 'ConfigureReceipts':
      return decideConfig(command, state);
    case 'RecordComposition':
      return decideComposition(command, state);
    case 'RecordPayment':
      return decidePayment(command, state, at);
    case 'RecordRefund':
      return decideRefund(command, state, at);
    case 'SetClosingTrigger':
      return decideTrigger(command, state);
    case 'RecordHandover':
      return E.map((receipts: readonly ReceiptsEvent[]): readonly ReceiptsEvent[] => [
        { type: 'HandoverRecorded', data: { ...command.data, at } },
        ...receipts,
      ])(owed(state, { kind: 'handover', ...command.data }, at));
    case 'ReachClosingDate':
      // A date that is no longer the configured one (the shop changed it, or the order closed meanwhile) is obsolete.
      if (closingDateOf(state) !== command.data.closingDate) return E.right([]);
      return owed(state, { kind: 'date-reached' }, at);
    case 'RecordRegisterResponse':
      return decideResponse(command, state);
    case 'CorrectReceipt':
      return decideCorrection(command, state);
    case 'RecordCreditReceipt':
      return decideCreditReceipt(command, state);
    case 'AssignRefundGoods':
      return decideAssign(command, state, at);
  }
};

const takeFrom = (draft: Draft<ReceiptsState>, receiptId: string, amount: number): void => {
  const entry = draft.outstanding.find((candidate) => candidate.receiptId === receiptId);
  if (entry !== undefined) entry.remaining -= amount;
  draft.outstanding = draft.outstanding.filter((candidate) => candidate.remaining > 0);
};

const evolveIssued = (draft: Draft<ReceiptsState>, source: Receipt, partial: boolean): void => {
  const receipt = deepCopy(source);
  const id = receipt.receiptId;
  draft.receipts[id] = { receipt: castDraft(receipt), revision: 0, status: 'pending', attempts: 0, acceptedMarks: [] };
  draft.issued.push(id);
  const key = causeKey(receipt.cause.kind, receipt.cause.id);
  (draft.causes[key] ??= []).push(id);
  const fresh = receipt.payments.cash.amount + receipt.payments.electronic.amount;
  for (const offset of receipt.offsets) takeFrom(draft, offset.receiptId, offset.amount.amount);
  if (receipt.operation === 'income-return') {
    draft.returned += fresh;
    if (receipt.kind === 'full-settlement')
      for (const item of receipt.items)
        if (item.lineId !== undefined) {
          draft.returnedQuantities[item.lineId] = (draft.returnedQuantities[item.lineId] ?? 0) + item.quantity;
          // REC-4: before the closing receipt only units settled at payment come back as settled goods.
          const settled = draft.settledUnits?.[item.lineId];
          if (draft.closingReceiptId === null && settled !== undefined)
            draft.settledUnits![item.lineId] = Math.max(0, settled - item.quantity);
          // REC-6: a marked unit comes back once.
          if (item.markingCode !== undefined) ((draft.returnedCodes ??= {})[item.lineId] ??= []).push(item.markingCode);
        }
    return;
  }
  draft.received += fresh;
  if (receipt.cause.kind === 'payment') draft.changedAfterReceipt = false;
  if (isPrepaymentKind(receipt.kind)) draft.outstanding.push({ receiptId: id, remaining: receipt.total.amount });
  if (isClosingKind(receipt.kind) && partial) {
    // REC-4: these units are settled; the closing receipt settles the rest later (units added since, too).
    const settled = (draft.settledUnits ??= {});
    for (const item of receipt.items)
      if (item.lineId !== undefined) settled[item.lineId] = (settled[item.lineId] ?? 0) + item.quantity;
    return;
  }
  if (isClosingKind(receipt.kind)) {
    draft.closingReceiptId = id;
    draft.handedOver = true;
    draft.credit += receipt.payments.credit.amount;
  }
  if (receipt.kind === 'credit-repayment') draft.credit -= receipt.total.amount;
};

const evolve = (draft: Draft<ReceiptsState>, event: ReceiptsEvent): void => {
  switch (event.type) {
    case 'ReceiptsConfigured':
      draft.orderId = event.data.orderId;
      draft.config = deepCopy(event.data.config);
      return;
    case 'CompositionRecorded': {
      const first = event.data.lines[0];
      draft.orderId = event.data.orderId;
      if (first !== undefined) draft.currency ??= first.price.currency;
      const before = draft.lines as readonly ReceiptLine[];
      // REC-3: a change of the goods makes the next payment an advance; codes scanned at packing do not (REC-6).
      if (draft.issued.length > 0 && !sameLines(event.data.lines, before, sameGoods)) draft.changedAfterReceipt = true;
      draft.lines = castDraft(deepCopy([...event.data.lines]));
      return;
    }
    case 'HandoverRecorded':
      draft.handedOver = true;
      if (event.data.at !== undefined) draft.handedOverAt ??= event.data.at;
      if (event.data.stage === 'delivered' && event.data.at !== undefined) draft.deliveredAt ??= event.data.at;
      draft.causes[causeKey('handover', event.data.handoverId)] ??= [];
      return;
    case 'ReceiptIssued':
      evolveIssued(draft, event.data.receipt, event.data.partial === true);
      return;
    case 'ClosingTriggerSet':
      draft.config.closeOn = deepCopy(event.data.closeOn);
      return;
    case 'ReturnRecorded':
      for (const line of event.data.lines) {
        draft.returnedQuantities[line.lineId] = (draft.returnedQuantities[line.lineId] ?? 0) + line.quantity;
        // REC-6: which marked units came back, so the closing receipt leaves out exactly those codes.
        if (line.markingCodes !== undefined)
          ((draft.returnedCodes ??= {})[line.lineId] ??= []).push(...line.markingCodes);
      }
      return;
    case 'RefundBeyondReceipts':
      draft.unreceiptedRefund = (draft.unreceiptedRefund ?? 0) + event.data.unreceipted.amount;
      // The refund is known even when no receipt was issued for it: a second delivery is a duplicate.
      draft.causes[causeKey('refund', event.data.movementId)] ??= [];
      return;
    case 'RefundGoodsUnassigned':
      (draft.unassignedRefunds ??= {})[event.data.movementId] = {
        amount: event.data.amount.amount,
        means: event.data.means,
        assigned: 0,
        receiptIds: [],
      };
      draft.causes[causeKey('refund', event.data.movementId)] ??= [];
      return;
    case 'RefundGoodsAssigned': {
      const open = draft.unassignedRefunds?.[event.data.movementId];
      if (open === undefined) return;
      open.assigned += event.data.amount.amount;
      open.receiptIds.push(event.data.receiptId);
      return;
    }
    case 'UnassignedRefundReversed': {
      const open = draft.unassignedRefunds?.[event.data.refundMovementId];
      if (open !== undefined) open.reversed = (open.reversed ?? 0) + event.data.amount.amount;
      draft.causes[causeKey('payment', event.data.movementId)] ??= [];
      return;
    }
    case 'UnassignedRefundUnreceipted': {
      const open = draft.unassignedRefunds?.[event.data.movementId];
      if (open !== undefined) open.unreceipted = (open.unreceipted ?? 0) + event.data.amount.amount;
      draft.unreceiptedRefund = (draft.unreceiptedRefund ?? 0) + event.data.amount.amount;
      return;
    }
    case 'UnreceiptedRefundRepaid':
      draft.unreceiptedRefund = Math.max(0, (draft.unreceiptedRefund ?? 0) - event.data.amount.amount);
      draft.causes[causeKey('payment', event.data.movementId)] ??= [];
      return;
    case 'ReceiptAccepted': {
      const record = draft.receipts[event.data.receiptId];
      if (record === undefined) return;
      record.status = 'accepted';
      record.attempts += 1;
      record.fiscalSign = event.data.fiscalSign;
      record.documentNumber = event.data.documentNumber;
      record.acceptedMarks = [...event.data.acceptedMarks];
      delete record.rejection;
      return;
    }
    case 'ReceiptRejected': {
      const record = draft.receipts[event.data.receiptId];
      if (record === undefined) return;
      record.status = 'rejected';
      record.attempts += 1;
      record.rejection = { reason: event.data.reason, retryable: event.data.retryable };
      return;
    }
    case 'ReceiptCorrected': {
      const record = draft.receipts[event.data.receiptId];
      if (record === undefined) return;
      record.receipt.items = castDraft(deepCopy([...event.data.items]));
      record.revision = event.data.revision;
      record.status = 'pending';
      record.attempts = 0;
      delete record.rejection;
      return;
    }
  }
};

export const receiptsDecider: Decider<ReceiptsCommand, ReceiptsEvent, ReceiptsState> = {
  initialState: initialReceiptsState,
  decide,
  evolve,
  // REC-8: the closing receipt on a later date (due.ts).
  due: receiptsDue,
};
