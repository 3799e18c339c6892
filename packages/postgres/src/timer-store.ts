import {
  checkedCall,
  claimProblem,
  failProblem,
  optionalIdProblem,
  planProblem,
  settleProblem,
  timerOf,
  type ClaimedTimer,
  type StoredTimer,
  type Timer,
  type TimerStore,
} from '@ordersource/core';
import type { SqlExecutor, SqlRow } from './executor/types.js';
import { quoteIdent, validateSchemaName } from './identifiers.js';

/**
 * Durable timers in PostgreSQL (issue 11): one row per plan entry, so a
 * timer planned before a restart fires after it. `claimDue` picks due rows
 * with FOR UPDATE SKIP LOCKED, so workers claiming at once never take the
 * same row, and leases each row until `now + leaseMs` under a token drawn
 * from a sequence: `complete` and `fail` change a row only while it carries
 * the token they were given, so a worker whose claim lapsed and was taken
 * over settles nothing. Time comes from the arguments (the caller's clock,
 * virtual in tests), not from the server. The table comes from `migrate()`.
 */
export type PostgresTimerStoreOptions = Readonly<{ schema?: string }>;

// Instants travel as ISO text in and epoch milliseconds out: exact on pg and PGlite alike.
const MS = (column: string): string => `(extract(epoch from ${column}) * 1000)::bigint::text`;
const columns = (t: string): string =>
  `${t}id, ${t}stream_id, ${t}key, ${t}at, ${t}command_stream_id, ${t}command_type, ${t}command_data, ${t}status,
   ${t}attempts, ${t}last_error, ${MS(`${t}next_attempt_at`)} as next_ms, ${t}claim_token::text as token`;

const iso = (value: unknown): string => new Date(Number(value)).toISOString();

const toTimer = (row: SqlRow): StoredTimer => {
  const lastError = row['last_error'];
  return {
    id: String(row['id']),
    streamId: String(row['stream_id']),
    key: String(row['key']),
    at: String(row['at']),
    command: {
      streamId: String(row['command_stream_id']),
      type: String(row['command_type']),
      data: row['command_data'],
    },
    status: row['status'] === 'fired' ? 'fired' : 'planned',
    attempts: Number(row['attempts']),
    ...(typeof lastError === 'string' ? { lastError } : {}),
    nextAttemptAt: iso(row['next_ms']),
  };
};

const byDue = (a: StoredTimer, b: StoredTimer): number =>
  Date.parse(a.nextAttemptAt) - Date.parse(b.nextAttemptAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

// Tokens are sequence numbers; any other text is no token of ours (and must not reach a bigint cast).
const TOKEN = /^[1-9][0-9]{0,17}$/;

export const createPostgresTimerStore = (
  executor: SqlExecutor,
  options: PostgresTimerStoreOptions = {},
): TimerStore => {
  const s = quoteIdent(validateSchemaName(options.schema ?? 'ordersource'));

  return {
    plan: (streamId, timers) =>
      checkedCall('plan', planProblem(streamId, timers), () =>
        executor.transaction(async (tx) => {
          const wanted = new Map<string, Timer>();
          for (const due of timers) {
            const timer = timerOf(streamId, due);
            wanted.set(timer.id, timer);
          }
          // Planned rows the state no longer asks for go; fired rows stay as history.
          await tx.query(
            `delete from ${s}.timers where stream_id = $1 and status = 'planned' and not (id = any($2::text[]))`,
            [streamId, [...wanted.keys()]],
          );
          for (const timer of wanted.values())
            await tx.query(
              `insert into ${s}.timers (id, stream_id, key, at, command_stream_id, command_type, command_data,
                 status, next_attempt_at)
               values ($1, $2, $3, $4::text, $5, $6, $7::jsonb, 'planned', $8::timestamptz)
               on conflict (id) do update set command_stream_id = excluded.command_stream_id,
                 command_type = excluded.command_type, command_data = excluded.command_data
               where ${s}.timers.status = 'planned'`,
              [
                timer.id,
                timer.streamId,
                timer.key,
                timer.at,
                timer.command.streamId,
                timer.command.type,
                JSON.stringify(timer.command.data),
                timer.at,
              ],
            );
        }),
      ),

    claimDue: (now, claim) =>
      checkedCall('claimDue', claimProblem(now, claim), async () => {
        const rows = await executor.query(
          `with due as (
             select id from ${s}.timers
              where status = 'planned' and next_attempt_at <= $1::timestamptz
                and (claim_until is null or claim_until <= $1::timestamptz)
              order by next_attempt_at, id collate "C"
              limit $2
                for update skip locked)
           update ${s}.timers t
              set claim_owner = $3, claim_token = nextval('${s}.timer_claims'),
                  claim_until = $1::timestamptz + $4::integer * interval '1 millisecond'
             from due where t.id = due.id
           returning ${columns('t.')}`,
          [now, claim.limit, claim.owner, claim.leaseMs],
        );
        return rows.map((row): ClaimedTimer => ({ ...toTimer(row), token: String(row['token']) })).sort(byDue);
      }),

    complete: (id, token) =>
      checkedCall('complete', settleProblem(id, token), async () => {
        if (!TOKEN.test(token)) return false;
        const rows = await executor.query(
          `update ${s}.timers set status = 'fired', fired_at = now(), claim_owner = null, claim_until = null
            where id = $1 and claim_token = $2::bigint and claim_owner is not null and status = 'planned'
           returning id`,
          [id, token],
        );
        return rows.length === 1;
      }),

    fail: (id, token, error, retryAt) =>
      checkedCall('fail', failProblem(id, token, error, retryAt), async () => {
        if (!TOKEN.test(token)) return false;
        const rows = await executor.query(
          `update ${s}.timers set attempts = attempts + 1, last_error = $3, next_attempt_at = $4::timestamptz,
                  claim_owner = null, claim_until = null
            where id = $1 and claim_token = $2::bigint and claim_owner is not null and status = 'planned'
           returning id`,
          [id, token, error, retryAt],
        );
        return rows.length === 1;
      }),

    list: (streamId) =>
      checkedCall('list', optionalIdProblem(streamId, 'streamId'), async () => {
        const rows = await executor.query(
          `select ${columns('')} from ${s}.timers where ($1::text is null or stream_id = $1)
            order by next_attempt_at, id collate "C"`,
          [streamId ?? null],
        );
        return rows.map(toTimer);
      }),

    nextDue: async () => {
      // A timer under a live claim is not due again before the claim ends.
      const [row] = await executor.query(
        `select ${MS('min(greatest(next_attempt_at, coalesce(claim_until, next_attempt_at)))')} as next_ms
           from ${s}.timers where status = 'planned'`,
      );
      const next = row?.['next_ms'];
      return next === null || next === undefined ? undefined : iso(next);
    },
  };
};
