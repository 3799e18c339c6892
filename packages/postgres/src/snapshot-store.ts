import * as E from 'fp-ts/lib/Either.js';
import type { Snapshot, SnapshotStore } from '@ordersource/core';
import { storeError } from './errors.js';
import type { SqlQueryable } from './executor/types.js';
import { quoteIdent, validateSchemaName } from './identifiers.js';
import { jsonProblem } from './json-check.js';

/**
 * Snapshots of long streams, one row per stream, as JSONB. A snapshot taken
 * under another state schema version is deleted on load and reported absent,
 * so the handler folds from the events. A save never replaces a newer
 * snapshot of the same schema version with an older one.
 */
export type SnapshotStateCodec<S> = Readonly<{
  /** Validates a stored state (e.g. an io-ts codec's `decode`). */
  decode: (stored: unknown) => E.Either<unknown, S>;
  /** Turns a state into JSON-able data (default: as it is; Maps and Sets need an encoder). */
  encode?: (state: S) => unknown;
}>;

export type PostgresSnapshotStoreOptions<S> = Readonly<{
  schema?: string;
  /** The current state schema version: snapshots of any other version are invalid. */
  schemaVersion: number;
  codec: SnapshotStateCodec<S>;
}>;

export const createPostgresSnapshotStore = <S>(
  db: SqlQueryable,
  options: PostgresSnapshotStoreOptions<S>,
): SnapshotStore<S> => {
  const schema = quoteIdent(validateSchemaName(options.schema ?? 'ordersource'));
  const encode = options.codec.encode ?? ((state: S): unknown => state);
  return {
    load: async (streamId) => {
      const [row] = await db.query(
        `select version, schema_version, state from ${schema}.snapshots where stream_id = $1`,
        [streamId],
      );
      if (row === undefined) return undefined;
      const version = row['version'];
      if (row['schema_version'] !== options.schemaVersion) {
        await db.query(`delete from ${schema}.snapshots where stream_id = $1 and schema_version <> $2`, [
          streamId,
          options.schemaVersion,
        ]);
        return undefined;
      }
      if (typeof version !== 'number' || !Number.isInteger(version) || version < 0)
        throw storeError('decode', `snapshot of stream ${JSON.stringify(streamId)}: field "version" is not a version`, {
          streamId,
          field: 'version',
        });
      const state = options.codec.decode(row['state']);
      if (E.isLeft(state))
        throw storeError(
          'decode',
          `snapshot of stream ${JSON.stringify(streamId)} at version ${version}: field "state" does not decode ` +
            '(bump the snapshot schema version when the state changes shape)',
          { streamId, streamVersion: version, field: 'state', cause: state.left },
        );
      return { state: state.right, version, schemaVersion: options.schemaVersion };
    },
    save: async (streamId, snapshot: Snapshot<S>) => {
      const data = encode(snapshot.state);
      const problem = jsonProblem(data, 'state');
      if (problem !== undefined)
        throw new Error(`snapshot of stream ${JSON.stringify(streamId)} cannot be stored: ${problem}`);
      await db.query(
        `insert into ${schema}.snapshots (stream_id, version, schema_version, state) values ($1, $2, $3, $4::jsonb)
         on conflict (stream_id) do update
           set version = excluded.version, schema_version = excluded.schema_version, state = excluded.state,
               taken_at = now()
           where snapshots.version <= excluded.version or snapshots.schema_version <> excluded.schema_version`,
        [streamId, snapshot.version, snapshot.schemaVersion, JSON.stringify(data)],
      );
    },
  };
};
