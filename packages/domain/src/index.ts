// Public API of @ordersource/domain (orders, payments, fulfillment, customers).
// Modules inside the package import each other directly; this file only
// re-exports. Fiscal receipts are exposed through "@ordersource/domain/receipts",
// subscriptions through "@ordersource/domain/subscriptions".
export * from './order/values.js';
export * from './order/events.js';
export * from './order/commands.js';
export * from './order/state.js';
export * from './order/totals.js';
export * from './order/quantities.js';
export * from './order/marking.js';
export * from './order/handover.js';
export * from './order/close-on.js';
export * from './order/closing-receipt.js';
export * from './order/payment-status.js';
export * from './order/payment-messages.js';
export * from './order/access.js';
export { fraudSignalsOf } from './order/decide-order.js';
export {
  orderDecider,
  orderDeciderFor,
  orderDeciderWith,
  decideOrder,
  type OrderDeciderOptions,
} from './order/decider.js';
export { evolveOrder } from './order/evolve.js';
export * from './order/due.js';
export { timedHoldRanOut } from './order/decide-fulfillment.js';
export * from './order/simulate.js';
export * from './order/settings.js';
export { decodeOrderEnvelope } from './order/policies/reactor-base.js';
export * from './order/policies/record-on-payment.js';
export * from './order/policies/auto-confirm.js';
export * from './order/policies/fraud-hold.js';
export * from './order/policies/auto-invoice.js';
export * from './order/policies/capture-after-delivery.js';
export * from './order/policies/refund-overpayment.js';
export * from './order/policies/notify-customer.js';
export * from './order/policies/notify-new-order.js';
export * from './order/policies/all.js';
export * from './order/projections/orders.js';
export * from './order/projections/status-history.js';
export * from './order/projections/customer-orders.js';
export * from './order/projections/order-summary.js';
export * from './order/projections/loyalty-ledger.js';
export * from './order/loyalty.js';
export * as orderExamples from './order/examples.js';
// Issue 17: store credit (a customer's credit account, refund destination and tender).
export * from './credit/values.js';
export * from './credit/events.js';
export * from './credit/commands.js';
export * from './credit/state.js';
export { creditDecider, drawsFor } from './credit/decide.js';
export * from './credit/tender.js';
export * from './credit/refund.js';
export * from './credit/goodwill-return.js';
