/**
 * @ordersource/domain/receipts: the receipts sub-path of @ordersource/domain.
 *
 * @module @ordersource/domain/receipts
 */
export * from '../../../packages/domain/src/receipts/index.js';
