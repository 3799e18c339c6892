import { describe, expect, it } from 'vitest';
import { classifyClientError, rejection } from './client-errors.js';
import { serverName } from './errors.js';
import { CLIENT_PACKAGES, NewClient, richServiceError, serviceError } from './test-support/client-packages.js';

const URL_WITH_PASSWORD = 'kurrentdb://ops:Sup3r-s3cret@db1.internal:2113?tls=false';
const server = serverName(URL_WITH_PASSWORD);
const append = { streamId: 'order-1', operation: 'append' };

describe.each(CLIENT_PACKAGES)("the client's own errors, mapped ($name)", ({ client, grpc }) => {
  it('a wrong expected version from the append response carries the actual revision', () => {
    // How appendToStream builds it when the server answers "wrong expected version".
    const stale = new client.WrongExpectedVersionError(undefined, {
      streamName: 'order-1',
      expected: 1n,
      current: 4n,
    });
    expect(classifyClientError(stale, server, append)).toEqual({
      kind: 'wrong-expected-version',
      actual: 4,
      stream: 'order-1',
    });
    const missing = new client.WrongExpectedVersionError(undefined, {
      streamName: 'order-1',
      expected: 'stream_exists',
      current: 'no_stream',
    });
    expect(classifyClientError(missing, server, append)).toEqual({
      kind: 'wrong-expected-version',
      actual: -1,
      stream: 'order-1',
    });
  });

  it('a wrong expected version raised by the server as a gRPC error is read from its metadata', () => {
    const converted = client.convertToCommandError(
      serviceError(grpc, 'FAILED_PRECONDITION', 'Wrong expected version.', {
        exception: 'wrong-expected-version',
        'stream-name': 'order-1',
        'expected-version': '2',
        'actual-version': '7',
      }),
    );
    expect(converted.constructor.name).toBe('WrongExpectedVersionError');
    expect(classifyClientError(converted, server, append)).toEqual({
      kind: 'wrong-expected-version',
      actual: 7,
      stream: 'order-1',
    });
  });

  it('no bigint of the client reaches JSON: the mapped failure and a rejection carrying it serialise', () => {
    const stale = new client.WrongExpectedVersionError(undefined, { streamName: 'order-1', expected: 1n, current: 4n });
    expect(JSON.stringify(classifyClientError(stale, server, append))).toBe(
      '{"kind":"wrong-expected-version","actual":4,"stream":"order-1"}',
    );
    const error = rejection(stale, server, append);
    expect(error.cause).toBe(stale);
    expect(() => JSON.stringify(error)).not.toThrow();
  });

  it('a batch over the maximum append size is invalid-append material, naming the limit', () => {
    const failure = classifyClientError(client.MaxAppendSizeExceededError.fromMaxAppendSize(1_048_576), server, append);
    expect(failure).toMatchObject({ kind: 'too-large' });
    expect(failure.kind === 'too-large' ? failure.message : '').toContain('1048576');
  });

  it.each([
    [
      'stream-deleted',
      { exception: 'stream-deleted', 'stream-name': 'order-1' },
      'FAILED_PRECONDITION',
      'stream-deleted',
    ],
    [
      'not-leader',
      { exception: 'not-leader', 'leader-endpoint-host': '10.0.0.2', 'leader-endpoint-port': '2113' },
      'NOT_FOUND',
      'not-leader',
    ],
    ['access-denied', { exception: 'access-denied' }, 'PERMISSION_DENIED', 'access-denied'],
    ['unavailable', {}, 'UNAVAILABLE', 'unavailable'],
    ['deadline', {}, 'DEADLINE_EXCEEDED', 'timeout'],
    ['not-found', {}, 'NOT_FOUND', 'not-found'],
  ] as const)(
    '%s (the server’s error) rejects with its kind, naming the server without its password',
    (_, metadata, code, kind) => {
      const converted = client.convertToCommandError(serviceError(grpc, code, 'server said no', metadata));
      const failure = classifyClientError(converted, server, append);
      expect(failure.kind).toBe('rejected');
      const error = failure.kind === 'rejected' ? failure.error : undefined;
      expect(error).toMatchObject({ kind, streamId: 'order-1' });
      expect(error?.message).toContain('kurrentdb://ops:***@db1.internal:2113?tls=false');
      expect(error?.message).toContain('"order-1"');
      expect(error?.message).not.toContain('Sup3r-s3cret');
    },
  );

  it('a stream the server does not know is a value the reader turns into an empty stream', () => {
    expect(classifyClientError(new client.StreamNotFoundError(undefined, 'order-9'), server, append)).toEqual({
      kind: 'stream-not-found',
    });
  });

  it('a bare gRPC error (the first call to a server that is not there) is unavailable', () => {
    const bare = serviceError(grpc, 'UNAVAILABLE', 'No connection established. Last error: connect ECONNREFUSED');
    expect(rejection(bare, server, { operation: 'read' })).toMatchObject({ kind: 'unavailable' });
  });

  it('a message that echoes the password is scrubbed', () => {
    const echoing = new client.UnavailableError(undefined, `cannot reach ${URL_WITH_PASSWORD}`);
    const error = rejection(echoing, server, { operation: 'read' });
    expect(error.message).not.toContain('Sup3r-s3cret');
    expect(error.message).toContain('***');
  });
});

