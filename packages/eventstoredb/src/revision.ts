import type { ExpectedRevision } from '@ordersource/core';
import type { ClientExpectation } from './client.js';
import { storeError } from './errors.js';

/**
 * Stream revisions. The server counts an event's revision from 0, like the
 * port's `streamVersion`, and "no stream" is a state of its own rather than
 * -1. The clients hand revisions out as `bigint`; the port speaks `number`, so
 * every revision is converted here, and one past 2^53 - 1 (which no stream of
 * ours reaches, but a foreign one might claim) fails loudly instead of rounding.
 */

/** The port's version of a stream's last event: `no_stream` is -1. */
export const versionOf = (current: 'no_stream' | bigint): number =>
  current === 'no_stream' ? -1 : revisionToVersion(current);

export const revisionToVersion = (revision: bigint): number => {
  if (revision < 0n || revision > BigInt(Number.MAX_SAFE_INTEGER))
    throw storeError('decode', `stream revision ${revision} is outside 0..2^53-1 and cannot be a stream version`);
  return Number(revision);
};

export const versionToRevision = (version: number): bigint => BigInt(version);

/**
 * The expectation the server checks. The port's `-1` (an exact "empty")
 * means the stream has no events, which is the server's `no_stream`.
 */
export const expectationOf = (expected: ExpectedRevision): ClientExpectation => {
  switch (expected) {
    case 'any':
      return 'any';
    case 'no-stream':
      return 'no_stream';
    case 'exists':
      return 'stream_exists';
    default:
      return expected === -1 ? 'no_stream' : versionToRevision(expected);
  }
};
