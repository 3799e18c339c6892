import { idProblem, invalidArgument, type Checkpoint, type CheckpointStore, type StoreMethod } from '@ordersource/core';
import type { SqlQueryable } from './executor/types.js';
import { quoteIdent, validateSchemaName } from './identifiers.js';

/**
 * Durable checkpoints for reactors and projections whose effects live
 * elsewhere. (Projections into PostgreSQL tables commit their checkpoint in
 * the same transaction instead: see projection.ts.) The tables come from the
 * event store's migrations.
 */
export const loadCheckpoint = async (
  db: SqlQueryable,
  schema: string,
  name: string,
): Promise<Checkpoint | undefined> => {
  const [row] = await db.query(`select position from ${schema}.checkpoints where name = $1`, [name]);
  const position = row?.['position'];
  return typeof position === 'string' ? position : undefined;
};

export const saveCheckpoint = async (db: SqlQueryable, schema: string, name: string, position: Checkpoint) => {
  await db.query(
    `insert into ${schema}.checkpoints (name, position) values ($1, $2)
     on conflict (name) do update set position = excluded.position, updated_at = now()`,
    [name, position],
  );
};

/** Names and checkpoints are texts PostgreSQL can store (core's id rules): refused before any SQL, never a driver error. */
const checked = (method: StoreMethod, name: unknown, checkpoint?: unknown): Promise<never> | undefined => {
  const problem = idProblem(name, 'name') ?? (method === 'save' ? idProblem(checkpoint, 'checkpoint') : undefined);
  return problem === undefined ? undefined : Promise.reject(invalidArgument(method, problem));
};

export const createPostgresCheckpointStore = (
  db: SqlQueryable,
  options: Readonly<{ schema?: string }> = {},
): CheckpointStore => {
  const schema = quoteIdent(validateSchemaName(options.schema ?? 'ordersource'));
  return {
    load: (name) => checked('load', name) ?? loadCheckpoint(db, schema, name),
    save: (name, checkpoint) => checked('save', name, checkpoint) ?? saveCheckpoint(db, schema, name, checkpoint),
    reset: async (name) => {
      await (checked('reset', name) ?? db.query(`delete from ${schema}.checkpoints where name = $1`, [name]));
    },
  };
};
