// Public API of @ordersource/domain/receipts: fiscal receipts under 54-FZ
// (REC-1..REC-8). This file only re-exports; modules import each other directly.
export * from './kinds.js';
export * from './model.js';
export * from './receipt.js';
export * from './state.js';
export * from './policy.js';
export * from './events.js';
export * from './commands.js';
export * from './decider.js';
export * from './register.js';
export * from './register-memory.js';
export * from './send.js';
export * from './projections.js';
export * from './render.js';
export * from './vat.js';
export * from './lock.js';
export * from './from-order-events.js';
export * from './simulate.js';
export * from './script.js';
export * from './scenarios.js';
export * from './sync.js';
export * from './due.js';
export * from './snapshot.js';
export * from './store-credit.js';
export * from './store-credit-decide.js';
