/**
 * @ordersource/domain/customers: the customers sub-path of @ordersource/domain.
 *
 * @module @ordersource/domain/customers
 */
export * from '../../../packages/domain/src/customers/index.js';
