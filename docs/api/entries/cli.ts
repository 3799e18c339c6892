/**
 * The pieces the `ordersource` command is made of: the simulator, the codec walker behind docs/wire-format.md, the exit codes.
 *
 * @module @ordersource/cli
 */
export * from '../../../packages/cli/src/index.js';
