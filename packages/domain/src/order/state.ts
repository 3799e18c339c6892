import type { Money } from '@ordersource/core';
import type { CloseOn } from './close-on.js';
import type { DiscardReason, FraudSignal, InvoiceBasis, OrderTotals, ShipmentLine } from './events.js';
import type { Address, Customer, Notify, OrderLine, PaymentChannel, PaymentMethod, ShippingMethod } from './values.js';

/**
 * The folded state of one order stream: the order, its payments, invoices and
 * fulfillment. Amounts inside payments and invoices are minor units of the
 * order's currency.
 */

/** ORD-2/ORD-3 lifecycle of the order itself; 'none' before OrderPlaced. */
export type OrderStatus = 'none' | 'pending' | 'recorded' | 'confirmed' | 'cancelled' | 'discarded';

/**
 * One payment's own lifecycle (PAY-1, PAY-3, PAY-4). Refunds do not change it;
 * they are counted in `refunded`.
 */
export type PaymentStatus =
  'pending' | 'action_required' | 'failed' | 'authorized' | 'partially_captured' | 'captured' | 'voided' | 'expired';

export type ProviderMessage = Readonly<{ at: string; event: string; message: string; reference?: string }>;

export type PaymentState = {
  paymentId: string;
  method: PaymentMethod;
  channel: PaymentChannel;
  requestedAt: string;
  /** The exact amount the payer must pay (PAY-3). */
  requested: number;
  status: PaymentStatus;
  authorized: number;
  captured: number;
  refunded: number;
  /** Authorized money given back by a final capture, a void or an expiry. */
  released: number;
  /** Captured money already matched against invoices (PAY-7). */
  reconciled: number;
  expiresAt?: string;
  /** When the provider lets the authorization lapse (issue 9.2). */
  authorizationExpiresAt?: string;
  url?: string;
  /** Provider return messages, oldest first (PAY-1). */
  messages: ProviderMessage[];
  /**
   * Issue 9.3, pending amounts per kind as Saleor keeps them (optional for
   * older snapshots; read through payment-status.ts): captures and refunds
   * asked of the provider and not answered yet, funds withdrawn by an open
   * dispute, and funds a lost dispute took for good.
   */
  capturePending?: number;
  refundPending?: number;
  disputed?: number;
  chargedBack?: number;
  /** 3-D Secure: where the customer confirms the payment (PAY-1). */
  actionUrl?: string;
  /**
   * Issue 9, while a capture is pending: when the shop stops waiting for the
   * answer (the latest request's `expiresAt`), and whether the request ends
   * the authorization (its success then releases the rest).
   */
  captureExpiresAt?: string;
  captureFinal?: boolean;
};

/**
 * Issue 9.3 (PAY-5): one refund, from its request to its outcomes. Its money
 * on the books is `succeeded - reversed` (never below zero, whatever order
 * the outcomes arrive in); `pending` is held back from what can be refunded.
 */
export type RefundState = {
  refundId: string;
  /** Unknown while only a reversal or failure of an unknown refund was reported. */
  paymentId?: string;
  requested: number;
  pending: number;
  succeeded: number;
  reversed: number;
  /** 'expired': the shop stopped waiting for the answer (issue 9); a later success still counts. */
  status: 'pending' | 'failed' | 'succeeded' | 'reversed' | 'expired';
  /** Issue 9: when the shop stops waiting for the answer, while `pending`. */
  expiresAt?: string;
  /** The goods the request named (REC-7): its success carries them to the receipts. */
  lines?: { lineId: string; qty: number }[];
  /**
   * Issue 9 (PAY-5, REC-7): the goods its success reported as returned, and what of them is counted in the
   * order's `returnedQty`/`returnedCodes` now: counted while its money is on the books, uncounted when a
   * reversal takes it off (a retry then names the same goods, counted once). Absent in older states.
   */
  goods?: { lineId: string; qty: number; markingCodes?: string[] }[];
  goodsCounted?: { lineId: string; qty: number; markingCodes?: string[] }[];
  /** Issue 17: the shipping money the request asked back (its success carries it, `PaymentRefunded.shipping`). */
  shippingAsked?: number;
  /** Issue 17: the shipping money it gave back, and whether `shippingRefunded` counts it (while on the books). */
  shipping?: number;
  shippingCounted?: boolean;
};

/** Issue 9.3 (PAY-1): a chargeback and its outcome. */
export type DisputeState = {
  disputeId: string;
  paymentId: string;
  amount: number;
  status: 'open' | 'won' | 'lost';
};

export type InvoiceState = {
  invoiceId: string;
  basis: InvoiceBasis;
  issuedAt: string;
  lines: { lineId: string; qty: number; amount: number }[];
  shippingFee: number;
  discount: number;
  amount: number;
  paid: number;
};

