import type { Envelope, FoldRow, ReadOptions } from '@ordersource/core';
import type { SqlQueryable } from './executor/types.js';
import {
  decodeFoldArrays,
  decodeFoldRows,
  decodeStreamArrays,
  decodeEventRows,
  EVENT_COLUMNS,
  EVENT_JSON,
  FOLD_COLUMNS,
  FOLD_JSON,
} from './row.js';

/**
 * One stream in version order (or reverse). One query, one snapshot, and the
 * whole result is decoded before the first envelope is handed out: a bad row
 * fails the read instead of ending it early with half a stream.
 */
const INT32_MAX = 2_147_483_647;

export async function* readStream(
  db: SqlQueryable,
  schema: string,
  streamId: string,
  options: ReadOptions = {},
): AsyncIterable<Envelope> {
  const limit = options.limit === undefined ? null : Math.max(0, Math.floor(options.limit));
  if (limit === 0) return;
  const backwards = options.direction === 'backwards';
  const from = backwards
    ? Math.min(options.from ?? INT32_MAX, INT32_MAX)
    : Math.max(0, Math.min(options.from ?? 0, INT32_MAX));
  if (backwards && from < 0) return;
  const where = `from ${schema}.events e
      where e.stream_id = $1 and e.stream_version ${backwards ? '<=' : '>='} $2
      order by e.stream_version ${backwards ? 'desc' : 'asc'} limit $3`;
  const params = [streamId, Math.floor(from), limit];
  // Columns as arrays where the driver offers them (node-postgres), else one JSON text per row (PGlite).
  yield* db.queryArrays !== undefined
    ? decodeStreamArrays(streamId, await db.queryArrays(`select ${EVENT_COLUMNS} ${where}`, params))
    : decodeEventRows(await db.query(`select ${EVENT_JSON} ${where}`, params));
}

/**
 * One stream from `from` on as fold rows (`EventStore.readForFold`): one
 * query, one snapshot, one batch, decoded whole before it is handed out, like
 * `readStream`.
 */
export async function* readStreamForFold(
  db: SqlQueryable,
  schema: string,
  streamId: string,
  from: number,
): AsyncIterable<readonly FoldRow[]> {
  const where = `from ${schema}.events e where e.stream_id = $1 and e.stream_version >= $2 order by e.stream_version`;
  const params = [streamId, Math.min(from, INT32_MAX)];
  const rows =
    db.queryArrays !== undefined
      ? decodeFoldArrays(streamId, await db.queryArrays(`select ${FOLD_COLUMNS} ${where}`, params))
      : decodeFoldRows(streamId, await db.query(`select ${FOLD_JSON} ${where}`, params));
  if (rows.length > 0) yield rows;
}

export const streamVersion = async (db: SqlQueryable, schema: string, streamId: string): Promise<number> => {
  const [row] = await db.query(
    `select coalesce(max(e.stream_version), -1) as version from ${schema}.events e where e.stream_id = $1`,
    [streamId],
  );
  return Number(row?.['version'] ?? -1);
};
