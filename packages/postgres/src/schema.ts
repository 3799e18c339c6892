import { sqlState, storeError } from './errors.js';
import type { SqlExecutor, SqlQueryable } from './executor/types.js';
import { lockKeyOf, quoteIdent, validateSchemaName } from './identifiers.js';

/**
 * Versioned migrations, applied in order, each once, inside one transaction
 * that first takes an advisory lock: two processes starting at once queue up
 * and the second finds everything applied. Every object lives in the
 * configured schema.
 */
export type Migration = Readonly<{ version: number; name: string; statements: (schema: string) => readonly string[] }>;

/** PostgreSQL 13 brought `xid8`, `pg_current_xact_id()` and `pg_snapshot_xmin()`. */
export const MIN_SERVER_VERSION = 130000;

const replayFunction = (schema: string): readonly string[] => {
  const s = quoteIdent(schema);
  return [
    // What a stored batch says about this one: 'replay' (the very same batch), 'conflict' (some
    // of its eventIds were stored otherwise) or 'none'. Only asked on the slow paths.
    `create or replace function ${s}.replay_of(p_stream text, p_events jsonb, out status text, out first_version integer,
  out last_version integer, out last_transaction text, out last_position text, out conflict_ids text[])
language plpgsql as $fn$
declare
  v_count integer := jsonb_array_length(p_events);
  v_found integer;
  v_first integer;
  v_exact boolean;
begin
  select count(*)::integer,
         min(e.stream_version) filter (where i.ord = 1),
         coalesce(bool_and(e.stream_id = p_stream
                           and e.batch_first = e.stream_version - (i.ord::integer - 1)
                           and e.batch_last = e.batch_first + v_count - 1), false),
         array_agg(e.event_id order by i.ord)
    into v_found, v_first, v_exact, conflict_ids
    from jsonb_array_elements(p_events) with ordinality as i(value, ord)
    join ${s}.events e on e.event_id = i.value->>'id';
  if v_found = 0 then
    status := 'none';
  elsif v_found = v_count and v_exact and v_first is not null then
    select 'replay', e.batch_first, e.batch_last, e.transaction_id::text, e.global_position::text
      into status, first_version, last_version, last_transaction, last_position
      from ${s}.events e
     where e.stream_id = p_stream and e.stream_version = v_first + v_count - 1;
    conflict_ids := null;
  else
    status := 'conflict';
  end if;
end
$fn$`,
  ];
};

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'events, checkpoints, snapshots, outbox',
    statements: (schema) => {
      const s = quoteIdent(schema);
      return [
        `create table ${s}.events (
           global_position bigint generated always as identity,
           transaction_id xid8 not null default pg_current_xact_id(),
           stream_id text not null check (stream_id <> ''),
           stream_version integer not null check (stream_version >= 0),
           event_id text not null check (event_id <> ''),
           event_type text not null check (event_type <> ''),
           data jsonb not null,
           occurred_at text not null,
           recorded_at timestamptz not null default now(),
           actor jsonb not null,
           causation_id text,
           correlation_id text,
           schema_version integer not null check (schema_version > 0),
           batch_first integer not null,
           batch_last integer not null,
           constraint events_commit_order primary key (transaction_id, global_position),
           constraint events_stream_version unique (stream_id, stream_version),
           constraint events_event_id unique (event_id)
         )`,
        `create table ${s}.checkpoints (
           name text primary key,
           position text not null,
           updated_at timestamptz not null default now()
         )`,
        `create table ${s}.snapshots (
           stream_id text primary key,
           version integer not null,
           schema_version integer not null,
           state jsonb not null,
           taken_at timestamptz not null default now()
         )`,
        `create table ${s}.outbox (
           id bigint generated always as identity primary key,
           message_key text not null unique,
           topic text not null,
           payload jsonb not null,
           stream_id text,
           created_at timestamptz not null default now(),
           attempts integer not null default 0,
           available_at timestamptz not null default now(),
           last_error text,
           processed_at timestamptz,
           dead_at timestamptz
         )`,
        `create index outbox_pending on ${s}.outbox (available_at, id) where processed_at is null and dead_at is null`,
        ...replayFunction(schema),
      ];
    },
  },
  {
    version: 2,
    name: 'outbox lease fencing',
    // The number of the latest claim of a row (issue 8.7): a worker renews and settles a row only
    // while the row still carries the lease_id it claimed, so a worker whose lease passed on cannot
    // mark processed, retried or dead a row that another worker now holds.
    statements: (schema) => [`alter table ${quoteIdent(schema)}.outbox add column lease_id bigint not null default 0`],
  },
  {
    version: 3,
    name: 'timers, partition leases, parked events',
    // The runtime's durable state (issue 11). Timers: one row per plan entry, claimed with a token
    // from a sequence so a lapsed claim cannot settle a row another worker re-claimed. Leases: one
    // row per (group, partition) whose token grows with every change of owner; writes of a
    // partition's work lock the row FOR SHARE and check the token, so a takeover waits for them
    // and a stale owner's writes fail. Parked: one row per (consumer, event), in parking order.
    statements: (schema) => {
      const s = quoteIdent(schema);
      return [
        `create sequence ${s}.timer_claims`,
        `create table ${s}.timers (
           id text primary key,
           stream_id text not null,
           key text not null,
           at text not null,
           command_stream_id text not null,
           command_type text not null,
           command_data jsonb not null,
           status text not null check (status in ('planned', 'fired')),
           attempts integer not null default 0,
           last_error text,
           next_attempt_at timestamptz not null,
           claim_owner text,
           claim_token bigint not null default 0,
           claim_until timestamptz,
           planned_at timestamptz not null default now(),
           fired_at timestamptz
         )`,
        `create index timers_due on ${s}.timers (next_attempt_at, id) where status = 'planned'`,
        `create index timers_stream on ${s}.timers (stream_id)`,
        `create table ${s}.lease_groups (
           group_name text primary key,
           partitions integer not null check (partitions > 0)
         )`,
        `create table ${s}.lease_members (
           group_name text not null references ${s}.lease_groups (group_name),
           owner text not null,
           expires_at timestamptz not null,
           primary key (group_name, owner)
         )`,
        `create table ${s}.partition_leases (
           group_name text not null references ${s}.lease_groups (group_name),
           partition integer not null check (partition >= 0),
           owner text,
           token bigint not null default 0,
           expires_at timestamptz not null default '-infinity',
           primary key (group_name, partition)
         )`,
        `create sequence ${s}.parked_order`,
        `create table ${s}.parked_events (
           consumer text not null,
           event_id text not null,
           stream_id text not null,
           global_position text not null,
           attempts integer not null,
           error text not null,
           parked_at timestamptz not null,
           parking_order bigint not null default nextval('${s}.parked_order'),
           primary key (consumer, event_id)
         )`,
      ];
    },
  },
];

