import type { Draft } from 'immer';
import type { Money } from '@ordersource/core';
import type { RefundDestination } from '../credit/values.js';
import type { OrderChangeEvent } from './events.js';
import type {
  ChangeBasis,
  ChangeKind,
  ClaimResolution,
  EditAction,
  PaymentLink,
  ReceivedItem,
  ReturnItem,
} from './values.js';

/**
 * The folded state of one change (Medusa's statuses: pending is our draft,
 * then requested, confirmed, declined, canceled). A return or exchange is
 * confirmed, then its items are received, then it is applied; an edit or
 * a claim is applied once confirmed.
 */
export type ChangeStatus =
  'none' | 'draft' | 'requested' | 'confirmed' | 'received' | 'applied' | 'declined' | 'canceled' | 'failed';

export type OrderChangeState = {
  status: ChangeStatus;
  changeId: string;
  kind: ChangeKind;
  basis: ChangeBasis | null;
  requestedBy: 'customer' | 'admin';
  resolution?: ClaimResolution;
  /** Edit actions, and the new items of an exchange (`add-line`). */
  actions: EditAction[];
  /** Returned or claimed items. */
  items: ReturnItem[];
  received: ReceivedItem[];
  confirmation?: {
    at: string;
    notifyCustomer: boolean;
    staffNote?: string;
    note?: string;
    paymentLink?: PaymentLink;
    refundTo?: RefundDestination;
    /** Issue 17: the shipping fee goes back with the goods (a return, a refunded claim). */
    refundShipping?: boolean;
  };
  declined?: { at: string; reason: string };
  canceled?: { at: string; reason: string };
  applied?: { at: string; basedOnVersion: number; commandIds: string[]; exchangeOrderId?: string; credited?: Money };
  failed?: { at: string; code: string; message: string; appliedCommandIds?: string[] };
  /** Every staging or status step, oldest first (the change's own record). */
  history: { at: string; event: OrderChangeEvent['type'] }[];
};

export const initialOrderChangeState: OrderChangeState = {
  status: 'none',
  changeId: '',
  kind: 'edit',
  basis: null,
  requestedBy: 'admin',
  actions: [],
  items: [],
  received: [],
  history: [],
};

export const evolveOrderChange = (draft: Draft<OrderChangeState>, event: OrderChangeEvent): void => {
  draft.history.push({ at: event.data.at, event: event.type });
  switch (event.type) {
    case 'OrderChangeBegun':
      draft.status = 'draft';
      draft.changeId = event.data.changeId;
      draft.kind = event.data.kind;
      draft.basis = event.data.basis;
      draft.requestedBy = event.data.requestedBy;
      if (event.data.resolution !== undefined) draft.resolution = event.data.resolution;
      return;
    case 'OrderChangeActionStaged':
      draft.actions.push(event.data.action);
      return;
    case 'OrderChangeItemStaged':
      draft.items.push(event.data.item);
      return;
    case 'OrderChangeRequested':
      draft.status = 'requested';
      return;
    case 'OrderChangeConfirmed': {
      draft.status = 'confirmed';
      const { at, notifyCustomer, staffNote, note, paymentLink, refundTo, refundShipping } = event.data;
      draft.confirmation = {
        at,
        notifyCustomer,
        ...(staffNote === undefined ? {} : { staffNote }),
        ...(note === undefined ? {} : { note }),
        ...(paymentLink === undefined ? {} : { paymentLink: { ...paymentLink } }),
        ...(refundTo === undefined ? {} : { refundTo }),
        ...(refundShipping === undefined ? {} : { refundShipping }),
      };
      return;
    }
    case 'OrderChangeDeclined':
      draft.status = 'declined';
      draft.declined = { at: event.data.at, reason: event.data.reason };
      return;
    case 'OrderChangeCanceled':
      draft.status = 'canceled';
      draft.canceled = { at: event.data.at, reason: event.data.reason };
      return;
    case 'ReturnReceived':
      draft.status = 'received';
      draft.received = event.data.items.map((item) => ({ ...item }));
      return;
    case 'OrderChangeApplied':
      draft.status = 'applied';
      draft.applied = {
        at: event.data.at,
        basedOnVersion: event.data.basedOnVersion,
        commandIds: [...event.data.commandIds],
        ...(event.data.exchangeOrderId === undefined ? {} : { exchangeOrderId: event.data.exchangeOrderId }),
        ...(event.data.credited === undefined ? {} : { credited: { ...event.data.credited } }),
      };
      return;
    case 'OrderChangeFailed':
      draft.status = 'failed';
      draft.failed = {
        at: event.data.at,
        code: event.data.code,
        message: event.data.message,
        ...(event.data.appliedCommandIds === undefined ? {} : { appliedCommandIds: [...event.data.appliedCommandIds] }),
      };
      return;
  }
};

/** Ready for the reactor: an edit or claim confirmed, a return or exchange received. */
export const readyToApply = (state: OrderChangeState): boolean =>
  state.kind === 'return' || state.kind === 'exchange' ? state.status === 'received' : state.status === 'confirmed';
