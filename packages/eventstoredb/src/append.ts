import * as E from 'fp-ts/lib/Either.js';
import {
  argumentProblem,
  invalidAppend,
  sleep,
  wrongExpectedVersion,
  type AppendError,
  type AppendResult,
  type ExpectedRevision,
  type NewEvent,
} from '@ordersource/core';
import { appendOptions, type ClientExpectation } from './client.js';
import { classifyClientError } from './client-errors.js';
import { storeError } from './errors.js';
import { appendProblem, encodeEvent, type StoredEvent } from './metadata.js';
import { readStoredEvents, type ServerContext } from './read.js';
import { expectationOf, revisionToVersion } from './revision.js';

/**
 * Appends, and the port's promise that appends are idempotent by eventId.
 *
 * The server deduplicates only under conditions (docs/eventstoredb.md,
 * "Idempotency"): with an exact expectation (or `no_stream`) that is behind
 * the stream, it compares the batch's ids with the events stored after that
 * revision and acknowledges a match without writing; with `any` or
 * `stream_exists` it consults only a bounded in-memory cache of recently
 * written ids (gone after a restart or under load), and then writes a
 * duplicate. An expectation equal to the stream's revision is never checked.
 * It never looks at other streams.
 *
 * So the adapter never sends `any` or `stream_exists`: it reads the stream
 * (from the leader), answers a replay or a conflict from what is stored, and
 * otherwise appends with the exact revision it read, retrying when another
 * writer got in between. Exact expectations go straight to the server, and a
 * refusal is checked for a replay before it becomes `wrong-expected-version`.
 * Every write is marked (metadata `ordersource.append`, a fresh id per call,
 * and each event's place in its batch); after the server acknowledges, the
 * last event is read back: if it carries our mark we wrote it, otherwise the
 * server acknowledged an earlier write of the same ids, and the stored marks
 * tell whether that was this exact batch. That read also gives the event's
 * `$all` position exactly as readers will see it.
 */

export type AppendContext = ServerContext & Readonly<{ newAppendId: () => string }>;

/** What a batch's ids are, measured against the events stored in its stream. */
export type ReplayVerdict =
  | Readonly<{ kind: 'new' }>
  | Readonly<{ kind: 'replay'; result: AppendResult }>
  | Readonly<{ kind: 'conflict'; eventIds: readonly string[] }>;

/**
 * A replay is the exact batch stored before: the same ids, in order, on
 * consecutive versions, written together (one mark, indexes 0..n-1 of n).
 * Any other overlap (a subset, a reordering, a mix with new ids) is a conflict.
 */
export const replayVerdict = (
  streamId: string,
  eventIds: readonly string[],
  stored: readonly StoredEvent[],
): ReplayVerdict => {
  const wanted = new Set(eventIds);
  const found = new Map<string, number>();
  stored.forEach((event, index) => {
    if (wanted.has(event.envelope.eventId) && !found.has(event.envelope.eventId))
      found.set(event.envelope.eventId, index);
  });
  if (found.size === 0) return { kind: 'new' };
  const start = found.get(eventIds[0] ?? '');
  const size = eventIds.length;
  const batch = start === undefined ? [] : stored.slice(start, start + size);
  const mark = batch[0]?.mark;
  const exact =
    mark !== undefined &&
    batch.length === size &&
    batch.every(
      (event, i) =>
        event.envelope.eventId === eventIds[i] &&
        event.mark.append === mark.append &&
        event.mark.index === i &&
        event.mark.size === size,
    );
  const first = batch[0]?.envelope;
  const last = batch.at(-1)?.envelope;
  if (exact && first !== undefined && last !== undefined)
    return {
      kind: 'replay',
      result: {
        streamId,
        firstVersion: first.streamVersion,
        nextExpectedVersion: last.streamVersion,
        lastPosition: last.globalPosition,
      },
    };
  return { kind: 'conflict', eventIds: eventIds.filter((id) => found.has(id)) };
};

const conflict = (streamId: string, eventIds: readonly string[]): AppendError => ({
  kind: 'idempotency-conflict',
  streamId,
  eventIds,
  message: `stream "${streamId}": eventIds ${eventIds.join(', ')} were appended before, but not as this exact batch`,
});

const fromVerdict = (
  streamId: string,
  verdict: Exclude<ReplayVerdict, { kind: 'new' }>,
): E.Either<AppendError, AppendResult> =>
  verdict.kind === 'replay' ? E.right(verdict.result) : E.left(conflict(streamId, verdict.eventIds));

type Attempt =
  | Readonly<{ kind: 'done'; outcome: E.Either<AppendError, AppendResult> }>
  | Readonly<{ kind: 'conflicted'; actual: number }>;

