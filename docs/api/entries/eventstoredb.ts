/**
 * EventStoreDB / KurrentDB storage for ordersource: the EventStore port, $all subscriptions with server-side filters, persistent subscriptions for competing consumers.
 *
 * @module @ordersource/eventstoredb
 */
export * from '../../../packages/eventstoredb/src/index.js';
