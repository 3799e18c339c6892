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
import { claimEvent, claimStreamOf, isClaimStream, readClaims } from './claims.js';
import { appendOptions, type ClientEventData, type ClientExpectation } from './client.js';
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
 *
 * Across streams the server checks nothing, so every eventId is claimed
 * (claims.ts: a stream per id, written with `no_stream`, naming the stream).
 * With @kurrent/kurrentdb-client on KurrentDB 25.1 or later the claims and
 * the events go in one atomic `multiStreamAppend`; otherwise the claims are
 * written first, then the events (`sendClaimFirst` says what that leaves).
 */

export type AppendContext = ServerContext &
  Readonly<{
    /** A fresh id per append call, for the write mark. */
    newAppendId: () => string;
    /** A fresh UUID per claim event (see claims.ts). */
    newEventId: () => string;
    /** Whether claims go in one `multiStreamAppend` with the events; cleared when the server does not serve it. */
    claims: { atomic: boolean };
  }>;

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
  /** The stream's expectation failed; `claimed`: ids whose claims this attempt wrote all the same (claim-first). */
  | Readonly<{ kind: 'conflicted'; actual: number; claimed: readonly string[] }>
  /** A claim was there before us: whose it is decides (see `appendEvents`). */
  | Readonly<{ kind: 'claimed' }>;

type Sent = Readonly<{ kind: 'sent'; revision: bigint }> | Exclude<Attempt, { kind: 'claimed' | 'conflicted' }>;

