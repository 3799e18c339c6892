/**
 * The ordersource shop runtime: one composition of every stream kind from settings and a store, always-on reactors and projections, durable timers, partitioned scale-out with leases, OpenTelemetry and health.
 *
 * @module @ordersource/runtime
 */
export * from '../../../packages/runtime/src/index.js';
