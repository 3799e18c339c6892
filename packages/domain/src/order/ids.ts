import type { OrderEvent } from './events.js';
import type { OrderIdKind, OrderState } from './state.js';

/**
 * Issue 8.4: ids that name a money movement or a document inside an order
 * (payment and payment link, refund, invoice, shipment, line) are unique in
 * its stream. Checked once, on the events a decision would append, so that no
 * command (nor a policy's derived id, like a split refund's `r-1-2`) can
 * reuse one.
 */

export type NamedId = Readonly<{ kind: OrderIdKind; id: string }>;

/** The ids an event introduces. */
export const idsIntroducedBy = (event: OrderEvent): NamedId[] => {
  switch (event.type) {
    case 'OrderPlaced':
      return event.data.lines.map((line) => ({ kind: 'line', id: line.lineId }));
    case 'OrderLineAdded':
      return [{ kind: 'line', id: event.data.line.lineId }];
    case 'PaymentRequested':
      return [{ kind: 'payment', id: event.data.paymentId }];
    case 'RefundRequested':
      return [{ kind: 'refund', id: event.data.refundId }];
    case 'PaymentRefunded':
      // The success of a requested refund names the refund its request introduced (issue 9.3).
      return event.data.request === 'settled' ? [] : [{ kind: 'refund', id: event.data.refundId }];
    case 'InvoiceIssued':
      return [{ kind: 'invoice', id: event.data.invoiceId }];
    case 'ShipmentDispatched':
      return [{ kind: 'shipment', id: event.data.shipmentId }];
    default:
      return [];
  }
};

/** Has the stream used this id already (including things since removed)? */
export const idUsed = (state: OrderState, { kind, id }: NamedId): boolean => {
  if (state.usedIds?.[kind]?.includes(id) === true) return true;
  // States folded before `usedIds` existed (snapshots) still know their current ids.
  switch (kind) {
    case 'payment':
      return state.payments.some((p) => p.paymentId === id);
    case 'invoice':
      return state.invoices.some((i) => i.invoiceId === id);
    case 'shipment':
      return state.fulfillment.shipments.some((s) => s.shipmentId === id);
    case 'line':
      return state.lines.some((l) => l.lineId === id);
    case 'refund':
      return false;
  }
};

/** The first id these events would reuse (from the state or from each other), if any. */
export const reusedId = (state: OrderState, events: readonly OrderEvent[]): NamedId | undefined => {
  const fresh = new Set<string>();
  for (const event of events)
    for (const named of idsIntroducedBy(event)) {
      const key = `${named.kind}:${named.id}`;
      if (fresh.has(key) || idUsed(state, named)) return named;
      fresh.add(key);
    }
  return undefined;
};
