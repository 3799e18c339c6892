import * as E from 'fp-ts/lib/Either.js';
import { domainError, type Actor, type Decider, type DomainError } from '@ordersource/core';
import { emptyDirectory, type Directory } from '../customers/directory.js';
import { customerMayAccess } from '../order/access.js';
import type { OrderChangeCommand } from './commands.js';
import type { OrderChangeEvent } from './events.js';
import { defaultChangeReasons, type ChangeReason } from './reasons.js';
import { evolveOrderChange, initialOrderChangeState, type OrderChangeState } from './state.js';
import { stagedOrder } from './staged.js';
import type { ChangeBasis, ReceivedItem, ReturnItem } from './values.js';
import { isMarked } from '../order/marking.js';

/**
 * Issue 17: the order-change decider. Pure: the order comes in as the
 * change's basis (taken on the server when the change began); time and ids
 * come in the command. A declined or canceled change changes nothing but its
 * own stream: only the change reactor, on a confirmed (edit, claim) or
 * received (return, exchange) change, sends commands to the order.
 */

type Decision = E.Either<DomainError, OrderChangeEvent[]>;
const ok = (...events: OrderChangeEvent[]): Decision => E.right(events);
const fail = (code: string, message: string, details?: Readonly<Record<string, unknown>>): Decision =>
  E.left(domainError(code, message, details));

export type ChangeSettings = Readonly<{ reasons: readonly ChangeReason[]; directory?: () => Directory }>;
export const defaultChangeSettings: ChangeSettings = { reasons: defaultChangeReasons };

/** What a customer may send (CUS-3: on her own orders only; never confirm, decline, receive or edit). */
const CUSTOMER_COMMANDS = new Set<OrderChangeCommand['type']>([
  'BeginOrderChange',
  'StageChangeAction',
  'StageReturnItem',
  'RequestOrderChange',
  'CancelOrderChange',
]);
const SYSTEM_ONLY = new Set<OrderChangeCommand['type']>(['RecordChangeApplied', 'RecordChangeFailed']);

const access = (actor: Actor, type: OrderChangeCommand['type'], basis: ChangeBasis, directory: Directory) => {
  switch (actor.kind) {
    case 'system':
      return undefined;
    case 'admin':
      return SYSTEM_ONLY.has(type) ? fail('forbidden', `${type} is sent by the change reactor`) : undefined;
    case 'provider':
      return fail('forbidden', `a payment provider may not send ${type}`);
    case 'customer':
      if (!CUSTOMER_COMMANDS.has(type)) return fail('forbidden', `a customer may not send ${type}`);
      if (!customerMayAccess(actor, basis.customer, directory, basis.orderId))
        return fail('forbidden', 'this order belongs to another customer');
      return undefined;
  }
};

const staged = (state: OrderChangeState, lineId: string): number =>
  state.items.filter((item) => item.lineId === lineId).reduce((sum, item) => sum + item.qty, 0);

const checkItem = (state: OrderChangeState, basis: ChangeBasis, item: ReturnItem, reasons: readonly ChangeReason[]) => {
  const reason = reasons.find((r) => r.code === item.reason);
  if (reason === undefined || !reason.kinds.includes(state.kind))
    return fail('unknown-reason', `reason ${item.reason} is not in the ${state.kind} reason catalog`, {
      reason: item.reason,
      known: reasons.filter((r) => r.kinds.includes(state.kind)).map((r) => r.code),
    });
  const line = basis.lines.find((l) => l.lineId === item.lineId);
  if (line === undefined) return fail('unknown-line', `line ${item.lineId} is not on the order`);
  // Never more returned than delivered (a claim for missing goods names a delivered parcel's units).
  const left = (basis.delivered[item.lineId] ?? 0) - (basis.returned[item.lineId] ?? 0) - staged(state, item.lineId);
  if (item.qty > left)
    return fail('return-exceeds-delivered', `line ${item.lineId}: ${item.qty} named but only ${left} can come back`, {
      lineId: item.lineId,
      qty: item.qty,
      left,
    });
  if (item.units !== undefined && item.units.length !== item.qty)
    return fail('units-mismatch', `line ${item.lineId}: ${item.units.length} unit codes for ${item.qty} units`);
  // REC-6: the income-return receipt names each marked unit that comes back by its code.
  if (item.units === undefined && isMarked(line))
    return fail(
      'marking-codes-required',
      `line ${item.lineId} is marked goods: name the code of each unit that comes back (units, one per unit)`,
      { lineId: item.lineId, qty: item.qty },
    );
  return undefined;
};

/**
 * Issue 17: shipping goes back with goods that come back for money: a return
 * or a claim settled by a refund. An exchange moves the goods' value to new
 * items and a replacement ships again: the shipping was used. Nothing to give
 * back when the order charged none.
 */
