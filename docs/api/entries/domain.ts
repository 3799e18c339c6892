/**
 * The ordersource shop domain: orders, payments, fulfillment, fiscal receipts (54-FZ), subscriptions and customers as pure deciders, projections and policies.
 *
 * @module @ordersource/domain
 */
export * from '../../../packages/domain/src/index.js';
