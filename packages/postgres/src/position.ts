import type { Checkpoint, CheckpointRule } from '@ordersource/core';
import { storeError } from './errors.js';

/**
 * A global position is the pair (transaction id, sequence value), written
 * "<xid8>:<bigint>". Events are ordered by the pair, and a reader only reads
 * rows whose transaction is older than every transaction still running
 * (`pg_snapshot_xmin`), so nothing can later commit below a checkpoint.
 * Both halves stay decimal strings: they may exceed 2^53.
 */
export type Position = Readonly<{ transactionId: string; sequence: string }>;

/** Before every event. */
export const START: Position = { transactionId: '0', sequence: '0' };

const FORMAT = /^(\d{1,20}):(\d{1,19})$/;
// xid8 is unsigned 64-bit (and PostgreSQL clamps larger input to its maximum instead of
// refusing it); the sequence is a bigint.
const MAX_XID8 = 2n ** 64n - 1n;
const MAX_BIGINT = 2n ** 63n - 1n;

export const encodePosition = (position: Position): Checkpoint => `${position.transactionId}:${position.sequence}`;

const positionOf = (checkpoint: string): Position | string => {
  const match = FORMAT.exec(checkpoint);
  if (match === null) return 'is not "<transaction id>:<position>" as this store makes them';
  const transactionId = BigInt(match[1] as string);
  const sequence = BigInt(match[2] as string);
  if (transactionId > MAX_XID8) return 'has a transaction id past the xid8 range';
  if (sequence > MAX_BIGINT) return 'has a position past the bigint range';
  return { transactionId: transactionId.toString(), sequence: sequence.toString() };
};

/** The store's rule for the shared argument checks: why a text is not one of its checkpoints. */
export const checkpointRule: CheckpointRule = (checkpoint) => {
  const position = positionOf(checkpoint);
  return typeof position === 'string'
    ? `is an invalid PostgreSQL checkpoint ${JSON.stringify(checkpoint)}: it ${position}`
    : undefined;
};

export const parsePosition = (checkpoint: Checkpoint | undefined): Position => {
  if (checkpoint === undefined || checkpoint === '') return START;
  const position = positionOf(checkpoint);
  if (typeof position === 'string')
    throw storeError(
      'invalid-checkpoint',
      `invalid PostgreSQL checkpoint ${JSON.stringify(checkpoint)}: it ${position}`,
    );
  return position;
};

/** Order of two positions: negative, zero or positive. */
export const comparePositions = (a: Position, b: Position): number => {
  const tx = BigInt(a.transactionId) - BigInt(b.transactionId);
  if (tx !== 0n) return tx < 0n ? -1 : 1;
  const seq = BigInt(a.sequence) - BigInt(b.sequence);
  return seq === 0n ? 0 : seq < 0n ? -1 : 1;
};

/** Compare two checkpoints made by this store (undefined = the start). */
export const compareCheckpoints = (a: Checkpoint | undefined, b: Checkpoint | undefined): number =>
  comparePositions(parsePosition(a), parsePosition(b));

const MAX_SEQUENCE = '9223372036854775807';

/** The position just below transaction `horizon`: every row of an older transaction lies at or before it. */
export const belowHorizon = (horizon: string): Position => {
  const tx = BigInt(horizon);
  return tx === 0n ? START : { transactionId: (tx - 1n).toString(), sequence: MAX_SEQUENCE };
};
