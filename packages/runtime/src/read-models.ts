import { createEnvelopeDecoder, mutableCopy, type Projection } from '@ordersource/core';
import { ordersProjection, statusHistoryProjection } from '@ordersource/domain';
import { directoryProjection } from '@ordersource/domain/customers';
import { receiptsRegisterProjection } from '@ordersource/domain/receipts';
import {
  evolveSubscription,
  initialSubscriptionState,
  SUBSCRIPTION_STREAM_PREFIX,
  SubscriptionEventCodec,
  type SubscriptionEvent,
  type SubscriptionState,
} from '@ordersource/domain/subscriptions';
import { shopReconciliationProjection } from './reconciliation.js';

/** The shop's read models, kept by projection workers (in memory, caught up from the store on start). */

export type SubscriptionsModel = { subscriptions: Record<string, SubscriptionState> };

/** Every subscription's state by id (SUB-1..SUB-5), for lists and the portal (CUS-2). */
export const subscriptionsProjection: Projection<SubscriptionsModel, SubscriptionEvent> = {
  name: 'subscriptions.all',
  initialState: { subscriptions: {} },
  filter: { streamPrefix: SUBSCRIPTION_STREAM_PREFIX },
  decode: createEnvelopeDecoder<SubscriptionEvent>(SubscriptionEventCodec),
  evolve: (draft, envelope) => {
    const id = envelope.streamId.slice(SUBSCRIPTION_STREAM_PREFIX.length);
    // A plain copy of the initial state: immer drafts it on assignment.
    if (draft.subscriptions[id] === undefined)
      draft.subscriptions[id] = mutableCopy(initialSubscriptionState) as (typeof draft.subscriptions)[string];
    evolveSubscription(draft.subscriptions[id], envelope.event);
  },
};

export const shopProjections = {
  orders: ordersProjection,
  history: statusHistoryProjection,
  receiptsRegister: receiptsRegisterProjection,
  directory: directoryProjection,
  subscriptions: subscriptionsProjection,
  /** Issue 9 (PAY-5, REC-7): money against receipts per order, and the orders needing an admin. */
  reconciliation: shopReconciliationProjection,
} as const;
