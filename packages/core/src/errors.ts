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

/**
 * Why input was refused, for programs: a command that does not match its
 * codec, a stored event that does not, or any other input.
 */
export type ValidationCode = 'invalid-command' | 'invalid-event' | 'invalid-input';

/**
 * Input from outside (a command, a stored row) did not match its codec. Nothing was written.
 * `code` is set on everything the command handler returns; a bare `decode` may leave it out.
 */
export type ValidationError = Readonly<{
  kind: 'validation';
  code?: ValidationCode;
  message: string;
  issues: readonly ValidationIssue[];
}>;

/** A validation error with its code set (what the command handler returns). */
export type CodedValidationError = ValidationError & Readonly<{ code: ValidationCode }>;

/** The same error with `code` set (only when it was not): error paths only, never the hot path. */
export const withValidationCode = (error: ValidationError, code: ValidationCode): CodedValidationError =>
  error.code === undefined ? { ...error, code } : (error as CodedValidationError);
