import {
  withValidationCode,
  type CodedValidationError,
  type Command,
  type Decider,
  type Envelope,
  type EnvelopeDecoder,
  type Event,
  type ValidationError,
} from '@ordersource/core';
import * as E from 'fp-ts/lib/Either.js';

/**
 * A stream kind: everything the runtime needs to run one kind of stream
 * (orders, receipts, subscriptions, ...). Streams are named `<category>-<id>`
 * (`order-o-1`, `receipts-o-1`); the category picks the kind, so one registry
 * decodes any envelope of the store and routes any command.
 */
export type StreamKind<C extends Command = Command, E extends Event = Event, S = unknown> = Readonly<{
  /** The part of the stream id before the first "-": "order", "receipts". */
  category: string;
  decider: Decider<C, E, S>;
  decodeEnvelope: EnvelopeDecoder<E>;
  /** Decodes raw command input (io-ts, strict): nothing undecoded reaches `decide`. */
  decodeCommand: (input: unknown) => E.Either<ValidationError, C>;
  /** Schema version written with each event type (default 1). */
  schemaVersions?: Readonly<Record<string, number>>;
}>;

/** Any stream kind, whatever its types (the runtime only routes through it). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyStreamKind = StreamKind<any, any, any>;

export const defineStreamKind = <C extends Command, Ev extends Event, S>(
  kind: StreamKind<C, Ev, S>,
): StreamKind<C, Ev, S> => kind;

/** "order-o-1" -> "order"; a stream id without "-" is its own category. */
export const streamCategory = (streamId: string): string => {
  const dash = streamId.indexOf('-');
  return dash <= 0 ? streamId : streamId.slice(0, dash);
};

export type DecoderRegistry<Ev extends Event = Event> = Readonly<{
  /** Decode (and upcast) any envelope by its stream's category; an unknown category is an `invalid-event` error. */
  decode: (envelope: Envelope) => E.Either<CodedValidationError, Envelope<Ev>>;
  categories: readonly string[];
  kindOf: (streamId: string) => AnyStreamKind | undefined;
}>;

const unknownCategory = (envelope: Envelope, categories: readonly string[]): CodedValidationError => ({
  kind: 'validation',
  code: 'invalid-event',
  message: `stream "${String(envelope.streamId)}": no stream kind for category "${streamCategory(String(envelope.streamId))}" (known: ${categories.join(', ')})`,
  issues: [{ path: 'streamId', rule: `category one of ${categories.join(', ')}`, value: envelope.streamId }],
});

/** One decoder for the whole store, keyed by stream category (a reactor over all streams decodes ReceiptIssued too). */
export const createDecoderRegistry = <Ev extends Event = Event>(
  kinds: readonly AnyStreamKind[],
): DecoderRegistry<Ev> => {
  const byCategory = new Map<string, AnyStreamKind>();
  for (const kind of kinds) {
    if (byCategory.has(kind.category)) throw new Error(`two stream kinds for category "${kind.category}"`);
    byCategory.set(kind.category, kind);
  }
  const categories = [...byCategory.keys()];
  const kindOf = (streamId: string): AnyStreamKind | undefined =>
    typeof streamId === 'string' ? byCategory.get(streamCategory(streamId)) : undefined;
  return {
    categories,
    kindOf,
    decode: (envelope) => {
      const kind = kindOf(envelope.streamId);
      if (kind === undefined) return E.left(unknownCategory(envelope, categories));
      const decoded = (kind.decodeEnvelope as EnvelopeDecoder<Ev>)(envelope);
      return E.isLeft(decoded) ? E.left(withValidationCode(decoded.left, 'invalid-event')) : decoded;
    },
  };
};
