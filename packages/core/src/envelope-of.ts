import type { Actor } from './actor.js';
import type { Envelope } from './envelope.js';
import type { Event } from './message.js';

/**
 * An envelope from its fields, for stores that build one per event read or
 * appended. Optional ids are absent, not undefined (so every store's
 * envelopes compare equal), and each of the four shapes is one object
 * literal: no spread, no object per call beyond the envelope itself.
 */
export const envelopeOf = <E extends Event>(
  event: E,
  eventId: string,
  streamId: string,
  streamVersion: number,
  globalPosition: string,
  occurredAt: string,
  recordedAt: string,
  actor: Actor,
  schemaVersion: number,
  causationId: string | undefined,
  correlationId: string | undefined,
): Envelope<E> =>
  causationId === undefined
    ? correlationId === undefined
      ? { event, eventId, streamId, streamVersion, globalPosition, occurredAt, recordedAt, actor, schemaVersion }
      : {
          event,
          eventId,
          streamId,
          streamVersion,
          globalPosition,
          occurredAt,
          recordedAt,
          correlationId,
          actor,
          schemaVersion,
        }
    : correlationId === undefined
      ? {
          event,
          eventId,
          streamId,
          streamVersion,
          globalPosition,
          occurredAt,
          recordedAt,
          causationId,
          actor,
          schemaVersion,
        }
      : {
          event,
          eventId,
          streamId,
          streamVersion,
          globalPosition,
          occurredAt,
          recordedAt,
          causationId,
          correlationId,
          actor,
          schemaVersion,
        };
