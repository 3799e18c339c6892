// Public API of @ordersource/notify-sms. Modules inside the package import
// each other directly; this file only re-exports for users.
export * from './gateway.js';
export * from './twilio.js';
