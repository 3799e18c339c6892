import * as E from 'fp-ts/lib/Either.js';
import { ActorCodec, checkBatch, type ExpectedRevision, type InvalidAppend, type NewEvent } from '@ordersource/core';
import { plainActor } from './actor-check.js';
import { jsonProblem, textProblem } from './json-check.js';

/**
 * What an append must satisfy before it reaches SQL, beyond the port's
 * `checkBatch`: texts PostgreSQL can store and index, actors and schema
 * versions the read side will accept, payloads JSON keeps exactly.
 */

/** A message for the outbox, written in the same transaction as the events that caused it. */
export type OutboxMessage = Readonly<{
  /** Unique: a message whose key is stored already is not written again (idempotent reactors). */
  key: string;
  topic: string;
  payload: unknown;
}>;

// btree index entries are limited to about 2.7 kB; stay well below.
const MAX_ID_BYTES = 1024;
const INT32_MAX = 2_147_483_647;

const invalid = (streamId: string, message: string): InvalidAppend => ({ kind: 'invalid-append', streamId, message });

const checkText = (streamId: string, value: unknown, what: string, required: boolean): InvalidAppend | undefined => {
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value.length === 0) return invalid(streamId, `${what} must be a non-empty string`);
  const problem = textProblem(value, what);
  if (problem !== undefined) return invalid(streamId, problem);
  if (Buffer.byteLength(value) > MAX_ID_BYTES) return invalid(streamId, `${what} is longer than ${MAX_ID_BYTES} bytes`);
  return undefined;
};

/** What the port's `checkBatch` does not cover but PostgreSQL and JSON need. */
export const checkForStorage = (
  streamId: string,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
): InvalidAppend | undefined => {
  const basic = checkBatch(streamId, events);
  if (basic !== undefined) return basic;
  const stream = checkText(streamId, streamId, 'stream id', true);
  if (stream !== undefined) return stream;
  if (typeof expected === 'number' && (!Number.isInteger(expected) || expected < -1 || expected > INT32_MAX))
    return invalid(streamId, `expected version ${expected} is not a stream version`);
  for (const input of events) {
    const which = `event ${input.eventId}`;
    const problem =
      checkText(streamId, input.eventId, `${which}: eventId`, true) ??
      checkText(streamId, input.event.type, `${which}: type`, true) ??
      checkText(streamId, input.occurredAt, `${which}: occurredAt`, true) ??
      checkText(streamId, input.causationId, `${which}: causationId`, false) ??
      checkText(streamId, input.correlationId, `${which}: correlationId`, false);
    if (problem !== undefined) return problem;
    if (E.isLeft(plainActor(input.actor) ?? ActorCodec.decode(input.actor)))
      return invalid(
        streamId,
        `${which}: actor must be { kind: admin|customer|system|provider, id, companyId?, name? }`,
      );
    const schemaVersion = input.schemaVersion ?? 1;
    if (!Number.isInteger(schemaVersion) || schemaVersion < 1 || schemaVersion > INT32_MAX)
      return invalid(streamId, `${which}: schemaVersion must be a positive integer`);
    if (input.event.data === undefined) return invalid(streamId, `${which}: data is undefined, which JSON cannot hold`);
    const data = jsonProblem(input.event.data, 'data');
    if (data !== undefined) return invalid(streamId, `${which}: ${data}`);
    const actor = jsonProblem(input.actor, 'actor');
    if (actor !== undefined) return invalid(streamId, `${which}: ${actor}`);
  }
  return undefined;
};

export const checkOutbox = (streamId: string, outbox: readonly OutboxMessage[]): InvalidAppend | undefined => {
  for (const message of outbox) {
    const problem =
      checkText(streamId, message.key, 'outbox message key', true) ??
      checkText(streamId, message.topic, `outbox message ${message.key}: topic`, true);
    if (problem !== undefined) return problem;
    if (message.payload === undefined) return invalid(streamId, `outbox message ${message.key}: payload is undefined`);
    const payload = jsonProblem(message.payload, 'payload');
    if (payload !== undefined) return invalid(streamId, `outbox message ${message.key}: ${payload}`);
  }
  return undefined;
};