/** A failure of an append call, as an attempt's outcome; what the port cannot express rejects. */
const failed = (
  context: AppendContext,
  streamId: string,
  error: unknown,
  claimed: readonly string[],
): Attempt | Readonly<{ kind: 'unsupported' }> => {
  const failure = classifyClientError(error, context.server, { streamId, operation: 'append' });
  switch (failure.kind) {
    case 'wrong-expected-version':
      return isClaimStream(failure.stream)
        ? { kind: 'claimed' }
        : { kind: 'conflicted', actual: failure.actual, claimed };
    case 'unsupported':
      return { kind: 'unsupported' };
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
};

const unsupported = (context: AppendContext, streamId: string, cause: unknown): Error =>
  storeError('server', `append (stream ${JSON.stringify(streamId)}): ${context.server.shown} does not serve appends`, {
    cause,
    streamId,
  });

const claimRequests = (context: AppendContext, streamId: string, toClaim: readonly string[]) =>
  toClaim.map((id) => ({
    streamName: claimStreamOf(id),
    events: [claimEvent(streamId, context.newEventId())],
    expectedState: 'no_stream' as const,
  }));

/**
 * The events and their claims in one atomic `multiStreamAppend` (KurrentDB >=
 * 25.1): all are written or none. `undefined` when the server does not serve
 * it; the store then claims first from here on.
 */
const sendAtomic = async (
  context: AppendContext,
  streamId: string,
  encoded: ClientEventData[],
  expectation: ClientExpectation,
  toClaim: readonly string[],
): Promise<Sent | Attempt | undefined> => {
  const client = context.client;
  if (client.multiStreamAppend === undefined) return undefined;
  try {
    const result = await client.multiStreamAppend([
      { streamName: streamId, events: encoded, expectedState: expectation },
      ...claimRequests(context, streamId, toClaim),
    ]);
    const revision = result.responses.find((response) => response.streamName === streamId)?.revision;
    if (revision === undefined)
      throw storeError(
        'server',
        `append (stream ${JSON.stringify(streamId)}): ${context.server.shown} acknowledged a multi-stream append without the stream's revision`,
        { streamId },
      );
    return { kind: 'sent', revision };
  } catch (error) {
    if (error instanceof Error && error.name === 'EventStoreDbStoreError') throw error;
    const attempt = failed(context, streamId, error, []);
    if (attempt.kind !== 'unsupported') return attempt;
    context.claims.atomic = false;
    return undefined;
  }
};

/**
 * The fallback (@eventstore/db-client, or a server before KurrentDB 25.1):
 * the claims first, each its own `no_stream` append, then the events. Not
 * atomic: an append that fails after its claims (a version conflict, a crash,
 * a lost connection) leaves them naming this stream, and `appendEvents`
 * treats a claim naming the same stream as its own, so a retry converges.
 */
const sendClaimFirst = async (
  context: AppendContext,
  streamId: string,
  encoded: ClientEventData[],
  expectation: ClientExpectation,
  toClaim: readonly string[],
): Promise<Sent | Attempt> => {
  const requests = claimRequests(context, streamId, toClaim);
  const settled = await Promise.allSettled(
    requests.map((request) =>
      context.client.appendToStream(request.streamName, request.events, {
        ...appendOptions(context.dialect, 'no_stream'),
        requiresLeader: true,
      }),
    ),
  );
  const claimed = toClaim.filter((_, i) => settled[i]?.status === 'fulfilled');
  for (const outcome of settled)
    if (outcome.status === 'rejected') {
      const attempt = failed(context, streamId, outcome.reason, claimed);
      // A claim stream is only ever refused for being there already.
      if (attempt.kind === 'conflicted' || attempt.kind === 'claimed') return { kind: 'claimed' };
      if (attempt.kind === 'unsupported') throw unsupported(context, streamId, outcome.reason);
      return attempt;
    }
  try {
    const result = await context.client.appendToStream(streamId, encoded, {
      ...appendOptions(context.dialect, expectation),
      requiresLeader: true,
    });
    return { kind: 'sent', revision: result.nextExpectedRevision };
  } catch (error) {
    const attempt = failed(context, streamId, error, claimed);
    if (attempt.kind === 'unsupported') throw unsupported(context, streamId, error);
    // (The events' stream is never a claim stream: metadata.ts refuses the prefix.)
    return attempt.kind === 'claimed' ? { kind: 'conflicted', actual: -1, claimed } : attempt;
  }
};

/** One write with an exact (or no-stream) expectation and the claims still to make, confirmed by reading its last event back. */
const write = async (
  context: AppendContext,
  streamId: string,
  events: readonly NewEvent[],
  expectation: ClientExpectation,
  toClaim: readonly string[],
): Promise<Attempt> => {
  const append = context.newAppendId();
  const size = events.length;
  const encoded = events.map((input, index) => encodeEvent(input, { append, index, size }));
  let sent: Sent | Attempt | undefined;
  if (toClaim.length > 0 && context.claims.atomic)
    sent = await sendAtomic(context, streamId, encoded, expectation, toClaim);
  sent ??= await sendClaimFirst(context, streamId, encoded, expectation, toClaim);
  if (sent.kind !== 'sent') return sent;
  const revision = sent.revision;
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

const claimedElsewhere = (
  streamId: string,
  eventIds: readonly string[],
  owners: ReadonlyMap<string, string>,
): AppendError => ({
  kind: 'idempotency-conflict',
  streamId,
  eventIds,
  message: `stream "${streamId}": eventIds ${eventIds.map((id) => `${id} (appended to stream "${owners.get(id) ?? '?'}")`).join(', ')} belong to another stream`,
});

// Rounds of one append: writers racing for the next revision of one stream (each round one of
// them wins), or a claim found to be this stream's own.
const MAX_ROUNDS = 200;

/**
 * An append: the replay and conflict checks, the claims, and the write.
 *
 * `any` and `exists` answer replays from the stream itself, then write at
 * the revision read, and read again when another writer got in between.
 * Exact expectations go straight to the server, and a refusal is checked for
 * a replay before it becomes `wrong-expected-version`.
 *
 * A claim that was there before us decides by whom it was made: another
 * stream's is an `idempotency-conflict`; this stream's is a replay, a
 * conflict or (when none of the batch is stored here: a claim-first append
 * that never wrote its events) ours to use, and the write goes on without it.
 */
export const appendEvents = async (
  context: AppendContext,
  streamId: string,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
): Promise<E.Either<AppendError, AppendResult>> => {
  const problem = appendProblem(streamId, events, expected);
  if (problem !== undefined) return E.left(invalidAppend(streamId, problem));
  const eventIds = events.map((input) => input.eventId);
  const checked = expected === 'any' || expected === 'exists';
  const stored = checked ? await readStoredEvents(context, streamId, {}, true) : [];
  let toClaim: readonly string[] = eventIds;
  for (let round = 0; ; round++) {
    let expectation: ClientExpectation;
    if (checked) {
      const verdict = replayVerdict(streamId, eventIds, stored);
      if (verdict.kind !== 'new') return fromVerdict(streamId, verdict);
      const actual = stored.at(-1)?.envelope.streamVersion ?? -1;
      if (expected === 'exists' && actual < 0) return E.left(wrongExpectedVersion(streamId, expected, actual));
      expectation = expectationOf(actual);
    } else expectation = expectationOf(expected);
    const attempt = await write(context, streamId, events, expectation, toClaim);
    if (attempt.kind === 'done') return attempt.outcome;
    if (attempt.kind === 'claimed') {
      const owners = await readClaims(context, eventIds);
      const foreign = eventIds.filter((id) => (owners.get(id) ?? streamId) !== streamId);
      if (foreign.length > 0) return E.left(claimedElsewhere(streamId, foreign, owners));
      const current = await readStoredEvents(context, streamId, {}, true);
      const verdict = replayVerdict(streamId, eventIds, current);
      if (verdict.kind !== 'new') return fromVerdict(streamId, verdict);
      // Claimed for this stream by an append that never wrote its events: ours to use.
      toClaim = eventIds.filter((id) => !owners.has(id));
      if (checked) stored.splice(0, stored.length, ...current);
      if (round >= MAX_ROUNDS)
        return E.left(wrongExpectedVersion(streamId, expected, current.at(-1)?.envelope.streamVersion ?? -1));
      continue;
    }
    // An atomic append refused for the stream's expectation may not have said whether a claim was taken too.
    const claimsUnchecked =
      context.claims.atomic && toClaim.length > 0 && context.client.multiStreamAppend !== undefined;
    toClaim = toClaim.filter((id) => !attempt.claimed.includes(id));
    if (!checked) {
      // Refused: a retry of a stored batch carries a stale expectation, so look before saying no.
      const current = await readStoredEvents(context, streamId, {}, true);
      const verdict = replayVerdict(streamId, eventIds, current);
      if (verdict.kind !== 'new') return fromVerdict(streamId, verdict);
      // As on every store, an eventId of another stream is the conflict, whatever the expectation.
      if (claimsUnchecked) {
        const owners = await readClaims(context, eventIds);
        const foreign = eventIds.filter((id) => (owners.get(id) ?? streamId) !== streamId);
        if (foreign.length > 0) return E.left(claimedElsewhere(streamId, foreign, owners));
      }
      return E.left(wrongExpectedVersion(streamId, expected, current.at(-1)?.envelope.streamVersion ?? attempt.actual));
    }
    if (round >= MAX_ROUNDS) return E.left(wrongExpectedVersion(streamId, expected, attempt.actual));
    // Another writer got in: read what it wrote and try again after a short, random pause.
    const actual = stored.at(-1)?.envelope.streamVersion ?? -1;
    stored.push(...(await readStoredEvents(context, streamId, { from: actual + 1 }, true)));
    await sleep(Math.floor(Math.random() * Math.min(round + 1, 10)));
  }
};
