// Public API of @ordersource/runtime. Modules inside the package import each
// other directly; this file only re-exports for users.
export * from './clock.js';
export * from './streams.js';
export * from './shop-streams.js';
export * from './reactors.js';
export * from './dispatch.js';
export * from './outbox.js';
export * from './retry.js';
export * from './consumer.js';
export * from './projections.js';
export * from './read-models.js';
export * from './reconciliation.js';
export * from './timers.js';
export * from './telemetry.js';
export * from './queries.js';
export * from './shop.js';
export * from './order-changes.js';
export * from './store-credit.js';
export * from './partitioned/index.js';
export * from './credit-receipts.js';
