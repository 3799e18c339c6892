// Public API of @ordersource/notify-smtp. Modules inside the package import
// each other directly; this file only re-exports for users.
export * from './transport.js';
export * from './smtp-channel.js';
export * from './fax-channel.js';
export { messageIdFor } from './message-id.js';
export { smtpFailure } from './smtp-result.js';
