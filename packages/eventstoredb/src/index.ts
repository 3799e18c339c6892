// Public API of @ordersource/eventstoredb. Modules inside the package import
// each other directly; this file only re-exports for users.
export type {
  ClientPosition,
  ClientRecordedEvent,
  ClientResolvedEvent,
  Dialect,
  EventStoreDbClient,
} from './client.js';
export { detectDialect } from './client.js';
export { isStoreError, redactConnectionString } from './errors.js';
export type { EventStoreDbErrorKind, EventStoreDbStoreError } from './errors.js';
export { compareCheckpoints, decodeCheckpoint, encodePosition } from './position.js';
export { createEventStoreDbStore } from './event-store.js';
export type { EventStoreDbEventStore, EventStoreDbStoreOptions } from './event-store.js';
export { connectEventStoreDb } from './connect.js';
export type { ClientPackage, ConnectOptions } from './connect.js';
export type {
  PersistentConsumeOptions,
  PersistentConsumer,
  PersistentDelivery,
  PersistentGroupSettings,
  PersistentHandler,
} from './persistent.js';
export type { RetryPolicy } from './subscribe.js';
