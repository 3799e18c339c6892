import type { Checkpoint, LeaseStore } from '@ordersource/core';
import { saveCheckpoint } from './checkpoint-store.js';
import type { PostgresEventStore } from './event-store.js';
import type { SqlQueryable } from './executor/types.js';
import { quoteIdent } from './identifiers.js';
import { createPostgresLeaseStore, fencePartition } from './lease-store.js';
import { comparePositions, parsePosition } from './position.js';

/**
 * What a partitioned worker (issue 11, scale-out) needs from PostgreSQL: the
 * lease store, a checkpoint per (consumer, partition), and fenced commits.
 * `commit` runs the work of a batch (a projection's SQL on `tx`) and moves
 * the batch's checkpoints in ONE transaction that first checks every lease
 * it writes under (`fencePartition`, rows locked FOR SHARE): a worker that
 * lost a partition commits nothing for it, and a takeover waits for a commit
 * in flight. The worker in @ordersource/runtime uses it through this shape.
 */
export type PartitionFence = Readonly<{ group: string; partition: number; owner: string; token: number }>;

export type PartitionCheckpoint = Readonly<{ consumer: string; partition: number; checkpoint: Checkpoint }>;

export type PostgresPartitionStore = Readonly<{
  leases: LeaseStore;
  /** The saved checkpoints of `consumer` on `partitions` (absent: from the start of the log). */
  loadCheckpoints: (consumer: string, partitions: readonly number[]) => Promise<ReadonlyMap<number, Checkpoint>>;
  /**
   * Check every fence, run `body`, save `checkpoints`, all in one transaction. Resolves false, with
   * nothing written, when a fence no longer holds; rejects (rolled back) when `body` throws.
   */
  commit: (
    fences: readonly PartitionFence[],
    checkpoints: readonly PartitionCheckpoint[],
    body: (tx: SqlQueryable) => Promise<void>,
  ) => Promise<boolean>;
  /** Order of two checkpoints of this store (undefined: before every event). */
  compare: (a: Checkpoint | undefined, b: Checkpoint | undefined) => number;
}>;

/** The checkpoint row of one consumer on one partition. */
export const partitionCheckpointName = (consumer: string, partition: number): string =>
  `partition:${consumer}:${partition}`;

// Thrown inside the transaction to roll it back; never escapes `commit`.
class FenceLost extends Error {}

export type PostgresPartitionStoreOptions = Readonly<{
  /**
   * A commit whose worker stalls mid-transaction (paused, swapped out) holds its lease rows FOR
   * SHARE, so nobody can take them; the server ends such a transaction once it sat idle this long
   * (idle_in_transaction_session_timeout). Default 5 s; about one lease period is right.
   */
  stalledCommitMs?: number;
}>;

export const createPostgresPartitionStore = (
  store: PostgresEventStore,
  options: PostgresPartitionStoreOptions = {},
): PostgresPartitionStore => {
  const schema = quoteIdent(store.schema);
  const stalledCommitMs = String(Math.max(1, Math.floor(options.stalledCommitMs ?? 5_000)));
  return {
    leases: createPostgresLeaseStore(store.executor, { schema: store.schema }),
    loadCheckpoints: async (consumer, partitions) => {
      const names = partitions.map((partition) => partitionCheckpointName(consumer, partition));
      const rows = await store.executor.query(
        `select name, position from ${schema}.checkpoints where name = any($1::text[])`,
        [names],
      );
      const byName = new Map(rows.map((row) => [String(row['name']), String(row['position'])]));
      const found = new Map<number, Checkpoint>();
      for (const partition of partitions) {
        const position = byName.get(partitionCheckpointName(consumer, partition));
        if (position !== undefined) found.set(partition, position);
      }
      return found;
    },
    commit: async (fences, checkpoints, body) => {
      try {
        return await store.executor.transaction(async (tx) => {
          if (store.executor.driver === 'pg')
            await tx.query(`select set_config('idle_in_transaction_session_timeout', $1, true)`, [stalledCommitMs]);
          // In partition order, so two commits over the same partitions never lock in opposite orders.
          for (const fence of [...fences].sort((a, b) => a.partition - b.partition))
            if (!(await fencePartition(tx, store.schema, fence))) throw new FenceLost('a lease moved on');
          await body(tx);
          for (const { consumer, partition, checkpoint } of checkpoints)
            await saveCheckpoint(tx, schema, partitionCheckpointName(consumer, partition), checkpoint);
          return true;
        });
      } catch (error) {
        if (error instanceof FenceLost) return false;
        throw error;
      }
    },
    compare: (a, b) => comparePositions(parsePosition(a), parsePosition(b)),
  };
};
