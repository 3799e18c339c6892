/**
 * The ordersource kernel: deciders, event envelopes, the EventStore port, an in-memory store, command handler, projections, reactors and Money.
 *
 * @module @ordersource/core
 */
export * from '../../../packages/core/src/index.js';
