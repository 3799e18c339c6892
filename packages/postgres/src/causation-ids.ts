import { storeError } from './errors.js';
import type { SqlQueryable } from './executor/types.js';

/**
 * The `causationId` of each event of a stream below a version, entry `i` for
 * version `i`: what the command handler reads to recognise a command handled
 * long before the snapshot it loaded from (the store port's optional
 * `causationIds`). One column, aggregated by the server into one JSON array:
 * no payload is sent, and one JSON text parses at a fraction of the cost of
 * a row per event. A stream with a gap in its versions (which appends never
 * make) is read row by row and placed by version. A value that is not what
 * the table allows is a `decode` error naming the stream and the field.
 */
export const causationIds = async (
  db: SqlQueryable,
  schema: string,
  streamId: string,
  below: number,
): Promise<readonly (string | undefined)[]> => {
  const params = [streamId, Math.min(below, 2_147_483_647)];
  const where = `from ${schema}.events e where e.stream_id = $1 and e.stream_version < $2`;
  const [row] = await db.query(
    `select json_agg(e.causation_id order by e.stream_version)::text as causes, count(*)::int as n,
            coalesce(max(e.stream_version), -1)::int as last ${where}`,
    params,
  );
  const count = row?.['n'];
  if (count === 0) return [];
  if (typeof count === 'number' && count === Number(row?.['last']) + 1) {
    const text = row?.['causes'];
    const causes: unknown = typeof text === 'string' ? JSON.parse(text) : undefined;
    if (!Array.isArray(causes) || causes.length !== count)
      throw storeError('decode', `stream ${JSON.stringify(streamId)}: the causation ids are not a list`, {
        streamId,
        field: 'causation_id',
      });
    for (let version = 0; version < causes.length; version++) {
      const cause: unknown = causes[version];
      if (cause === null) causes[version] = undefined;
      else if (typeof cause !== 'string') throw notText(streamId, version);
    }
    return causes as (string | undefined)[];
  }
  // A gap: each row placed at its version.
  const rows = await db.query(
    `select e.stream_version as v, e.causation_id as c ${where} order by e.stream_version`,
    params,
  );
  const causes = new Array<string | undefined>(0);
  for (const { v: version, c: cause } of rows) {
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 0 || version >= below)
      throw storeError('decode', `stream ${JSON.stringify(streamId)}: an event row's version is ${String(version)}`, {
        streamId,
        field: 'stream_version',
      });
    if (cause !== null && typeof cause !== 'string') throw notText(streamId, version);
    causes[version] = cause ?? undefined;
  }
  return causes;
};

const notText = (streamId: string, version: number) =>
  storeError(
    'decode',
    `stream ${JSON.stringify(streamId)} at version ${version}: field "causation_id" is not text or null`,
    {
      streamId,
      streamVersion: version,
      field: 'causation_id',
    },
  );
