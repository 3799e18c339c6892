// Public API of @ordersource/domain/customers (seed 000: CUS-1..CUS-3).
// Modules inside the package import each other directly; this file only re-exports.
export * from './values.js';
export * from './settings.js';
export * from './events.js';
export * from './commands.js';
export * from './state.js';
export * from './decider.js';
export * from './company.js';
export * from './guest-from-order.js';
export * from './directory.js';
export * from './portal.js';