describe("the new client's extra errors (@kurrent/kurrentdb-client)", () => {
  it('a multi-stream append’s revision conflict names the stream that failed (a claim, or the events’ own)', () => {
    // As KurrentDB's v2 streams service answers, converted by the client's own convertToCommandError.
    const converted = NewClient.convertToCommandError(
      richServiceError('FAILED_PRECONDITION', 'revision conflict', 'StreamRevisionConflictErrorDetails', {
        stream: 'ordersource.eventid-0193d6a0-0000-7000-8000-000000000001',
        expectedRevision: '-1',
        actualRevision: '0',
      }),
    );
    expect(converted.constructor.name).toBe('WrongExpectedVersionError');
    expect(classifyClientError(converted, server, append)).toEqual({
      kind: 'wrong-expected-version',
      actual: 0,
      stream: 'ordersource.eventid-0193d6a0-0000-7000-8000-000000000001',
    });
  });

  it('UnsupportedError (multiStreamAppend on a server before 25.1) is its own failure, not a rejection', () => {
    // Thrown by the client itself after asking the server which methods it serves.
    const error = new NewClient.UnsupportedError('multiStreamAppend', '25.1');
    expect(classifyClientError(error, server, append)).toEqual({
      kind: 'unsupported',
      message: 'multiStreamAppend requires server version 25.1 or higher.',
    });
  });

  it('a tombstoned stream, as the v2 service reports it, rejects as stream-tombstoned', () => {
    const converted = NewClient.convertToCommandError(
      richServiceError('FAILED_PRECONDITION', 'tombstoned', 'StreamTombstonedErrorDetails', { stream: 'order-1' }),
    );
    expect(converted.constructor.name).toBe('StreamTombstonedError');
    expect(classifyClientError(converted, server, append)).toMatchObject({
      kind: 'rejected',
      error: { kind: 'stream-tombstoned' },
    });
  });

  const grpc = CLIENT_PACKAGES[1]!.grpc;
  // Built as its convertToCommandError builds them: the ServiceError and the decoded status details.
  it('StreamTombstonedError rejects as stream-tombstoned', () => {
    const error = new NewClient.StreamTombstonedError(
      serviceError(grpc, 'FAILED_PRECONDITION', 'tombstoned') as never,
      {
        stream: 'order-1',
      },
    );
    expect(classifyClientError(error, server, append)).toMatchObject({
      kind: 'rejected',
      error: { kind: 'stream-tombstoned' },
    });
  });

  it('AppendConsistencyViolationError is a version conflict with the actual revision', () => {
    const error = new NewClient.AppendConsistencyViolationError(
      serviceError(grpc, 'FAILED_PRECONDITION', 'violation') as never,
      {
        violationsList: [{ checkIndex: 0, streamState: { stream: 'order-1', expectedState: '-1', actualState: '3' } }],
      },
    );
    expect(classifyClientError(error, server, append)).toEqual({
      kind: 'wrong-expected-version',
      actual: 3,
      stream: 'order-1',
    });
  });

  it('TransactionMaxSizeExceededError and AppendRecordSizeExceededError are too-large batches', () => {
    const transaction = new NewClient.TransactionMaxSizeExceededError(
      serviceError(grpc, 'ABORTED', 'too big') as never,
      { size: 9_000_000, maxSize: 8_388_608 },
    );
    expect(classifyClientError(transaction, server, append)).toMatchObject({ kind: 'too-large' });
    const record = new NewClient.AppendRecordSizeExceededError(
      serviceError(grpc, 'INVALID_ARGUMENT', 'record too big') as never,
      { stream: 'order-1', recordId: 'e-1', size: 17_000_000, maxSize: 16_777_216 },
    );
    const failure = classifyClientError(record, server, append);
    expect(failure).toMatchObject({ kind: 'too-large' });
    expect(failure.kind === 'too-large' ? failure.message : '').toContain('e-1');
  });
});
