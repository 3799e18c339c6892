/**
 * ordersource notifications: templates in six languages (ICU MessageFormat 2), rendering to text and HTML, the dispatcher with retries and dead letters, the console adapter and signed webhooks with their verifier.
 *
 * @module @ordersource/notify
 */
export * from '../../../packages/notify/src/index.js';
