import type { OrderState } from './state.js';

/**
 * ORD-9/REC-5: has the order reached a moment at which the receipts module,
 * with its default settings (REC-8 `closeOn: delivery`), issues the closing
 * receipt? From then on the composition is final even before the `LockOrder`
 * command (sent by the receipts sync) arrives:
 * - 'delivered': fulfilled, everything delivered (FUL-4);
 * - 'downloads-unlocked': an all-digital order's downloads are open, which
 *   hands the licences over (REC-4), even while fulfillment is on hold;
 * - 'paid-on-delivery': money for a cash/card-on-delivery payment was taken,
 *   which the receipts policy treats as the courier's handover, whatever the
 *   shipment records say.
 * A shop configured to close on shipment still has a window between the last
 * shipment and the lock (docs/receipts.md): the order does not know that
 * setting, and refusing edits from shipment would break ORD-9 for the default.
 */
export type Handover = 'delivered' | 'downloads-unlocked' | 'paid-on-delivery';

const paidOnDelivery = (state: OrderState): boolean =>
  state.payments.some(
    (p) => p.captured > 0 && (p.method.kind === 'cash_on_delivery' || p.method.kind === 'card_on_delivery'),
  );

export const handedOver = (state: OrderState): Handover | undefined => {
  if (state.fulfillment.status === 'fulfilled') return 'delivered';
  const digitalOnly = state.lines.length > 0 && state.lines.every((line) => line.kind === 'digital');
  if (digitalOnly && state.fulfillment.downloadsUnlocked) return 'downloads-unlocked';
  if (paidOnDelivery(state)) return 'paid-on-delivery';
  return undefined;
};
