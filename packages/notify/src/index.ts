// Public API of @ordersource/notify. Modules inside the package import each
// other directly; this file only re-exports for users.
export * from './values.js';
export * from './languages.js';
export * from './template.js';
export * from './catalog.js';
export * from './render.js';
export { escapeHtml } from './html.js';
export { builtInTemplates } from './templates/all.js';
export * from './recipient.js';
export * from './intent.js';
export * from './channel.js';
export * from './backoff.js';
export * from './ledger.js';
export * from './store-ledger.js';
export * from './dispatcher.js';
export * from './memory-queue.js';
export * from './outbox-delivery.js';
export * from './order-intents.js';
export * from './change-intents.js';
export { changeLabels, type ChangeLabels } from './change-labels.js';
export * from './subscription-intents.js';
export * from './record-order.js';
export { statusLabels } from './status-labels.js';
export * from './console-channel.js';
export * from './webhook-signature.js';
export * from './webhook-channel.js';
export * from './http-send.js';
