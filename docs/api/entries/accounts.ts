/**
 * Customer accounts for @ordersource/domain/customers: scrypt password hashes, single-use tokens (only their SHA-256 reaches events), and a service for sign-up from an invitation, login with lockout and reset by token.
 *
 * @module @ordersource/accounts
 */
export * from '../../../packages/accounts/src/index.js';
