// Public API of @ordersource/cli: the `ordersource` command is the product;
// these are the pieces it is made of, for tools that want the same output.
// This file only re-exports; modules import each other directly.
export * from './codec-shape.js';
export * from './wire-commands.js';
export * from './wire-format.js';
export * from './simulate-input.js';
export * from './simulate.js';
export * from './pretty.js';
export * from './exit-codes.js';
export { main, program } from './main.js';
