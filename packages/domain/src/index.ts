// Public API of @ordersource/domain (orders, payments, fulfillment, customers).
// Modules inside the package import each other directly; this file only
// re-exports. Fiscal receipts are exposed through "@ordersource/domain/receipts".
export * from './order/values.js';
export * from './order/events.js';
