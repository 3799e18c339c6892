import { storeError, type EventStoreDbStoreError, type ServerName } from './errors.js';
import { versionOf } from './revision.js';

/**
 * What a client's error means for the port. The clients throw instances of
 * their own classes (`WrongExpectedVersionError`, `StreamDeletedError`, ...)
 * with a string `type`; some failures (the first call to a server that is not
 * there) arrive as a bare gRPC error with only a numeric `code`. We read both
 * by shape, never by `instanceof`, since neither package is ours to import.
 *
 * - a version conflict becomes the port's `wrong-expected-version` (after the
 *   append has checked it is not a replay);
 * - a batch or record over the server's size limits is the port's
 *   `invalid-append`: nothing was written and the caller can split it;
 * - everything else rejects with an `EventStoreDbStoreError` whose message
 *   names the server (never its password) and the stream.
 */
export type ClientFailure =
  /** `stream`: the stream whose expectation failed, when the error names it (a multi-stream append's). */
  | Readonly<{ kind: 'wrong-expected-version'; actual: number; stream?: string }>
  /** The server does not serve the call (`UnsupportedError`: multiStreamAppend before KurrentDB 25.1). */
  | Readonly<{ kind: 'unsupported'; message: string }>
  | Readonly<{ kind: 'too-large'; message: string }>
  | Readonly<{ kind: 'stream-not-found' }>
  | Readonly<{ kind: 'rejected'; error: EventStoreDbStoreError }>;

type ErrorShape = Readonly<{
  type?: unknown;
  code?: unknown;
  message?: unknown;
  streamName?: unknown;
  // WrongExpectedVersionError: @eventstore/db-client
  actualVersion?: unknown;
  // WrongExpectedVersionError: @kurrent/kurrentdb-client
  actualState?: unknown;
  // AppendConsistencyViolationError (@kurrent/kurrentdb-client)
  violations?: unknown;
  // size errors
  maxAppendSize?: unknown;
  maxSize?: unknown;
  size?: unknown;
  recordId?: unknown;
  // NotLeaderError
  leader?: unknown;
}>;

// gRPC status codes the clients leave unconverted when a call never reached the server.
const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAUTHENTICATED = 16;
const GRPC_PERMISSION_DENIED = 7;

const currentState = (value: unknown): number | undefined =>
  value === 'no_stream' || typeof value === 'bigint' ? versionOf(value) : undefined;

export const classifyClientError = (
  error: unknown,
  server: ServerName,
  context: Readonly<{ streamId?: string; operation: string }>,
): ClientFailure => {
  const shape: ErrorShape = typeof error === 'object' && error !== null ? error : {};
  const detail = server.scrub(
    typeof shape.message === 'string' && shape.message !== '' ? shape.message : String(error),
  );
  const stream = context.streamId === undefined ? '' : ` (stream ${JSON.stringify(context.streamId)})`;
  const reject = (kind: EventStoreDbStoreError['kind'], what: string): ClientFailure => ({
    kind: 'rejected',
    error: storeError(kind, `${context.operation}${stream}: ${server.shown} ${what}: ${detail}`, {
      cause: error,
      ...(context.streamId === undefined ? {} : { streamId: context.streamId }),
    }),
  });
  switch (shape.type) {
    case 'wrong-expected-version': {
      const actual = currentState(shape.actualState) ?? currentState(shape.actualVersion);
      if (actual !== undefined)
        return {
          kind: 'wrong-expected-version',
          actual,
          ...(typeof shape.streamName === 'string' ? { stream: shape.streamName } : {}),
        };
      return reject('server', 'reported a version conflict without the stream revision');
    }
    case 'append-consistency-violation': {
      const [first] = Array.isArray(shape.violations)
        ? (shape.violations as readonly { actualState?: unknown; streamName?: unknown }[])
        : [];
      const actual = currentState(first?.actualState);
      if (actual !== undefined)
        return {
          kind: 'wrong-expected-version',
          actual,
          ...(typeof first?.streamName === 'string' ? { stream: first.streamName } : {}),
        };
      return reject('server', 'reported a consistency violation without the stream revision');
    }
    case 'maximum-append-size-exceeded':
      return {
        kind: 'too-large',
        message: `the batch is larger than the server's maximum append size (${String(shape.maxAppendSize)} bytes); split it or raise MaxAppendSize`,
      };
    case 'append-record-size-exceeded':
      return {
        kind: 'too-large',
        message: `event ${String(shape.recordId)} is ${String(shape.size)} bytes, over the server's maximum record size (${String(shape.maxSize)} bytes)`,
      };
    case 'transaction-max-size-exceeded':
      return {
        kind: 'too-large',
        message: `the batch is ${String(shape.size)} bytes, over the server's maximum transaction size (${String(shape.maxSize)} bytes)`,
      };
    case 'stream-not-found':
      return { kind: 'stream-not-found' };
    case 'unsupported':
      return { kind: 'unsupported', message: detail };
    case 'stream-deleted':
      return reject('stream-deleted', 'says the stream was deleted');
    case 'stream-tombstoned':
      return reject(
        'stream-tombstoned',
        'says the stream was tombstoned (hard-deleted; it can never be written again)',
      );
    case 'not-found':
      return reject('not-found', 'did not find what was asked for');
    case 'unavailable':
      return reject('unavailable', 'is unavailable');
    case 'not-leader':
      return reject('not-leader', 'is not the cluster leader (connect with nodePreference=leader)');
    case 'access-denied':
      return reject('access-denied', 'refused the credentials');
    case 'deadline-exceeded':
    case 'timeout':
      return reject('timeout', 'did not answer in time');
    case 'persistent-subscription-failed':
    case 'persistent-subscription-does-not-exist':
    case 'persistent-subscription-exists':
    case 'persistent-subscription-dropped':
    case 'maximum-subscribers-reached':
      return reject('persistent-subscription', `refused the persistent subscription (${shape.type})`);
    default:
      break;
  }
  switch (shape.code) {
    case GRPC_UNAVAILABLE:
      return reject('unavailable', 'is unavailable');
    case GRPC_DEADLINE_EXCEEDED:
      return reject('timeout', 'did not answer in time');
    case GRPC_UNAUTHENTICATED:
    case GRPC_PERMISSION_DENIED:
      return reject('access-denied', 'refused the credentials');
    default:
      return reject('server', 'failed');
  }
};

/** For calls where only a rejection makes sense (reads, subscriptions). */
export const rejection = (
  error: unknown,
  server: ServerName,
  context: Readonly<{ streamId?: string; operation: string }>,
): EventStoreDbStoreError => {
  const failure = classifyClientError(error, server, context);
  if (failure.kind === 'rejected') return failure.error;
  const stream = context.streamId === undefined ? '' : ` (stream ${JSON.stringify(context.streamId)})`;
  return storeError('server', `${context.operation}${stream}: ${server.shown} failed: ${failure.kind}`, {
    cause: error,
  });
};
