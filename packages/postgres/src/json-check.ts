import { jsonValueProblem, textProblem as coreTextProblem } from '@ordersource/core';

/**
 * JSON would silently change some JavaScript values (undefined keys vanish,
 * NaN becomes null, a Date becomes a string, a Map becomes {}), and
 * PostgreSQL rejects NUL characters and lone surrogates in text. The walk is
 * core's (store-arguments.ts), the one every store runs on event data; these
 * wrappers give its message for payloads outside the event store (snapshots).
 */
export const jsonProblem = (value: unknown, path = '$'): string | undefined => jsonValueProblem(value, path)?.message;

export const textProblem = (text: string, what: string): string | undefined => coreTextProblem(text, what)?.message;
