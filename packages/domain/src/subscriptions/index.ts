// Public API of @ordersource/domain/subscriptions (seed 004: SUB-1..SUB-5).
// Modules inside the package import each other directly; this file only re-exports.
export * from './events.js';
export * from './commands.js';
export * from './settings.js';
export * from './state.js';
export * from './decider.js';
export * from './view.js';
