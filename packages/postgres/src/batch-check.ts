import {
  appendArgumentsProblem,
  argumentProblem,
  describeValue,
  idProblem,
  invalidAppend,
  jsonValueProblem,
  type ArgumentProblem,
  type ExpectedRevision,
  type InvalidAppend,
  type NewEvent,
} from '@ordersource/core';

/**
 * What an append must satisfy before it reaches SQL. The events are checked
 * by core's `appendArgumentsProblem`, the same checks the in-memory store
 * runs (ids PostgreSQL can store and index, actors and schema versions the
 * read side accepts, payloads JSON keeps exactly); outbox messages, which
 * only this store writes, by the same rules.
 */

/** A message for the outbox, written in the same transaction as the events that caused it. */
export type OutboxMessage = Readonly<{
  /** Unique: a message whose key is stored already is not written again (idempotent reactors). */
  key: string;
  topic: string;
  payload: unknown;
}>;

const MESSAGE_KEYS = new Set(['key', 'topic', 'payload']);

export const checkForStorage = (
  streamId: string,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
): InvalidAppend | undefined => {
  const problem = appendArgumentsProblem(streamId, events, expected);
  return problem === undefined ? undefined : invalidAppend(streamId, problem);
};

const messageProblem = (message: unknown, at: string): ArgumentProblem | undefined => {
  if (typeof message !== 'object' || message === null || Array.isArray(message))
    return argumentProblem(at, 'type', `must be { key, topic, payload }, got ${describeValue(message)}`);
  const record = message as Record<string, unknown>;
  for (const field in record)
    if (!MESSAGE_KEYS.has(field))
      return argumentProblem(`${at}.${field}`, 'unknown-key', 'is not a field of a message');
  return (
    idProblem(record['key'], `${at}.key`) ??
    idProblem(record['topic'], `${at}.topic`) ??
    jsonValueProblem(record['payload'], `${at}.payload`)
  );
};

export const checkOutbox = (streamId: string, outbox: readonly OutboxMessage[]): InvalidAppend | undefined => {
  let problem: ArgumentProblem | undefined;
  try {
    if (!Array.isArray(outbox))
      problem = argumentProblem('messages', 'type', `must be an array of messages, got ${describeValue(outbox)}`);
    else
      for (let i = 0; i < outbox.length && problem === undefined; i++)
        problem = messageProblem(outbox[i], `messages[${i}]`);
  } catch (error) {
    problem = argumentProblem(
      'messages',
      'unreadable',
      `could not be read: ${error instanceof Error ? error.message : 'an exception'}`,
    );
  }
  return problem === undefined ? undefined : invalidAppend(streamId, problem);
};