const checkShippingRefund = (state: OrderChangeState, basis: ChangeBasis) => {
  if (state.kind === 'edit' || state.kind === 'exchange' || (state.kind === 'claim' && state.resolution !== 'refund'))
    return fail(
      'shipping-refund-not-allowed',
      `a ${state.kind === 'claim' ? 'replacement claim' : state.kind} does not give back shipping: ` +
        'only a return or a claim settled by a refund does (an edit changes the fee: change-shipping)',
    );
  if (basis.shippingFee.amount === 0) return fail('no-shipping-fee', `order ${basis.orderNumber} charged no shipping`);
  return undefined;
};

/**
 * REC-6: received marked units are named by code when not every named unit
 * arrived (which ones did decides the receipt); codes given must be ones the
 * return named, one per received unit.
 */
const receivedUnitsCheck = (
  state: OrderChangeState,
  items: readonly ReceivedItem[],
  seen: ReadonlyMap<string, number>,
) => {
  for (const [lineId, qty] of seen) {
    const named = state.items.filter((i) => i.lineId === lineId).flatMap((i) => i.units ?? []);
    const given = items.filter((i) => i.lineId === lineId).flatMap((i) => i.units ?? []);
    if (given.length === 0 && (named.length === 0 || qty === named.length)) continue;
    if (given.length !== qty || new Set(given).size !== qty)
      return fail('received-units-required', `line ${lineId}: name the codes of the ${qty} marked units that arrived`, {
        lineId,
        qty,
        codes: given.length,
      });
    const unknown = given.find((code) => !named.includes(code));
    if (unknown !== undefined)
      return fail('unknown-unit', `line ${lineId}: the return named no unit with code ${unknown}`, {
        lineId,
        code: unknown,
      });
  }
  return undefined;
};

const decideBegin = (ctx: Ctx, data: Extract<OrderChangeCommand, { type: 'BeginOrderChange' }>['data']): Decision => {
  if (data.kind === 'edit' && data.basis.locked)
    return fail('order-locked', 'the composition is final (ORD-9): use a return, exchange or claim');
  // Returned units are priced out of the order's balance by refunds, not by its total: an edit would ask for them again.
  if (data.kind === 'edit' && Object.values(data.basis.returned).some((qty) => qty > 0))
    return fail(
      'order-has-returns',
      'units of this order were refunded as returned: its composition is no longer edited',
    );
  if (data.kind === 'claim' && data.resolution === undefined)
    return fail('resolution-required', 'a claim is settled by a replacement or a refund: say which');
  if (data.kind !== 'claim' && data.resolution !== undefined)
    return fail('resolution-not-allowed', 'only a claim has a resolution');
  if (data.kind === 'edit' && ctx.actor.kind === 'customer')
    return fail('forbidden', 'a customer may not edit an order: request a return or exchange');
  return ok({
    type: 'OrderChangeBegun',
    data: {
      at: ctx.at,
      changeId: data.changeId,
      kind: data.kind,
      basis: data.basis,
      requestedBy: ctx.actor.kind === 'customer' ? 'customer' : 'admin',
      ...(data.resolution === undefined ? {} : { resolution: data.resolution }),
      ...(data.note === undefined ? {} : { note: data.note }),
    },
  });
};

type Ctx = Readonly<{ at: string; actor: Actor }>;

const hasActions = (state: OrderChangeState): boolean =>
  state.kind === 'edit'
    ? state.actions.length > 0
    : state.kind === 'exchange'
      ? state.items.length > 0 && state.actions.length > 0
      : state.items.length > 0;