/** FUL-1 (Pixpa's six, plus partially_shipped for a shipment of some lines). */
export type FulfillmentStatus =
  'unfulfilled' | 'processed' | 'on_hold' | 'partially_shipped' | 'shipped' | 'cancelled' | 'fulfilled';

export type Shipment = {
  shipmentId: string;
  lines: ShipmentLine[];
  shippedAt: string;
  carrier?: string;
  trackingReference?: string;
  /** Issue 10.2/10.3: the carrier's tracking page, when the admin gave one. */
  trackingUrl?: string;
  expectedDeliveryAt?: string;
  deliveredAt?: string;
};

export type Hold = { reason: string; heldAt: string; until?: string; resumeTo: FulfillmentStatus };

export type FulfillmentState = {
  status: FulfillmentStatus;
  hold?: Hold;
  shipments: Shipment[];
  downloadsUnlocked: boolean;
  fulfilledAt?: string;
};

/** The placement facts that do not change (ORD-1), except the billing address (CUS-2). */
export type OrderDetails = {
  orderId: string;
  orderNumber: string;
  placedAt: string;
  shippingMethod: ShippingMethod;
  paymentMethod: PaymentMethod;
  customer: Customer;
  billingAddress: Address;
  shippingAddress: Address;
  ip?: string;
  ipCountry?: string;
  remark?: string;
  fraudSignals: FraudSignal[];
};

/** The last "process order" input (ORD-4). */
export type Processing = {
  status?: string;
  loyaltyPoints?: number;
  loyaltyPointsApproved?: boolean;
  shipDate?: string;
  deliveryDate?: string;
  carrier?: string;
  trackingReference?: string;
  lastNotify?: Notify;
};

/**
 * Ids that name a money movement or a document inside the order (issue 8.4).
 * Each is used once in its stream: a second RefundPayment with the same
 * refundId would refund twice while the receipts record one return.
 */
export type OrderIdKind = 'payment' | 'refund' | 'invoice' | 'shipment' | 'line';

export type OrderState = {
  status: OrderStatus;
  currency: string;
  details: OrderDetails | null;
  lines: OrderLine[];
  totals: OrderTotals;
  /** Highest total the order ever had (the paid-total law). */
  maxTotal: number;
  payments: PaymentState[];
  invoices: InvoiceState[];
  fulfillment: FulfillmentState;
  processing: Processing;
  recordedAt?: string;
  confirmedAt?: string;
  cancelled?: { at: string; reason: string };
  discarded?: { at: string; reason: DiscardReason; duplicateOf?: string };
  /** ORD-9: set when the closing fiscal receipt is issued. */
  locked?: { at: string; reason: string; receiptId?: string };
  /** REC-8 (issue 9.7): when this order's closing receipt goes out; absent means on delivery. */
  closingReceipt?: CloseOn;
  /** When the goods were first handed over (delivered, downloads open, paid to the courier); cleared if undone. */
  handedOverAt?: string;
  /** When a shipment first completed the physical lines: the receipts' "shipped" handover (REC-8); kept once set. */
  shippedOutAt?: string;
  /**
   * PAY-5/REC-7: lineId -> units given back with refunds. Optional so that
   * states folded before returned lines existed (snapshots) still load.
   */
  returnedQty?: Record<string, number>;
  /** REC-6 (issue 9.5): lineId -> marking codes of the marked units given back. Optional for older snapshots. */
  returnedCodes?: Record<string, string[]>;
  /** Issue 17 (REC-7): shipping money given back with refunds naming the shipping position. Optional for older snapshots. */
  shippingRefunded?: number;
  /**
   * Every id of each kind the stream has used, also for things gone since (a
   * removed line). Optional so that older snapshots still load; payments,
   * invoices, shipments and lines are also read from their own lists.
   */
  usedIds?: { [K in OrderIdKind]?: string[] };
  /** Issue 10.6: the approved loyalty points, on what basis, and how many refunds took back. */
  loyalty?: { points: number; basis: number; reversed: number };
  /** Issue 9.3: every provider event id recorded, so a re-delivered webhook is a no-op. Optional for older snapshots. */
  providerEventIds?: string[];
  /** Issue 9.3: refunds by id and disputes by id. Optional for older snapshots. */
  refunds?: RefundState[];
  disputes?: DisputeState[];
};

const zero = (currency: string): Money => ({ amount: 0, currency });

export const initialOrderState: OrderState = {
  status: 'none',
  currency: '',
  details: null,
  lines: [],
  totals: { subtotal: zero(''), shippingFee: zero(''), discount: zero(''), total: zero('') },
  maxTotal: 0,
  payments: [],
  invoices: [],
  fulfillment: { status: 'unfulfilled', shipments: [], downloadsUnlocked: false },
  processing: {},
};
