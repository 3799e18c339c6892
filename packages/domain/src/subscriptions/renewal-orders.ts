import { produce } from 'immer';
import { createEnvelopeDecoder, derivedId, type Envelope, type Money, type Reactor } from '@ordersource/core';
import type { OrderCommand } from '../order/commands.js';
import { ORDER_STREAM_PREFIX, OrderEventDecoder, orderStreamId, type OrderEvent } from '../order/events.js';
import type { OrderLine, VatRate } from '../order/values.js';
import type { SubscriptionCommand } from './commands.js';
import { subscriptionStreamId, type SubscriptionEvent } from './events.js';
import { evolveSubscription, initialSubscriptionState, type SubscriptionState } from './state.js';

/**
 * Money on the order model: each invoice of a subscription is paid through
 * an order of its own (payment request, provider outcomes, refunds, and the
 * fiscal receipts the receipts module derives from the order), like Odoo's
 * invoice per renewal and Stripe's invoice with its PaymentIntent.
 *
 * Two directions, both pure and idempotent by derived ids:
 * - `renewalOrderCommandsFor(history)`: a subscription's history -> the order
 *   commands (PlaceOrder per invoice with a service line for the period, paid
 *   with the subscription's saved method; RecordOrder + MarkDelivered once the
 *   period is served) and the charge requests a payment adapter carries out
 *   (the first attempt and each dunning retry).
 * - `renewalPaymentsReactor`: order payment outcomes (captured, failed,
 *   refunded) on a renewal order -> PaySubscriptionInvoice,
 *   FailSubscriptionPayment, RefundSubscriptionInvoice on the subscription.
 *
 * 54-FZ (seed 003, docs/subscriptions.md "Receipts"): the renewal order holds
 * one service line equal to what is paid, so its payment owes a 100%
 * prepayment receipt naming the service (REC-3), and the period served owes
 * the closing receipt (full settlement, offsetting it: REC-5, REC-8).
 */

/** The payment id of an invoice's order: it names the subscription and the invoice, so outcomes find their way back. */
export const renewalPaymentId = (subscriptionId: string, invoiceId: string): string =>
  `subscription:${encodeURIComponent(subscriptionId)}:${encodeURIComponent(invoiceId)}`;

export const parseRenewalPaymentId = (
  paymentId: string,
): Readonly<{ subscriptionId: string; invoiceId: string }> | undefined => {
  const parts = paymentId.split(':');
  if (parts.length !== 3 || parts[0] !== 'subscription' || parts[1] === '' || parts[2] === '') return undefined;
  try {
    return { subscriptionId: decodeURIComponent(parts[1] ?? ''), invoiceId: decodeURIComponent(parts[2] ?? '') };
  } catch {
    return undefined;
  }
};

/** The order of an invoice: one per invoice, named by it. */
export const renewalOrderId = (invoiceId: string): string => `subscription-invoice-${invoiceId}`;

export type RenewalOrderOptions = Readonly<{
  /** VAT of the service line (the shop's rate for the service; 54-FZ: vat22 since 2026, vat20 before). */
  vatRate: VatRate;
  /** Receipt unit of the service line (default "усл", a service). */
  unit?: string;
}>;

/** A charge a payment adapter makes on the saved method (Stripe's off-session PaymentIntent confirm). */
export type ChargeRequest = Readonly<{
  kind: 'charge';
  id: string;
  orderStreamId: string;
  paymentId: string;
  amount: Money;
  attempt: number;
}>;

export type RenewalOrderOutput = Readonly<{ kind: 'command'; streamId: string; command: OrderCommand }> | ChargeRequest;

const POLICY = 'subscriptions.renewal-orders';

const lineOf = (
  state: SubscriptionState,
  event: Extract<SubscriptionEvent, { type: 'SubscriptionInvoiced' }>,
  options: RenewalOrderOptions,
): { lines: OrderLine[]; subtotal: number; discount: number } => {
  const planName = state.plan?.name ?? event.data.planId ?? 'subscription';
  const sku = event.data.planId ?? state.plan?.planId ?? 'subscription';
  const unit = options.unit ?? 'усл';
  if (event.data.kind === 'proration')
    return {
      lines: [
        {
          lineId: 'proration',
          sku,
          name: `${planName}: change ${event.data.periodStart} to ${event.data.periodEnd}`,
          qty: 1,
          unitPrice: event.data.amount,
          vatRate: options.vatRate,
          kind: 'service',
          unit,
        },
      ],
      subtotal: event.data.amount.amount,
      discount: 0,
    };
  const quantity = event.data.quantity ?? 1;
  const unitAmount = event.data.unitAmount ?? event.data.amount.amount;
  return {
    lines: [
      {
        lineId: 'period',
        sku,
        name: `${planName}: ${event.data.periodStart} to ${event.data.periodEnd}`,
        qty: quantity,
        unitPrice: { amount: unitAmount, currency: event.data.amount.currency },
        vatRate: options.vatRate,
        kind: 'service',
        unit,
      },
    ],
    subtotal: unitAmount * quantity,
    // Proration credit drawn by this renewal: a discount on its order (no negative lines).
    discount: event.data.creditApplied ?? 0,
  };
};

/**
 * The order-side work of one subscription's history. Commands carry ids
 * derived from the causing subscription event, so translating the same
 * history again gives the same commands, and the order handler appends
 * nothing twice. Invoices of nothing (fully credited) need no order.
 */
