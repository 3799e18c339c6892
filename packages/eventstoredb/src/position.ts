import type { Checkpoint } from '@ordersource/core';
import type { ClientPosition } from './client.js';
import { storeError } from './errors.js';

/**
 * A checkpoint is an event's position in `$all`: the commit position and the
 * prepare position, two unsigned 64-bit log offsets. It travels as the string
 * `C:<commit>/P:<prepare>` (the notation the server's own UI uses), decimal,
 * so it survives JSON exactly: a bigint never reaches `JSON.stringify`, and a
 * number would round past 2^53.
 */

const CHECKPOINT = /^C:(0|[1-9]\d{0,19})\/P:(0|[1-9]\d{0,19})$/;
const U64_MAX = 2n ** 64n - 1n;

export const encodePosition = (position: ClientPosition): Checkpoint => `C:${position.commit}/P:${position.prepare}`;

export const decodeCheckpoint = (checkpoint: Checkpoint): ClientPosition => {
  const match = CHECKPOINT.exec(checkpoint);
  const commit = match?.[1] === undefined ? undefined : BigInt(match[1]);
  const prepare = match?.[2] === undefined ? undefined : BigInt(match[2]);
  if (commit === undefined || prepare === undefined || commit > U64_MAX || prepare > U64_MAX)
    throw storeError(
      'invalid-checkpoint',
      `invalid EventStoreDB checkpoint ${JSON.stringify(checkpoint)}: expected "C:<commit>/P:<prepare>" with unsigned 64-bit decimals`,
    );
  return { commit, prepare };
};

/** Log order: by commit position, then prepare position (events of one write share the commit). */
export const comparePositions = (a: ClientPosition, b: ClientPosition): number =>
  a.commit === b.commit ? Number(a.prepare > b.prepare) - Number(a.prepare < b.prepare) : a.commit > b.commit ? 1 : -1;

/** Compare two checkpoints made by this store: negative, zero or positive. */
export const compareCheckpoints = (a: Checkpoint, b: Checkpoint): number =>
  comparePositions(decodeCheckpoint(a), decodeCheckpoint(b));
