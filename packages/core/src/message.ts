import * as t from 'io-ts';
import { ActorCodec, NonEmptyString, type Actor } from './actor.js';
import { IsoInstant, strict } from './codec.js';

/**
 * Commands and events are plain data: `{ type, data }`. A command also carries
 * its metadata: who (actor), when (at) and a unique commandId. Time and ids
 * come in with the command so that deciders stay pure.
 */
export type Event<T extends string = string, D = unknown> = Readonly<{ type: T; data: D }>;

export type CommandMetadata = Readonly<{
  /** Unique per command; handling the same commandId twice appends nothing the second time. */
  commandId: string;
  actor: Actor;
  /** ISO-8601 instant at which the command was issued; deciders use it as "now". */
  at: string;
  correlationId?: string;
  causationId?: string;
}>;

export type Command<T extends string = string, D = unknown> = Readonly<{
  type: T;
  data: D;
  metadata: CommandMetadata;
}>;

export const CommandMetadataCodec: t.Type<CommandMetadata, CommandMetadata, unknown> = t.intersection(
  [
    t.strict({ commandId: NonEmptyString, actor: ActorCodec, at: IsoInstant }),
    t.exact(t.partial({ correlationId: NonEmptyString, causationId: NonEmptyString })),
  ],
  'CommandMetadata',
);

/**
 * Codec for one command type: `{ type: literal, data, metadata }`. Commands
 * are input from outside: a key the codec does not declare, at any depth, is
 * an error naming it (`strict`), never dropped (issue 8.3).
 */
export const commandCodec = <T extends string, D>(
  type: T,
  data: t.Type<D, unknown, unknown>,
): t.Type<Command<T, D>, unknown, unknown> =>
  strict(t.strict({ type: t.literal(type), data, metadata: CommandMetadataCodec }, type));

/** Codec for one event type: `{ type: literal, data }`. */
export const eventCodec = <T extends string, D>(
  type: T,
  data: t.Type<D, unknown, unknown>,
): t.Type<Event<T, D>, unknown, unknown> => t.strict({ type: t.literal(type), data }, type);
