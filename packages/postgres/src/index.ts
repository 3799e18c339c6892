// Public API of @ordersource/postgres. Modules inside the package import each
// other directly; this file only re-exports for users.
export * from './errors.js';
export * from './executor/types.js';
export * from './executor/pg.js';
export * from './executor/pglite.js';
export { validateSchemaName } from './identifiers.js';
export { migrate, requireSchema, MIGRATIONS, LATEST_VERSION, MIN_SERVER_VERSION } from './schema.js';
export type { Migration } from './schema.js';
export { compareCheckpoints } from './position.js';
export type { OutboxMessage } from './batch-check.js';
export * from './event-store.js';
export { createPostgresCheckpointStore } from './checkpoint-store.js';
export * from './snapshot-store.js';
export * from './projection.js';
export * from './outbox.js';
export * from './timer-store.js';
export * from './lease-store.js';
export * from './parked-store.js';
export * from './partition-store.js';
