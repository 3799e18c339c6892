import * as E from 'fp-ts/lib/Either.js';
import type { Snapshot, SnapshotStore } from '@ordersource/core';
import { storeError } from './errors.js';
import type { SqlQueryable } from './executor/types.js';
import { quoteIdent, validateSchemaName } from './identifiers.js';
import { jsonProblem } from './json-check.js';

/**
 * Snapshots of long streams, one row per stream. The `state` column holds a
 * document `{ state, commandIds? | recentCommands?, eventId? }`: the folded
 * state with the commands it covers (all of them, or on a long stream only
 * the recent ones: a bounded list, so a load parses as much however long the
 * stream) and the id of its last event, which the command handler needs to
 * trust a snapshot (without them it folds the events instead).
 *
 * A snapshot taken under another state schema version is deleted on load and
 * reported absent. A row that is not a snapshot (a bad document, a version
 * that is not one, a state its codec refuses) throws a `decode` error naming
 * the stream and the field; the handler reports it and folds the events.
 * A save never replaces a newer snapshot of the same schema version with an
 * older one, unless the stored one does not match its stream (no event with
 * its id at its version): a corrupt row is overwritten, not kept forever.
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

type Document = Readonly<{
  state: unknown;
  commandIds?: readonly string[];
  recentCommands?: Readonly<{ from: number; commandIds: readonly string[] }>;
  eventId?: string;
}>;

const isStrings = (value: unknown): boolean => Array.isArray(value) && value.every((id) => typeof id === 'string');

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What is wrong with a stored document, by field; undefined when it is one. */
const documentProblem = (stored: unknown): { field: string; rule: string } | undefined => {
  if (!isRecord(stored) || !('state' in stored))
    return { field: 'state', rule: 'must be a snapshot document { state, commandIds, eventId }' };
  const { commandIds, recentCommands, eventId } = stored;
  if (commandIds !== undefined && !isStrings(commandIds))
    return { field: 'state.commandIds', rule: 'must be an array of strings' };
  if (recentCommands !== undefined) {
    if (!isRecord(recentCommands))
      return { field: 'state.recentCommands', rule: 'must be an object { from, commandIds }' };
    const { from } = recentCommands;
    if (typeof from !== 'number' || !Number.isSafeInteger(from) || from < 0)
      return { field: 'state.recentCommands.from', rule: 'must be an integer >= 0' };
    if (!isStrings(recentCommands['commandIds']))
      return { field: 'state.recentCommands.commandIds', rule: 'must be an array of strings' };
  }
  if (eventId !== undefined && (typeof eventId !== 'string' || eventId === ''))
    return { field: 'state.eventId', rule: 'must be a non-empty string' };
  return undefined;
};

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
      const where = `snapshot of stream ${JSON.stringify(streamId)}`;
      if (typeof version !== 'number' || !Number.isInteger(version) || version < 0)
        throw storeError('decode', `${where}: field "version" is not a version`, { streamId, field: 'version' });
      const stored: unknown = row['state'];
      const problem = documentProblem(stored);
      if (problem !== undefined)
        throw storeError('decode', `${where} at version ${version}: field "${problem.field}" ${problem.rule}`, {
          streamId,
          streamVersion: version,
          field: problem.field,
        });
      const document = stored as Document;
      const state = options.codec.decode(document.state);
      if (E.isLeft(state))
        throw storeError(
          'decode',
          `${where} at version ${version}: field "state.state" does not decode ` +
            '(bump the snapshot schema version when the state changes shape)',
          { streamId, streamVersion: version, field: 'state.state', cause: state.left },
        );
      return {
        state: state.right,
        version,
        schemaVersion: options.schemaVersion,
        ...(document.commandIds === undefined ? {} : { commandIds: document.commandIds }),
        ...(document.recentCommands === undefined
          ? {}
          : { recentCommands: { from: document.recentCommands.from, commandIds: document.recentCommands.commandIds } }),
        ...(document.eventId === undefined ? {} : { eventId: document.eventId }),
      };
    },
    save: async (streamId, snapshot: Snapshot<S>) => {
      const data = encode(snapshot.state);
      const problem = jsonProblem(data, 'state');
      if (problem !== undefined)
        throw new Error(`snapshot of stream ${JSON.stringify(streamId)} cannot be stored: ${problem}`);
      const document: Document = {
        state: data,
        ...(snapshot.commandIds === undefined ? {} : { commandIds: snapshot.commandIds }),
        ...(snapshot.recentCommands === undefined
          ? {}
          : { recentCommands: { from: snapshot.recentCommands.from, commandIds: snapshot.recentCommands.commandIds } }),
        ...(snapshot.eventId === undefined ? {} : { eventId: snapshot.eventId }),
      };
      // The stored row is replaced when it is older, of another schema version, or does not match its stream.
      await db.query(
        `insert into ${schema}.snapshots (stream_id, version, schema_version, state) values ($1, $2, $3, $4::jsonb)
         on conflict (stream_id) do update
           set version = excluded.version, schema_version = excluded.schema_version, state = excluded.state,
               taken_at = now()
           where snapshots.version <= excluded.version or snapshots.schema_version <> excluded.schema_version
              or not exists (select 1 from ${schema}.events e
                              where e.stream_id = snapshots.stream_id and e.stream_version = snapshots.version
                                and e.event_id = snapshots.state->>'eventId')`,
        [streamId, snapshot.version, snapshot.schemaVersion, JSON.stringify(document)],
      );
    },
  };
};
