// Public API of @ordersource/core. Modules inside the package import each
// other directly; this file only re-exports for users.
export * from './actor.js';
export * from './checkpoint-store.js';
export * from './clock.js';
export * from './codec.js';
export * from './command-handler.js';
export * from './currencies.js';
export * from './decider.js';
export * from './deferred.js';
export * from './due.js';
export * from './envelope.js';
export * from './envelope-of.js';
export * from './errors.js';
export * from './event-store.js';
export * from './expected-revision.js';
export * from './ids.js';
export * from './in-memory-store.js';
export * from './in-memory-lease-store.js';
export * from './in-memory-parked-store.js';
export * from './in-memory-timer-store.js';
export * from './message.js';
export * from './parked-store.js';
export * from './partition-leases.js';
export * as money from './money.js';
export type { Money, MoneyError } from './money.js';
export { MoneyCodec, NonNegativeMoneyCodec, PositiveMoneyCodec, CurrencyCodec } from './money.js';
export * from './projection.js';
export { createLiveModel, type LiveModel } from './live-model.js';
export { mutableCopy } from './frozen-copy.js';
export * from './reactor.js';
export {
  checkedCall,
  claimProblem,
  failProblem,
  holdsProblem,
  instantProblem,
  leaseRequestProblem,
  MAX_PARTITIONS,
  optionalIdProblem,
  parkProblem,
  planProblem,
  runtimeStoreRefusal,
  settleProblem,
} from './runtime-store-checks.js';
export type { RuntimeStoreMethod, RuntimeStoreRefusal } from './runtime-store-checks.js';
export { sleep, deepCopy } from './runtime.js';
export * from './snapshot.js';
export * from './store-arguments.js';
export * from './time-travel.js';
export * from './timer-store.js';
export * from './upcast.js';
