import * as t from 'io-ts';
import { NonEmptyString, refine } from '@ordersource/core';

/**
 * Values of the customer streams. Tokens and passwords never reach the core:
 * only a token's SHA-256 (64 lowercase hex digits) and a password hash made
 * by an adapter (`@ordersource/accounts`) are in commands and events.
 */

export const TokenHashCodec = refine(t.string, (s) => /^[0-9a-f]{64}$/.test(s), 'TokenHash(sha256 hex)');

/** An adapter's self-describing hash (`scrypt$...`); the core only stores it. Bounded so a megabyte is refused. */
export const PasswordHashCodec = refine(NonEmptyString, (s) => s.length <= 512, 'PasswordHash(<=512 chars)');

/** E-mail addresses are compared case-insensitively (domain parts are; most shops treat local parts so too). */
export const sameEmail = (a: string | undefined, b: string | undefined): boolean =>
  a !== undefined && b !== undefined && a.trim().toLowerCase() === b.trim().toLowerCase();

/** `at` plus whole seconds, as an ISO instant (pure: the start comes from the command). */
export const plusSeconds = (at: string, seconds: number): string =>
  new Date(Date.parse(at) + seconds * 1000).toISOString();

export const isBefore = (a: string, b: string): boolean => Date.parse(a) < Date.parse(b);
