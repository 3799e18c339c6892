import * as E from 'fp-ts/lib/Either.js';
import { IsoInstant, validationError } from './codec.js';
import { folder, type Decider } from './decider.js';
import type { ValidationError } from './errors.js';
import type { EventStore } from './event-store.js';
import { NO_STREAM_VERSION } from './expected-revision.js';
import type { Event } from './message.js';
import type { EnvelopeDecoder } from './upcast.js';

/** How far to travel: up to a stream version (inclusive) or up to an instant (inclusive). */
export type AsOf = Readonly<{ version: number }> | Readonly<{ at: string }>;

/**
 * The state of a stream as it was: folds events up to a version or up to the
 * `occurredAt` instant given. Version -1 (or an instant before the first
 * event) gives the initial state.
 */
export const stateAsOf = async <C, E extends Event, S>(
  store: EventStore,
  decider: Decider<C, E, S>,
  decodeEnvelope: EnvelopeDecoder<E>,
  streamId: string,
  asOf: AsOf,
): Promise<E.Either<ValidationError, Readonly<{ state: S; version: number }>>> => {
  // An unparseable instant compared as NaN would include every event: refuse it instead.
  if ('at' in asOf && !IsoInstant.is(asOf.at))
    return E.left(validationError('time travel instant', [{ path: 'at', rule: 'IsoInstant', value: asOf.at }]));
  const until = 'at' in asOf ? Date.parse(asOf.at) : Number.NaN;
  const fold = folder(decider);
  let version = NO_STREAM_VERSION;
  for await (const raw of store.read(streamId)) {
    if ('version' in asOf ? raw.streamVersion > asOf.version : Date.parse(raw.occurredAt) > until) break;
    const decoded = decodeEnvelope(raw);
    if (E.isLeft(decoded)) return decoded;
    fold.push(decoded.right.event);
    version = raw.streamVersion;
  }
  return E.right({ state: fold.result(), version });
};
