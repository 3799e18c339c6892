// Public API of @ordersource/example-admin-web: the shop's pages as functions
// from view data to escaped HTML. Modules import each other directly.
export * from './html.js';
export * from './i18n.js';
export * from './layout.js';
export * from './forms.js';
export * from './admin-pages.js';
export * from './portal-pages.js';
export * from './change-words.js';
export * from './change-pages.js';
export * from './refund-words.js';
export * from './refunds-panel.js';
