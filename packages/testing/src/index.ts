// Public API of @ordersource/testing. Modules import each other directly;
// this file only re-exports.
export * from './contract/event-store-contract.js';
