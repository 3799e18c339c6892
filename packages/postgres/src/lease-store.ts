import {
  argumentProblem,
  checkedCall,
  fairShare,
  holdsProblem,
  idProblem,
  leaseRequestProblem,
  runtimeStoreRefusal,
  type LeaseRequest,
  type LeaseStore,
  type PartitionLease,
} from '@ordersource/core';
import type { SqlExecutor, SqlQueryable, SqlRow } from './executor/types.js';
import { quoteIdent, validateSchemaName } from './identifiers.js';

/**
 * Partition leases in PostgreSQL (issue 11, scale-out): lease rows with
 * fencing tokens. Each (group, partition) is one row holding its owner, the
 * end of its lease and a token that grows by one with every change of owner.
 * A balance runs in one transaction that first locks the group's row, so the
 * balances of a group run one at a time and see each other's results; a row
 * passes to a new owner only when free or past its end, so a partition never
 * has two owners. Time comes from the requests (the caller's clock): where
 * clocks disagree, a lease may move early, and the token is what keeps the
 * old owner's late writes out (see `fencePartition`). The tables come from
 * `migrate()`.
 */
export type PostgresLeaseStoreOptions = Readonly<{ schema?: string }>;

const MS = (column: string): string => `(extract(epoch from ${column}) * 1000)::bigint::text`;

const toLease = (group: string, row: SqlRow): PartitionLease => ({
  group,
  partition: Number(row['partition']),
  owner: String(row['owner']),
  token: Number(row['token']),
  expiresAt: new Date(Number(row['expires_ms'])).toISOString(),
});

const LEASE_COLUMNS = `partition, owner, token::text as token, ${MS('expires_at')} as expires_ms`;

/**
 * Inside a transaction that writes a partition's work (a projection's rows
 * and checkpoint): true while `owner` still holds `partition` under `token`.
 * The row is locked FOR SHARE until the transaction ends, so a takeover waits
 * for this commit, and a commit after a takeover never happens: the check
 * fails first and the caller rolls back.
 */
export const fencePartition = async (
  tx: SqlQueryable,
  schema: string,
  lease: Readonly<{ group: string; partition: number; owner: string; token: number }>,
): Promise<boolean> => {
  const rows = await tx.query(
    `select 1 from ${quoteIdent(validateSchemaName(schema))}.partition_leases
      where group_name = $1 and partition = $2 and owner = $3 and token = $4::bigint for share`,
    [lease.group, lease.partition, lease.owner, String(lease.token)],
  );
  return rows.length === 1;
};

