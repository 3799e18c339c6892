// Public API of "@ordersource/domain/changes" (issue 17: order changes). Modules
// inside the package import each other directly; this file only re-exports.
export * from './values.js';
export * from './reasons.js';
export * from './events.js';
export * from './commands.js';
export * from './state.js';
export * from './basis.js';
export * from './staged.js';
export * from './decide.js';
export * from './plan.js';
export * from './apply.js';
export * from './restock.js';
export * from './preview.js';
export * from './notifications.js';
export * from './versions.js';
