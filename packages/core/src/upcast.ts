import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { decode, unreadableInput, validationError } from './codec.js';
import type { Envelope } from './envelope.js';
import { identityGuard } from './identity-guard.js';
import type { ValidationError } from './errors.js';
import type { Event } from './message.js';

/**
 * Events read from storage are input from outside: they are lifted to the
 * current schema by upcasters and then decoded with the event codec. A row
 * that fails is reported with its stream, version and failing fields; it is
 * never skipped or coerced.
 */

/** Lifts one event type from `fromVersion` to `fromVersion + 1` (optionally renaming it). */
export type Upcaster = Readonly<{
  type: string;
  fromVersion: number;
  up: (data: unknown) => unknown;
  /** New type name, when the event was renamed in this step. */
  renameTo?: string;
}>;

export type EnvelopeDecoder<E extends Event> = (envelope: Envelope) => E.Either<ValidationError, Envelope<E>>;

export type EventDecoderOptions = Readonly<{
  upcasters?: readonly Upcaster[];
  /** Current schema version per event type (default 1). Events already at it are only decoded. */
  currentVersions?: Readonly<Record<string, number>>;
}>;

export const createEnvelopeDecoder = <E extends Event>(
  codec: t.Type<E, unknown, unknown>,
  options: EventDecoderOptions = {},
): EnvelopeDecoder<E> => {
  const steps = new Map<string, Upcaster>();
  for (const upcaster of options.upcasters ?? []) steps.set(`${upcaster.type}@${upcaster.fromVersion}`, upcaster);
  const decodeEvent = decode(codec, 'event');
  // The fast path: true only where the full decode would hand back the very input (identity-guard.ts).
  const unchanged = identityGuard(codec);
  // The same for rows whose objects have only enumerable own keys (`acceptsUnchangedOf`): no key arrays per row.
  const unchangedEnumerable = identityGuard(codec, { ownKeysEnumerable: true });
  const current = options.currentVersions ?? {};

  const decodeEnvelope = (envelope: Envelope): E.Either<ValidationError, Envelope<E>> => {
    let { type, data } = envelope.event;
    let version = envelope.schemaVersion;
    // Most decoders have no upcasters: skip the lookup (it builds a key string per event).
    for (
      let step = steps.size === 0 ? undefined : steps.get(`${type}@${version}`);
      step !== undefined;
      step = steps.get(`${type}@${version}`)
    ) {
      try {
        data = step.up(data);
      } catch (thrown) {
        // Old rows are input from outside: one the upcaster cannot read is a validation error, not a crash.
        return E.left(
          validationError(`event at ${where(envelope)}`, [
            {
              path: 'data',
              rule: `upcaster ${type} v${version} failed: ${thrown instanceof Error ? thrown.message : String(thrown)}`,
              value: data,
            },
          ]),
        );
      }
      type = step.renameTo ?? type;
      version++;
    }
    const target = current[type] ?? 1;
    if (version !== target)
      return E.left(
        validationError(`event at ${where(envelope)}`, [
          {
            path: 'schemaVersion',
            rule: `no upcaster from ${type} v${version} to v${target}`,
            value: envelope.schemaVersion,
          },
        ]),
      );
    const upcast = version !== envelope.schemaVersion;
    if (!upcast && unchanged(envelope.event)) return E.right(envelope as Envelope<E>);
    const decoded = decodeEvent(upcast ? { type, data } : envelope.event);
    if (E.isLeft(decoded)) return E.left(validationError(`event at ${where(envelope)}`, decoded.left.issues));
    // io-ts hands back the very input when it had nothing to strip or convert: keep the envelope as it is.
    if (!upcast && decoded.right === envelope.event) return E.right(envelope as Envelope<E>);
    return E.right({ ...envelope, event: decoded.right, schemaVersion: version });
  };

  // Without upcasters or declared versions every event must be at version 1: one test, then the guard.
  const plain = steps.size === 0 && Object.keys(current).length === 0;

  /** True only where the decoder below hands back `envelope` itself: the usual row, read in as few steps as its checks allow. */
  const accepts = (envelope: unknown, ownKeysEnumerable = false): boolean => {
    if (!plain) return false;
    try {
      if (!isRecord(envelope) || envelope['schemaVersion'] !== 1) return false;
      const event = envelope['event'];
      return isRecord(event) && (ownKeysEnumerable ? unchangedEnumerable(event) : unchanged(event));
    } catch {
      return false;
    }
  };

  // A row is input from outside: whatever arrives (null, a number, an object whose getters throw), the answer is a value.
  const decoder: EnvelopeDecoder<E> = (envelope) => {
    if (accepts(envelope)) return E.right(envelope as Envelope<E>);
    try {
      const shape = envelopeShape(envelope);
      return shape === undefined ? decodeEnvelope(envelope) : E.left(shape);
    } catch (thrown) {
      return E.left(unreadableInput('envelope', thrown));
    }
  };
  acceptedUnchanged.set(decoder, accepts);
  return decoder;
};

/**
 * A decoder's test for a row it hands back unchanged. With `ownKeysEnumerable`
 * the caller vouches that every own key of the row's event and of every
 * object in its data is enumerable (a store built them itself from plain
 * data): the test then makes no key arrays (`IdentityGuardOptions`).
 */
export type AcceptsUnchanged = (envelope: Envelope, ownKeysEnumerable?: boolean) => boolean;

/** Decoders made by `createEnvelopeDecoder`, with their test for a row they hand back unchanged. */
const acceptedUnchanged = new WeakMap<object, AcceptsUnchanged>();

/**
 * For a decoder made by `createEnvelopeDecoder`: a test that is true only
 * where the decoder would return `Right` of the very envelope it is given,
 * with no `Either` made. Where it is false, call the decoder (it decodes, or
 * reports every failing field). Undefined for any other decoder.
 */
export const acceptsUnchangedOf = <E extends Event>(decoder: EnvelopeDecoder<E>): AcceptsUnchanged | undefined =>
  acceptedUnchanged.get(decoder);

/**
 * True for a decoder made by `createEnvelopeDecoder`: it reads only what a
 * `FoldRow` holds (event, schemaVersion, and streamId and streamVersion for
 * its errors; upcasters see only `data`), so it decodes a fold row as it
 * decodes the whole envelope. Change this if the decoder ever reads more.
 */
export const decodesFoldRows = <E extends Event>(decoder: EnvelopeDecoder<E>): boolean =>
  acceptedUnchanged.has(decoder);

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);

/** What the decoder itself reads of an envelope; the event codec checks the rest. */
const envelopeShape = (envelope: unknown): ValidationError | undefined => {
  if (!isRecord(envelope))
    return validationError('envelope', [
      { path: '(root)', rule: 'Envelope', value: envelope, message: '(root): must be an envelope object' },
    ]);
  const event = envelope['event'];
  const schemaVersion = envelope['schemaVersion'];
  // The usual case allocates nothing.
  if (isRecord(event) && Number.isSafeInteger(schemaVersion)) return undefined;
  const issues = [];
  if (!isRecord(event))
    issues.push({ path: 'event', rule: 'Event', value: event, message: 'event: must be an event object' });
  if (!Number.isSafeInteger(schemaVersion))
    issues.push({
      path: 'schemaVersion',
      rule: 'SafeInteger',
      value: schemaVersion,
      message: 'schemaVersion: must be an integer',
    });
  return validationError('envelope', issues);
};

const where = (envelope: Envelope): string =>
  `stream "${String(envelope.streamId)}" version ${String(envelope.streamVersion)} (${String(envelope.event.type)})`;
