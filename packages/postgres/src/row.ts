import * as E from 'fp-ts/lib/Either.js';
import { ActorCodec, type Envelope } from '@ordersource/core';
import { storeError } from './errors.js';
import type { SqlRow } from './executor/types.js';
import { plainActor } from './actor-check.js';
import { encodePosition } from './position.js';

/**
 * Rows are decoded field by field: a row that does not have the shape the
 * store wrote makes the read fail with an error naming the stream, the version
 * and the field, instead of handing out a half-decoded envelope.
 */

const FIELDS = [
  'transaction_id',
  'global_position',
  'stream_id',
  'stream_version',
  'event_id',
  'event_type',
  'data',
  'occurred_at',
  'recorded_at',
  'actor',
  'causation_id',
  'correlation_id',
  'schema_version',
] as const;

/**
 * Every read selects one JSON text per event: drivers then parse one field
 * instead of thirteen (PGlite 3x faster per page), positions stay exact
 * decimal strings, and the store decodes every field itself.
 */
export const EVENT_JSON_EXPRESSION = `json_build_array(e.transaction_id::text, e.global_position::text, e.stream_id,
  e.stream_version, e.event_id, e.event_type, e.data, e.occurred_at, e.recorded_at, e.actor, e.causation_id,
  e.correlation_id, e.schema_version)::text`;
export const EVENT_JSON = `${EVENT_JSON_EXPRESSION} as ev`;

/** One event's JSON array (or its text), as named fields. */
const fieldsOf = (tuple: unknown, shown: () => unknown): SqlRow => {
  if (!Array.isArray(tuple) || tuple.length !== FIELDS.length)
    throw storeError('decode', `cannot decode an event row: expected ${FIELDS.length} fields, got ${String(shown())}`, {
      field: 'ev',
    });
  const values: readonly unknown[] = tuple;
  const fields: Record<string, unknown> = {};
  FIELDS.forEach((name, i) => {
    fields[name] = values[i];
  });
  return fields;
};

const parseText = (text: unknown): unknown => {
  try {
    return typeof text === 'string' ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
};

const DIGITS = /^\d+$/;

// Events of one batch share their recorded_at: remember the last conversion.
let lastRecorded: { text: string; iso: string } | undefined;
const isoInstant = (value: unknown): string | undefined => {
  if (typeof value !== 'string') return undefined;
  if (lastRecorded?.text === value) return lastRecorded.iso;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return undefined;
  lastRecorded = { text: value, iso: new Date(ms).toISOString() };
  return lastRecorded.iso;
};

/** A row with the `ev` column (one event's JSON text). */
export const decodeEventRow = (selected: SqlRow): Envelope =>
  decodeFields(fieldsOf(parseText(selected['ev']), () => selected['ev']));

/** A page read as one JSON array of event arrays. */
export const decodeEventTuples = (page: unknown): Envelope[] => {
  if (!Array.isArray(page))
    throw storeError('decode', 'cannot decode a page of events: not a JSON array', { field: 'ev' });
  // The tuple is shown (stringified) only in the error of one that does not decode.
  return (page as readonly unknown[]).map((tuple) => decodeFields(fieldsOf(tuple, () => JSON.stringify(tuple))));
};

const decodeFields = (row: SqlRow): Envelope => {
  const streamId = row['stream_id'];
  const version = row['stream_version'];
  const where = typeof streamId === 'string' ? `stream ${JSON.stringify(streamId)}` : 'an event row';
  const fail = (field: string, expected: string): never => {
    throw storeError(
      'decode',
      `cannot decode ${where} version ${String(version)}: field "${field}" must be ${expected} (got ${JSON.stringify(row[field]) ?? 'undefined'})`,
      {
        ...(typeof streamId === 'string' ? { streamId } : {}),
        ...(typeof version === 'number' ? { streamVersion: version } : {}),
        field,
      },
    );
  };
  const text = (field: string): string => {
    const value = row[field];
    return typeof value === 'string' && value.length > 0 ? value : fail(field, 'a non-empty string');
  };
  const optionalText = (field: string): string | undefined => {
    const value = row[field];
    if (value === null || value === undefined) return undefined;
    return typeof value === 'string' ? value : fail(field, 'a string or null');
  };
  const integer = (field: string, min: number): number => {
    const value = row[field];
    return typeof value === 'number' && Number.isSafeInteger(value) && value >= min
      ? value
      : fail(field, `an integer >= ${min}`);
  };
  const digits = (field: string): string => {
    const value = row[field];
    return typeof value === 'string' && DIGITS.test(value) ? value : fail(field, 'a decimal number');
  };

  const stream = text('stream_id');
  const streamVersion = integer('stream_version', 0);
  const position = encodePosition({ transactionId: digits('transaction_id'), sequence: digits('global_position') });
  const eventId = text('event_id');
  const type = text('event_type');
  if (!('data' in row)) fail('data', 'present');
  const occurredAt = text('occurred_at');
  const recordedAt = isoInstant(row['recorded_at']) ?? fail('recorded_at', 'a timestamp');
  const actor = plainActor(row['actor']) ?? ActorCodec.decode(row['actor']);
  if (E.isLeft(actor)) fail('actor', 'an actor { kind, id, companyId?, name? }');
  const causationId = optionalText('causation_id');
  const correlationId = optionalText('correlation_id');
  const schemaVersion = integer('schema_version', 1);
  return {
    event: { type, data: row['data'] },
    eventId,
    streamId: stream,
    streamVersion,
    globalPosition: position,
    occurredAt,
    recordedAt,
    ...(causationId === undefined ? {} : { causationId }),
    ...(correlationId === undefined ? {} : { correlationId }),
    actor: (actor as E.Right<Envelope['actor']>).right,
    schemaVersion,
  };
};

/** Decode a whole result before anything is handed out: all of it, or an error. */
export const decodeEventRows = (rows: readonly SqlRow[]): Envelope[] => rows.map(decodeEventRow);