export const renewalOrderCommandsFor = (
  history: readonly Envelope<SubscriptionEvent>[],
  options: RenewalOrderOptions,
): RenewalOrderOutput[] => {
  let state = initialSubscriptionState;
  const out: RenewalOrderOutput[] = [];
  const ordered = new Set<string>();
  for (const envelope of history) {
    const event = envelope.event;
    state = produce(state, (draft) => evolveSubscription(draft, event));
    let index = 0;
    const send = (streamId: string, type: OrderCommand['type'], data: unknown): void => {
      out.push({
        kind: 'command',
        streamId,
        command: {
          type,
          data,
          metadata: {
            commandId: derivedId(POLICY, envelope.eventId, index++),
            actor: { kind: 'system', id: POLICY },
            at: envelope.occurredAt,
            causationId: envelope.eventId,
            correlationId: envelope.correlationId ?? envelope.eventId,
          },
        } as OrderCommand,
      });
    };
    const charge = (invoiceId: string, amount: Money, attempt: number): void => {
      out.push({
        kind: 'charge',
        id: derivedId(POLICY, 'charge', envelope.eventId),
        orderStreamId: orderStreamId(renewalOrderId(invoiceId)),
        paymentId: renewalPaymentId(state.subscriptionId, invoiceId),
        amount,
        attempt,
      });
    };
    switch (event.type) {
      case 'SubscriptionInvoiced': {
        if (event.data.amount.amount === 0 || state.customer === null) break;
        if (state.paymentMethod === undefined || state.billingAddress === undefined) break;
        const { lines, subtotal, discount } = lineOf(state, event, options);
        const currency = event.data.amount.currency;
        const orderId = renewalOrderId(event.data.invoiceId);
        ordered.add(event.data.invoiceId);
        send(orderStreamId(orderId), 'PlaceOrder', {
          orderId,
          orderNumber: event.data.invoiceId,
          paymentId: renewalPaymentId(state.subscriptionId, event.data.invoiceId),
          lines,
          subtotal: { amount: subtotal, currency },
          shippingFee: { amount: 0, currency },
          discount: { amount: discount, currency },
          total: event.data.amount,
          shippingMethod: { code: 'subscription', name: 'Subscription service' },
          paymentMethod: state.paymentMethod,
          customer: state.customer,
          billingAddress: state.billingAddress,
          shippingAddress: state.billingAddress,
        });
        // Unpaid (Stripe): invoices go on, but the saved method is not charged until someone pays.
        if (state.status !== 'unpaid') charge(event.data.invoiceId, event.data.amount, 1);
        break;
      }
      case 'SubscriptionPaymentRetried': {
        const invoice = state.invoices.find((i) => i.invoiceId === event.data.invoiceId);
        if (invoice === undefined || !ordered.has(invoice.invoiceId)) break;
        charge(invoice.invoiceId, { amount: invoice.amount, currency: state.currency }, event.data.attempt);
        break;
      }
      case 'SubscriptionPeriodServed': {
        if (!ordered.has(event.data.invoiceId)) break;
        const streamId = orderStreamId(renewalOrderId(event.data.invoiceId));
        // The service was rendered: the order is fulfilled, which owes the closing receipt.
        send(streamId, 'RecordOrder', { note: 'subscription invoice paid' });
        send(streamId, 'MarkDelivered', { deliveredAt: event.data.at, note: 'subscription period served' });
        break;
      }
      default:
        break;
    }
  }
  return out;
};

const decodeOrderEnvelope = createEnvelopeDecoder<OrderEvent>(OrderEventDecoder);

const toSubscription = <T extends SubscriptionCommand['type']>(
  subscriptionId: string,
  type: T,
  data: Extract<SubscriptionCommand, { type: T }>['data'],
) => ({ kind: 'command' as const, streamId: subscriptionStreamId(subscriptionId), type, data });

/**
 * Order payment outcomes on a renewal order, fed back to its subscription:
 * money captured pays the invoice, a failure starts or continues dunning, a
 * refund is recorded. Orders that are not renewal orders are ignored.
 */
export const renewalPaymentsReactor: Reactor<OrderEvent, SubscriptionCommand> = {
  name: 'subscriptions.renewal-payments',
  decode: decodeOrderEnvelope,
  filter: { streamPrefix: ORDER_STREAM_PREFIX, eventTypes: ['PaymentCaptured', 'PaymentFailed', 'PaymentRefunded'] },
  react: ({ event }) => {
    if (event.type !== 'PaymentCaptured' && event.type !== 'PaymentFailed' && event.type !== 'PaymentRefunded')
      return [];
    const ids = parseRenewalPaymentId(event.data.paymentId);
    if (ids === undefined) return [];
    switch (event.type) {
      case 'PaymentCaptured':
        return [
          toSubscription(ids.subscriptionId, 'PaySubscriptionInvoice', {
            invoiceId: ids.invoiceId,
            amount: event.data.amount,
            paymentId: event.data.paymentId,
          }),
        ];
      case 'PaymentFailed':
        return [
          toSubscription(ids.subscriptionId, 'FailSubscriptionPayment', {
            invoiceId: ids.invoiceId,
            ...(event.data.providerMessage === undefined ? {} : { reason: event.data.providerMessage }),
          }),
        ];
      case 'PaymentRefunded':
        return [
          toSubscription(ids.subscriptionId, 'RefundSubscriptionInvoice', {
            invoiceId: ids.invoiceId,
            refundId: event.data.refundId,
            amount: event.data.amount,
          }),
        ];
    }
  },
};
