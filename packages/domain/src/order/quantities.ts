import type { OrderState } from './state.js';

/** Quantities per line derived from shipments and invoices (FUL-1 partial shipments, PAY-7). */

/** Physical units not yet in any shipment. */
export const remainingToShip = (state: Pick<OrderState, 'lines' | 'fulfillment'>): number =>
  state.lines.reduce((acc, line) => acc + (line.kind === 'physical' ? remainingOf(state, line.lineId) : 0), 0);

export const shippedQty = (state: Pick<OrderState, 'fulfillment'>, lineId: string): number =>
  state.fulfillment.shipments.reduce(
    (acc, shipment) => acc + shipment.lines.reduce((a, l) => a + (l.lineId === lineId ? l.qty : 0), 0),
    0,
  );

export const deliveredQty = (state: Pick<OrderState, 'fulfillment'>, lineId: string): number =>
  state.fulfillment.shipments.reduce(
    (acc, shipment) =>
      acc +
      (shipment.deliveredAt === undefined
        ? 0
        : shipment.lines.reduce((a, l) => a + (l.lineId === lineId ? l.qty : 0), 0)),
    0,
  );

export const remainingOf = (state: Pick<OrderState, 'lines' | 'fulfillment'>, lineId: string): number => {
  const line = state.lines.find((l) => l.lineId === lineId);
  return line === undefined ? 0 : Math.max(0, line.qty - shippedQty(state, lineId));
};

/** Units of a line already on an invoice. */
export const invoicedQty = (state: Pick<OrderState, 'invoices'>, lineId: string): number =>
  state.invoices.reduce(
    (acc, invoice) => acc + invoice.lines.reduce((a, l) => a + (l.lineId === lineId ? l.qty : 0), 0),
    0,
  );

/** Units of a line given back with refunds (PAY-5, REC-7). */
export const returnedQty = (state: Pick<OrderState, 'returnedQty'>, lineId: string): number =>
  state.returnedQty?.[lineId] ?? 0;