const route = (command: OrderChangeCommand, state: OrderChangeState, basis: ChangeBasis, settings: ChangeSettings) => {
  const ctx: Ctx = { at: command.metadata.at, actor: command.metadata.actor };
  const staging = state.status === 'draft';
  switch (command.type) {
    case 'BeginOrderChange':
      return fail('change-exists', `change ${state.changeId} was already begun`);
    case 'StageChangeAction': {
      if (!staging)
        return fail('change-not-draft', `change ${state.changeId} is ${state.status}: nothing can be staged`);
      const action = command.data.action;
      if (state.kind === 'return' || state.kind === 'claim')
        return fail('action-not-allowed', `a ${state.kind} stages returned items, not ${action.action}`);
      if (state.kind === 'exchange' && action.action !== 'add-line')
        return fail('action-not-allowed', 'an exchange adds new items only');
      if (action.action === 'add-line' && ctx.actor.kind === 'customer' && state.kind !== 'exchange')
        return fail('forbidden', 'a customer may not edit an order');
      // The calculated order must stay valid: ids unique, quantities above what left, totals not negative.
      const calculated = stagedOrder({ ...state, actions: [...state.actions, action] });
      if (E.isLeft(calculated)) return calculated;
      return ok({ type: 'OrderChangeActionStaged', data: { at: ctx.at, action } });
    }
    case 'StageReturnItem': {
      if (!staging)
        return fail('change-not-draft', `change ${state.changeId} is ${state.status}: nothing can be staged`);
      if (state.kind === 'edit')
        return fail('action-not-allowed', 'an edit removes lines; returns are their own change');
      const refused = checkItem(state, basis, command.data.item, settings.reasons);
      return refused ?? ok({ type: 'OrderChangeItemStaged', data: { at: ctx.at, item: command.data.item } });
    }
    case 'RequestOrderChange':
      if (!staging) return state.status === 'requested' ? ok() : fail('change-not-draft', `change is ${state.status}`);
      if (!hasActions(state)) return fail('change-empty', 'nothing is staged');
      return ok({
        type: 'OrderChangeRequested',
        data: { at: ctx.at, ...(command.data.note === undefined ? {} : { note: command.data.note }) },
      });
    case 'ConfirmOrderChange': {
      if (state.status === 'confirmed') return ok();
      if (state.status !== 'draft' && state.status !== 'requested')
        return fail('change-closed', `change ${state.changeId} is ${state.status}`);
      if (!hasActions(state)) return fail('change-empty', 'nothing is staged');
      if (command.data.refundShipping === true) {
        const refused = checkShippingRefund(state, basis);
        if (refused !== undefined) return refused;
      }
      const { notifyCustomer, ...rest } = command.data;
      return ok({
        type: 'OrderChangeConfirmed',
        data: { at: ctx.at, notifyCustomer: notifyCustomer ?? true, ...rest },
      });
    }
    case 'DeclineOrderChange':
      if (state.status !== 'requested')
        return fail('change-not-requested', `only a requested change can be declined (this one is ${state.status})`);
      return ok({ type: 'OrderChangeDeclined', data: { at: ctx.at, reason: command.data.reason } });
    case 'CancelOrderChange': {
      const open =
        state.status === 'draft' ||
        state.status === 'requested' ||
        // A confirmed return whose goods never came may still be called off.
        (state.status === 'confirmed' && (state.kind === 'return' || state.kind === 'exchange'));
      if (!open) return fail('change-closed', `change ${state.changeId} is ${state.status}`);
      if (ctx.actor.kind === 'customer' && state.status === 'confirmed')
        return fail('forbidden', 'a confirmed return is called off by the shop');
      return ok({ type: 'OrderChangeCanceled', data: { at: ctx.at, reason: command.data.reason } });
    }
    case 'ReceiveReturn': {
      if (state.kind !== 'return' && state.kind !== 'exchange')
        return fail('action-not-allowed', `a ${state.kind} has no goods to receive`);
      if (state.status === 'received') return ok();
      if (state.status !== 'confirmed') return fail('change-not-confirmed', `change is ${state.status}`);
      if (command.data.items.length === 0) return fail('nothing-received', 'name the units that arrived');
      const seen = new Map<string, number>();
      for (const item of command.data.items) seen.set(item.lineId, (seen.get(item.lineId) ?? 0) + item.qty);
      for (const [lineId, qty] of seen)
        if (qty > staged(state, lineId))
          return fail('receipt-exceeds-return', `line ${lineId}: ${qty} received, ${staged(state, lineId)} expected`);
      const units = receivedUnitsCheck(state, command.data.items, seen);
      if (units !== undefined) return units;
      return ok({ type: 'ReturnReceived', data: { at: ctx.at, items: command.data.items } });
    }
    case 'RecordChangeApplied':
      if (state.status === 'applied') return ok();
      if (state.status !== 'confirmed' && state.status !== 'received')
        return fail('change-not-confirmed', `change is ${state.status}`);
      return ok({ type: 'OrderChangeApplied', data: { at: ctx.at, ...command.data } });
    case 'RecordChangeFailed':
      if (state.status === 'failed' || state.status === 'applied') return ok();
      return ok({ type: 'OrderChangeFailed', data: { at: ctx.at, ...command.data } });
  }
};

export const decideOrderChange = (
  command: OrderChangeCommand,
  state: OrderChangeState,
  settings: ChangeSettings = defaultChangeSettings,
): Decision => {
  const directory = settings.directory?.() ?? emptyDirectory;
  const basis = command.type === 'BeginOrderChange' && state.basis === null ? command.data.basis : state.basis;
  if (basis === null) return fail('change-not-found', 'no such change');
  const refused = access(command.metadata.actor, command.type, basis, directory);
  if (refused !== undefined) return refused;
  if (command.type === 'BeginOrderChange' && state.status === 'none')
    return decideBegin({ at: command.metadata.at, actor: command.metadata.actor }, command.data);
  return route(command, state, basis, settings);
};

export const orderChangeDeciderWith = (
  settings: ChangeSettings,
): Decider<OrderChangeCommand, OrderChangeEvent, OrderChangeState> => ({
  initialState: initialOrderChangeState,
  decide: (command, state) => decideOrderChange(command, state, settings),
  evolve: evolveOrderChange,
  isTerminal: (state) => state.status === 'declined' || state.status === 'canceled' || state.status === 'applied',
});

export const orderChangeDecider = orderChangeDeciderWith(defaultChangeSettings);