export const createPostgresLeaseStore = (
  executor: SqlExecutor,
  options: PostgresLeaseStoreOptions = {},
): LeaseStore => {
  const s = quoteIdent(validateSchemaName(options.schema ?? 'ordersource'));

  /** Create the group on first use and lock its row; refuse another partition count. */
  const lockGroup = async (tx: SqlQueryable, method: 'heartbeat' | 'balance', request: LeaseRequest) => {
    await tx.query(`insert into ${s}.lease_groups (group_name, partitions) values ($1, $2) on conflict do nothing`, [
      request.group,
      request.partitions,
    ]);
    const [row] = await tx.query(`select partitions from ${s}.lease_groups where group_name = $1 for update`, [
      request.group,
    ]);
    const partitions = Number(row?.['partitions']);
    if (partitions !== request.partitions)
      throw runtimeStoreRefusal(
        method,
        argumentProblem(
          'request.partitions',
          'range',
          `must be ${partitions} for group ${JSON.stringify(request.group)} (fixed for the group's lifetime), got ${request.partitions}`,
        ),
      );
    await tx.query(
      `insert into ${s}.partition_leases (group_name, partition)
       select $1, p from generate_series(0, $2::integer - 1) p on conflict do nothing`,
      [request.group, partitions],
    );
  };

  // The caller's own rows, in partition order, before any change: its fenced commits lock their rows
  // in the same order (FOR SHARE), so a balance and a commit queue up and never deadlock.
  const lockOwnRows = async (tx: SqlQueryable, group: string, owner: string): Promise<number[]> =>
    (
      await tx.query(
        `select partition from ${s}.partition_leases where group_name = $1 and owner = $2
          order by partition for update`,
        [group, owner],
      )
    ).map((row) => Number(row['partition']));

  const liveMembers = async (tx: SqlQueryable, request: LeaseRequest): Promise<string[]> => {
    await tx.query(`delete from ${s}.lease_members where group_name = $1 and expires_at <= $2::timestamptz`, [
      request.group,
      request.now,
    ]);
    const rows = await tx.query(
      `select owner from ${s}.lease_members where group_name = $1 order by owner collate "C"`,
      [request.group],
    );
    return rows.map((row) => String(row['owner']));
  };

  const until = (request: LeaseRequest): string => new Date(Date.parse(request.now) + request.ttlMs).toISOString();

  return {
    heartbeat: (request) =>
      checkedCall('heartbeat', leaseRequestProblem(request), () =>
        executor.transaction(async (tx) => {
          await lockGroup(tx, 'heartbeat', request);
          await tx.query(
            `insert into ${s}.lease_members (group_name, owner, expires_at) values ($1, $2, $3::timestamptz)
             on conflict (group_name, owner) do update set expires_at = excluded.expires_at`,
            [request.group, request.owner, until(request)],
          );
          return liveMembers(tx, request);
        }),
      ),

    balance: (request) =>
      checkedCall('balance', leaseRequestProblem(request), () =>
        executor.transaction(async (tx) => {
          await lockGroup(tx, 'balance', request);
          const members = await liveMembers(tx, request);
          const share = fairShare(request.partitions, [...members, request.owner], request.owner);
          const mine = await lockOwnRows(tx, request.group, request.owner);
          const excess = mine.slice(share);
          if (excess.length > 0)
            await tx.query(
              `update ${s}.partition_leases set owner = null
                where group_name = $1 and owner = $2 and partition = any($3::integer[])`,
              [request.group, request.owner, excess],
            );
          await tx.query(
            `update ${s}.partition_leases set expires_at = $3::timestamptz
              where group_name = $1 and owner = $2`,
            [request.group, request.owner, until(request)],
          );
          // Free rows, and rows whose lease ended. SKIP LOCKED passes over a row whose old owner still
          // has a fenced commit in flight (FOR SHARE): it is taken at a later balance, after that commit.
          const wanted = share - Math.min(mine.length, share);
          if (wanted > 0)
            await tx.query(
              `update ${s}.partition_leases l set owner = $2, token = l.token + 1, expires_at = $4::timestamptz
                 from (select partition from ${s}.partition_leases
                        where group_name = $1 and (owner is null or expires_at <= $3::timestamptz)
                        order by partition limit $5 for update skip locked) free
                where l.group_name = $1 and l.partition = free.partition`,
              [request.group, request.owner, request.now, until(request), wanted],
            );
          const rows = await tx.query(
            `select ${LEASE_COLUMNS} from ${s}.partition_leases where group_name = $1 and owner = $2 order by partition`,
            [request.group, request.owner],
          );
          return rows.map((row) => toLease(request.group, row));
        }),
      ),

    holds: (group, partition, owner, token) =>
      checkedCall('holds', holdsProblem(group, partition, owner, token), async () => {
        const rows = await executor.query(
          `select 1 from ${s}.partition_leases
            where group_name = $1 and partition = $2 and owner = $3 and token = $4::bigint`,
          [group, partition, owner, String(token)],
        );
        return rows.length === 1;
      }),

    release: (group, owner) =>
      checkedCall('release', idProblem(group, 'group') ?? idProblem(owner, 'owner'), () =>
        executor.transaction(async (tx) => {
          await tx.query(`select 1 from ${s}.lease_groups where group_name = $1 for update`, [group]);
          await lockOwnRows(tx, group, owner);
          await tx.query(`delete from ${s}.lease_members where group_name = $1 and owner = $2`, [group, owner]);
          await tx.query(`update ${s}.partition_leases set owner = null where group_name = $1 and owner = $2`, [
            group,
            owner,
          ]);
        }),
      ),

    leases: (group) =>
      checkedCall('leases', idProblem(group, 'group'), async () => {
        const rows = await executor.query(
          `select ${LEASE_COLUMNS} from ${s}.partition_leases
            where group_name = $1 and owner is not null order by partition`,
          [group],
        );
        return rows.map((row) => toLease(group, row));
      }),
  };
};
