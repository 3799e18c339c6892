import type { Projection } from '@ordersource/core';
import { orderIdOf, ORDER_STREAM_PREFIX, type OrderEvent } from '../events.js';
import { decodeOrderEnvelope } from '../policies/reactor-base.js';

/**
 * ORD-4 (issue 10.6): every customer's loyalty points, one entry per change:
 * earned by an approval (a correction counts the difference), taken back
 * with the refund of returned goods. The balance is the sum of the entries.
 */
export type LoyaltyEntry = Readonly<{
  orderId: string;
  at: string;
  kind: 'earned' | 'corrected' | 'reversed';
  /** Signed: what the entry adds to the balance. */
  points: number;
  refundId?: string;
}>;

export type LoyaltyLedgerModel = { customers: Record<string, { balance: number; entries: LoyaltyEntry[] }> };

export const loyaltyLedgerProjection: Projection<LoyaltyLedgerModel, OrderEvent> = {
  name: 'order-loyalty-ledger',
  initialState: { customers: {} },
  decode: decodeOrderEnvelope,
  filter: { streamPrefix: ORDER_STREAM_PREFIX, eventTypes: ['LoyaltyPointsApproved', 'LoyaltyPointsReversed'] },
  evolve: (model, envelope) => {
    const event = envelope.event;
    if (event.type !== 'LoyaltyPointsApproved' && event.type !== 'LoyaltyPointsReversed') return;
    const account = (model.customers[event.data.customerId] ??= { balance: 0, entries: [] });
    const orderId = orderIdOf(envelope.streamId);
    const entry: LoyaltyEntry =
      event.type === 'LoyaltyPointsReversed'
        ? { orderId, at: event.data.at, kind: 'reversed', points: -event.data.points, refundId: event.data.refundId }
        : event.data.previous === undefined
          ? { orderId, at: event.data.at, kind: 'earned', points: event.data.points }
          : { orderId, at: event.data.at, kind: 'corrected', points: event.data.points - event.data.previous };
    account.entries.push(entry);
    account.balance += entry.points;
  },
};

/** A customer's points: balance and entries, oldest first. */
export const loyaltyAccount = (
  model: LoyaltyLedgerModel,
  customerId: string,
): Readonly<{ balance: number; entries: readonly LoyaltyEntry[] }> =>
  model.customers[customerId] ?? { balance: 0, entries: [] };
