/**
 * Failures the port cannot express as an `Either`: the server is unreachable,
 * not the leader, refuses the credentials, a stream was deleted, a stored
 * event does not decode. They reject (or throw from an iterator) with an
 * `Error` whose `kind` tells them apart and whose message names what to fix.
 */
export type EventStoreDbErrorKind =
  | 'unavailable'
  | 'not-leader'
  | 'access-denied'
  | 'timeout'
  | 'stream-deleted'
  | 'stream-tombstoned'
  | 'not-found'
  | 'persistent-subscription'
  | 'decode'
  | 'invalid-checkpoint'
  | 'closed'
  | 'no-client'
  | 'invalid-connection-string'
  | 'server';

export type EventStoreDbStoreError = Error &
  Readonly<{
    kind: EventStoreDbErrorKind;
    /** For `decode` and stream errors: where. */
    streamId?: string;
    revision?: string;
    field?: string;
  }>;

export const storeError = (
  kind: EventStoreDbErrorKind,
  message: string,
  details: Readonly<{ cause?: unknown; streamId?: string; revision?: string; field?: string }> = {},
): EventStoreDbStoreError => {
  const { cause, ...where } = details;
  const error = cause === undefined ? new Error(message) : new Error(message, { cause });
  error.name = 'EventStoreDbStoreError';
  return Object.assign(error, { kind }, where);
};

export const isStoreError = (error: unknown): error is EventStoreDbStoreError =>
  error instanceof Error && error.name === 'EventStoreDbStoreError' && 'kind' in error;

const USER_INFO = /^([a-z][a-z0-9+.-]*:\/\/)([^@/?#]*)@/i;

/** The connection string with its password replaced by `***`, fit for a log line or an error. */
export const redactConnectionString = (connectionString: string): string =>
  connectionString.replace(USER_INFO, (_, scheme: string, userInfo: string) => {
    const colon = userInfo.indexOf(':');
    return colon < 0 ? `${scheme}${userInfo}@` : `${scheme}${userInfo.slice(0, colon)}:***@`;
  });

/** The password in a connection string, so a message that echoes it can be scrubbed. */
const passwordOf = (connectionString: string): string | undefined => {
  const userInfo = USER_INFO.exec(connectionString)?.[2];
  const colon = userInfo?.indexOf(':') ?? -1;
  const password = colon < 0 ? undefined : userInfo?.slice(colon + 1);
  return password === undefined || password === '' ? undefined : password;
};

/** Where errors say the server is: the redacted connection string, or the caller's label. */
export type ServerName = Readonly<{ shown: string; scrub: (text: string) => string }>;

export const serverName = (connectionString: string | undefined): ServerName => {
  if (connectionString === undefined) return { shown: 'the EventStoreDB server', scrub: (text) => text };
  const password = passwordOf(connectionString);
  const variants =
    password === undefined ? [] : [password, encodeURIComponent(password), safeDecode(password)].filter(unique);
  return {
    shown: `EventStoreDB at ${redactConnectionString(connectionString)}`,
    scrub: (text) => variants.reduce((out, secret) => (secret === '' ? out : out.split(secret).join('***')), text),
  };
};

const safeDecode = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};
const unique = (value: string, index: number, all: readonly string[]): boolean => all.indexOf(value) === index;
