import { storeError } from './errors.js';
import type { SqlQueryable } from './executor/types.js';

/**
 * The `causationId` of each event of a stream below a version, entry `i` for
 * version `i`: what the command handler reads to recognise a command handled
 * long before the snapshot it loaded from (the store port's optional
 * `causationIds`). Two narrow columns instead of whole events: no payload is
 * sent or parsed. A row that is not what the table allows is a `decode`
 * error naming the stream, the version and the field.
 */
export const causationIds = async (
  db: SqlQueryable,
  schema: string,
  streamId: string,
  below: number,
): Promise<readonly (string | undefined)[]> => {
  const sql = `select e.stream_version, e.causation_id from ${schema}.events e
      where e.stream_id = $1 and e.stream_version < $2 order by e.stream_version`;
  const params = [streamId, Math.min(below, 2_147_483_647)];
  const rows =
    db.queryArrays !== undefined
      ? await db.queryArrays(sql, params)
      : (await db.query(sql, params)).map((row) => [row['stream_version'], row['causation_id']] as const);
  const causes = new Array<string | undefined>(rows.length);
  for (const [version, cause] of rows) {
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 0 || version >= below)
      throw storeError('decode', `stream ${JSON.stringify(streamId)}: an event row's version is ${String(version)}`, {
        streamId,
        field: 'stream_version',
      });
    if (cause !== null && typeof cause !== 'string')
      throw storeError(
        'decode',
        `stream ${JSON.stringify(streamId)} at version ${version}: field "causation_id" is not text or null`,
        { streamId, streamVersion: version, field: 'causation_id' },
      );
    causes[version] = cause ?? undefined;
  }
  return causes;
};
