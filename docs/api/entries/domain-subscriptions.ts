/**
 * @ordersource/domain/subscriptions: the subscriptions sub-path of @ordersource/domain.
 *
 * @module @ordersource/domain/subscriptions
 */
export * from '../../../packages/domain/src/subscriptions/index.js';