/** One write with an exact (or no-stream) expectation, confirmed by reading its last event back. */
const write = async (
  context: AppendContext,
  streamId: string,
  events: readonly NewEvent[],
  expectation: ClientExpectation,
): Promise<Attempt> => {
  const append = context.newAppendId();
  const size = events.length;
  const encoded = events.map((input, index) => encodeEvent(input, { append, index, size }));
  let revision: bigint;
  try {
    const result = await context.client.appendToStream(streamId, encoded, {
      ...appendOptions(context.dialect, expectation),
      requiresLeader: true,
    });
    revision = result.nextExpectedRevision;
  } catch (error) {
    const failure = classifyClientError(error, context.server, { streamId, operation: 'append' });
    switch (failure.kind) {
      case 'wrong-expected-version':
        return { kind: 'conflicted', actual: failure.actual };
      case 'too-large':
        return {
          kind: 'done',
          outcome: E.left(invalidAppend(streamId, argumentProblem('events', 'too-long', failure.message))),
        };
      case 'rejected':
        throw failure.error;
      case 'stream-not-found':
        throw storeError(
          'server',
          `append (stream ${JSON.stringify(streamId)}): ${context.server.shown} said the stream was not found`,
          { cause: error, streamId },
        );
    }
  }
  const lastVersion = revisionToVersion(revision);
  const [last] = await readStoredEvents(
    context,
    streamId,
    { direction: 'backwards', from: lastVersion, limit: 1 },
    true,
  );
  if (last !== undefined && last.mark.append === append && last.envelope.streamVersion === lastVersion)
    return {
      kind: 'done',
      outcome: E.right({
        streamId,
        firstVersion: lastVersion - size + 1,
        nextExpectedVersion: lastVersion,
        lastPosition: last.envelope.globalPosition,
      }),
    };
  // The server acknowledged without writing: it matched an earlier write of these ids.
  const verdict = replayVerdict(
    streamId,
    events.map((input) => input.eventId),
    await readStoredEvents(context, streamId, {}, true),
  );
  if (verdict.kind === 'new')
    throw storeError(
      'server',
      `append (stream ${JSON.stringify(streamId)}): ${context.server.shown} acknowledged revision ${revision}, but none of the batch's events is stored`,
      { streamId },
    );
  return { kind: 'done', outcome: fromVerdict(streamId, verdict) };
};

// Writers racing for the next revision of one stream: each round one of them wins.
const MAX_RACES = 200;

/** `any` and `exists`: answer replays from the stream itself, then write at the revision read. */
const appendChecked = async (
  context: AppendContext,
  streamId: string,
  events: readonly NewEvent[],
  expected: 'any' | 'exists',
): Promise<E.Either<AppendError, AppendResult>> => {
  const eventIds = events.map((input) => input.eventId);
  const stored = await readStoredEvents(context, streamId, {}, true);
  for (let race = 0; ; race++) {
    const verdict = replayVerdict(streamId, eventIds, stored);
    if (verdict.kind !== 'new') return fromVerdict(streamId, verdict);
    const actual = stored.at(-1)?.envelope.streamVersion ?? -1;
    if (expected === 'exists' && actual < 0) return E.left(wrongExpectedVersion(streamId, expected, actual));
    const attempt = await write(context, streamId, events, expectationOf(actual));
    if (attempt.kind === 'done') return attempt.outcome;
    if (race >= MAX_RACES) return E.left(wrongExpectedVersion(streamId, expected, attempt.actual));
    // Another writer got in: read what it wrote and try again after a short, random pause.
    stored.push(...(await readStoredEvents(context, streamId, { from: actual + 1 }, true)));
    await sleep(Math.floor(Math.random() * Math.min(race + 1, 10)));
  }
};

export const appendEvents = async (
  context: AppendContext,
  streamId: string,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
): Promise<E.Either<AppendError, AppendResult>> => {
  const problem = appendProblem(streamId, events, expected);
  if (problem !== undefined) return E.left(invalidAppend(streamId, problem));
  if (expected === 'any' || expected === 'exists') return appendChecked(context, streamId, events, expected);
  const attempt = await write(context, streamId, events, expectationOf(expected));
  if (attempt.kind === 'done') return attempt.outcome;
  // Refused: a retry of a stored batch carries a stale expectation, so look before saying no.
  const stored = await readStoredEvents(context, streamId, {}, true);
  const verdict = replayVerdict(
    streamId,
    events.map((input) => input.eventId),
    stored,
  );
  if (verdict.kind !== 'new') return fromVerdict(streamId, verdict);
  return E.left(wrongExpectedVersion(streamId, expected, stored.at(-1)?.envelope.streamVersion ?? attempt.actual));
};
