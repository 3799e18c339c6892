// Public API of @ordersource/domain/subscriptions (seed 004: SUB-1..SUB-5, issue 13).
// Modules inside the package import each other directly; this file only re-exports.
export * from './events.js';
export * from './commands.js';
export * from './settings.js';
export * from './state.js';
export * from './period.js';
export * from './proration.js';
export { renewalInvoiceId, graceEndsAt, retryAt, servedAt } from './decide-billing.js';
export { prorationInvoiceId } from './decide-plan-change.js';
export { closeReason } from './decide-close.js';
export * from './decider.js';
export { planSubscriptionDue } from './due.js';
export * from './access.js';
export * from './view.js';
export * from './projections.js';
export * from './renewal-orders.js';
export * from './sync.js';
export * from './renewal-reactions.js';
