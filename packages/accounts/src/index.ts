// Public API of @ordersource/accounts. Modules inside the package import each other directly.
export * from './password.js';
export * from './tokens.js';
export * from './service.js';
