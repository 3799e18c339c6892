/**
 * Test kit for ordersource: given/when/then for deciders, fast-check arbitraries, a model-based law runner and the EventStore contract suite.
 *
 * @module @ordersource/testing
 */
export * from '../../../packages/testing/src/index.js';
