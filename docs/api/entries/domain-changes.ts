/**
 * @ordersource/domain/changes: order changes (staged edits, returns, exchanges, claims) of @ordersource/domain.
 *
 * @module @ordersource/domain/changes
 */
export * from '../../../packages/domain/src/changes/index.js';
