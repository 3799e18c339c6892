/**
 * SMS channel for @ordersource/notify through an HTTP gateway: configurable JSON or form requests, a ready mapping for Twilio's Messages API, E.164 numbers.
 *
 * @module @ordersource/notify-sms
 */
export * from '../../../packages/notify-sms/src/index.js';
