import { createHash, randomBytes } from 'node:crypto';

/**
 * Single-use tokens (invitations, password resets, order-status links). A
 * token is 32 random bytes (256 bits: unguessable, no rate limit needed),
 * base64url so it fits a URL. Only its SHA-256 goes into commands and
 * events: a leaked event log opens nothing. A fast hash is enough here
 * (unlike passwords): the input already has 256 bits of entropy.
 */

export const TOKEN_BYTES = 32;

export const newToken = (): string => randomBytes(TOKEN_BYTES).toString('base64url');

/** The hex SHA-256 of a token, as the customer decider stores it (`TokenHash`). */
export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');
