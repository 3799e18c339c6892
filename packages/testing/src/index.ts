// Public API of @ordersource/testing. Modules import each other directly;
// this file only re-exports.
export * from './contract/event-store-contract.js';
export * from './contract/snapshot-store-contract.js';
export * from './contract/snapshot-idempotency.js';
export * from './contract/checkpoint-store-contract.js';
export * from './contract/timer-store-contract.js';
export * from './contract/lease-store-contract.js';
export * from './contract/parked-store-contract.js';
export { at as contractInstant, due as contractDue } from './contract/runtime-support.js';
export type { RuntimeContractOptions } from './contract/runtime-support.js';
export * from './decider-spec.js';
export * from './arbitraries.js';
export * from './hostile-input.js';
export * from './laws.js';
export * from './react-inline.js';
export { deepEqual, show } from './equality.js';
export * from './fixtures/cart.js';
export * from './fixtures/cart-arbitraries.js';