export const LATEST_VERSION = MIGRATIONS.reduce((max, migration) => Math.max(max, migration.version), 0);

export const checkServerVersion = async (executor: SqlQueryable): Promise<number> => {
  const [row] = await executor.query(`select current_setting('server_version_num') as version`);
  const raw = row?.['version'];
  const version = Number(raw);
  if (!Number.isInteger(version) || version < MIN_SERVER_VERSION)
    throw storeError(
      'server-version',
      `PostgreSQL ${typeof raw === 'string' ? raw : 'of unknown version'} is too old: ordersource needs 13 or later ` +
        '(for xid8, pg_current_xact_id and pg_snapshot_xmin)',
    );
  return version;
};

/** Apply every missing migration. Safe when several processes start at once. */
export const migrate = async (executor: SqlExecutor, schemaName: string): Promise<readonly number[]> => {
  const schema = validateSchemaName(schemaName);
  const s = quoteIdent(schema);
  await checkServerVersion(executor);
  return executor.transaction(async (tx) => {
    // The bigint key space of advisory locks is separate from the (int, int) one appends use.
    await tx.query('select pg_advisory_xact_lock($1::bigint)', [lockKeyOf(schema)]);
    await tx.query(`create schema if not exists ${s}`);
    await tx.query(
      `create table if not exists ${s}.migrations (
         version integer primary key, name text not null, applied_at timestamptz not null default now())`,
    );
    const applied = new Set(
      (await tx.query(`select version from ${s}.migrations`)).map((row) => Number(row['version'])),
    );
    const now: number[] = [];
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      for (const statement of migration.statements(schema)) await tx.query(statement);
      await tx.query(`insert into ${s}.migrations (version, name) values ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
      now.push(migration.version);
    }
    return now;
  });
};

/**
 * Readers only see rows below the oldest running transaction id. After a
 * logical restore (pg_dump into a new cluster) the stored ids are ahead of the
 * new cluster's counter: nothing would be visible and new events would sort
 * before old ones. Refuse to start instead, and say how to fix it.
 */
export const checkTransactionIds = async (executor: SqlQueryable, schemaName: string): Promise<void> => {
  const s = quoteIdent(validateSchemaName(schemaName));
  const [row] = await executor.query(
    `select (select max(transaction_id) from ${s}.events)::text as stored,
            pg_snapshot_xmax(pg_current_snapshot())::text as next`,
  );
  const stored = row?.['stored'];
  const next = row?.['next'];
  if (typeof stored === 'string' && typeof next === 'string' && BigInt(stored) >= BigInt(next))
    throw storeError(
      'xid-behind',
      `schema "${schemaName}" holds events of transaction ${stored}, but this server's next transaction id is ${next}: ` +
        'the data was restored into another cluster. See "Restoring a backup" in docs/postgres.md ' +
        '(advance the cluster with pg_resetwal --epoch, or renumber transaction_id) before starting the store.',
    );
};

/** For stores opened with `migrate: false`: fail early and clearly when the schema is not there. */
export const requireSchema = async (executor: SqlQueryable, schemaName: string): Promise<void> => {
  const schema = validateSchemaName(schemaName);
  await checkServerVersion(executor);
  let version: number;
  try {
    const [row] = await executor.query(
      `select coalesce(max(version), 0) as version from ${quoteIdent(schema)}.migrations`,
    );
    version = Number(row?.['version']);
  } catch (error) {
    const state = sqlState(error);
    if (state === '42P01' || state === '3F000')
      throw storeError(
        'missing-schema',
        `schema "${schema}" has no ordersource tables: run migrations first (open the store with migrate: true, or call migrate())`,
        { cause: error },
      );
    throw error;
  }
  if (version < LATEST_VERSION)
    throw storeError(
      'missing-schema',
      `schema "${schema}" is at migration ${version}, this version of ordersource needs ${LATEST_VERSION}: run migrate()`,
    );
};
