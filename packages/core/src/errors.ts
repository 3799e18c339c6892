/**
 * Errors as values. Deciders return `DomainError` through fp-ts `Either`;
 * they never throw. Infrastructure errors (a store conflict, a bad row) are
 * values too where a caller can act on them.
 */

/** A business rule said no. `code` is stable and machine-readable; `message` is for people. */
export type DomainError = Readonly<{
  kind: 'domain';
  code: string;
  message: string;
  details?: Readonly<Record<string, unknown>>;
}>;

export const domainError = (code: string, message: string, details?: Readonly<Record<string, unknown>>): DomainError =>
  details === undefined ? { kind: 'domain', code, message } : { kind: 'domain', code, message, details };

/** One failing field: where it is (`data.lines.0.qty`), which rule it broke, and what was there. */
export type ValidationIssue = Readonly<{
  path: string;
  rule: string;
  value: unknown;
  message?: string;
}>;

/** Input from outside (a command, a stored row) did not match its codec. Nothing was written. */
export type ValidationError = Readonly<{
  kind: 'validation';
  message: string;
  issues: readonly ValidationIssue[];
}>;
