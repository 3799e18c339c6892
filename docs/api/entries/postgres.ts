/**
 * PostgreSQL and PGlite storage for ordersource: event store, gap-free subscriptions, projections, outbox and snapshots.
 *
 * @module @ordersource/postgres
 */
export * from '../../../packages/postgres/src/index.js';
