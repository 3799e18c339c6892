import * as E from 'fp-ts/lib/Either.js';
import { ActorCodec, type Envelope } from '@ordersource/core';
import { storeError } from './errors.js';
import type { SqlRow } from './executor/types.js';
import { encodePosition } from './position.js';

/**
 * Rows are decoded field by field: a row that does not have the shape the
 * store wrote makes the read fail with an error naming the stream, the version
 * and the field, instead of handing out a half-decoded envelope.
 */

/** The column list every read uses; positions as text so that no driver rounds them. */
export const EVENT_COLUMNS = `e.transaction_id::text as transaction_id, e.global_position::text as global_position,
  e.stream_id, e.stream_version, e.event_id, e.event_type, e.data, e.occurred_at, e.recorded_at, e.actor,
  e.causation_id, e.correlation_id, e.schema_version`;

const DIGITS = /^\d+$/;

export const decodeEventRow = (row: SqlRow): Envelope => {
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
  const recorded = row['recorded_at'];
  const recordedAt =
    recorded instanceof Date && !Number.isNaN(recorded.getTime())
      ? recorded.toISOString()
      : fail('recorded_at', 'a timestamp');
  const actor = ActorCodec.decode(row['actor']);
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
