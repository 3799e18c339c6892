/**
 * Failures the store cannot express as an `Either` of the port: the database
 * is unreachable, the schema is missing or too old, the server is too old, a
 * stored row does not decode. They reject (or throw from an iterator) with an
 * `Error` whose `kind` tells them apart and whose message names what to fix.
 */
export type PostgresErrorKind =
  | 'connection'
  | 'missing-schema'
  | 'server-version'
  | 'invalid-schema-name'
  | 'decode'
  | 'invalid-checkpoint'
  | 'closed'
  | 'xid-behind'
  | 'data-dir-locked';

export type PostgresStoreError = Error &
  Readonly<{
    kind: PostgresErrorKind;
    /** For `decode`: where the bad row is. */
    streamId?: string;
    streamVersion?: number;
    field?: string;
  }>;

export const storeError = (
  kind: PostgresErrorKind,
  message: string,
  details: Readonly<{ cause?: unknown; streamId?: string; streamVersion?: number; field?: string }> = {},
): PostgresStoreError => {
  const { cause, ...where } = details;
  const error = cause === undefined ? new Error(message) : new Error(message, { cause });
  error.name = 'PostgresStoreError';
  return Object.assign(error, { kind }, where);
};

export const isStoreError = (error: unknown): error is PostgresStoreError =>
  error instanceof Error && error.name === 'PostgresStoreError' && 'kind' in error;

/** SQLSTATE of a driver error, when it has one. */
export const sqlState = (error: unknown): string | undefined => {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = error.code;
  return typeof code === 'string' ? code : undefined;
};
