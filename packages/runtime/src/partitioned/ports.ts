import type {
  Checkpoint,
  Clock,
  Command,
  Effect,
  Envelope,
  EnvelopeDecoder,
  Event,
  EventFilter,
  EventStore,
  LeaseStore,
  ParkedStore,
  PartitionLease,
  Reactor,
} from '@ordersource/core';

/**
 * Scale-out by partition (issue 11): many worker processes share the
 * reactors and projections. Every stream id hashes into one of K partitions
 * (`partitionOf`); a worker leases partitions from a `LeaseStore` and
 * processes only their events, with a checkpoint per (consumer, partition).
 * Storage comes through `PartitionStore` (on PostgreSQL:
 * `createPostgresPartitionStore`), whose `commit` writes a batch's work and
 * checkpoints in one transaction that checks the lease tokens.
 */
export type PartitionFence = Readonly<{ group: string; partition: number; owner: string; token: number }>;

export type PartitionCheckpoint = Readonly<{ consumer: string; partition: number; checkpoint: Checkpoint }>;

export type PartitionStore<Tx> = Readonly<{
  leases: LeaseStore;
  loadCheckpoints: (consumer: string, partitions: readonly number[]) => Promise<ReadonlyMap<number, Checkpoint>>;
  /** Check the fences, run `body`, save the checkpoints, atomically; false (nothing written) when a fence was lost. */
  commit: (
    fences: readonly PartitionFence[],
    checkpoints: readonly PartitionCheckpoint[],
    body: (tx: Tx) => Promise<void>,
  ) => Promise<boolean>;
  compare: (a: Checkpoint | undefined, b: Checkpoint | undefined) => number;
}>;

/**
 * A projection whose writes go through the store's transaction (a
 * PostgreSQL `SqlProjection` fits as is): exactly once per event, since
 * its rows and its partition checkpoint commit together, under the fence.
 */
export type PartitionedProjection<Tx, E extends Event = Event> = Readonly<{
  name: string;
  filter?: EventFilter;
  decode?: EnvelopeDecoder<E>;
  handle: (tx: Tx, envelope: Envelope<E>) => Promise<void>;
}>;

/**
 * A reactor and where its effects go: at least once, each command with the
 * id derived from (reactor, event, index), so a batch re-run by the next
 * owner of a partition emits the same ids and the handler absorbs them. The
 * checkpoint moves after every effect of the batch succeeded.
 */
export type PartitionedReactor<E extends Event = Event, C extends Command = Command, N = unknown> = Readonly<{
  reactor: Reactor<E, C, N>;
  dispatch: (effect: Effect<C, N>) => Promise<void>;
}>;

// Lists of consumers over different event types: each element is checked where it is written.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyPartitionedProjection<Tx> = PartitionedProjection<Tx, any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyPartitionedReactor = PartitionedReactor<any, any, any>;

/** What a worker reports when its set of partitions changes (for logs, metrics and tests). */
export type OwnershipChange = Readonly<{
  owner: string;
  at: string;
  gained: readonly number[];
  lost: readonly number[];
  leases: readonly PartitionLease[];
}>;

export type PartitionedWorkerOptions<Tx> = Readonly<{
  store: EventStore;
  partitions: PartitionStore<Tx>;
  /** This worker's id, unique among live workers (host and pid, a pod name). */
  owner: string;
  /** The lease group the workers share (default "workers"). */
  group?: string;
  /** K, fixed for the group's lifetime (default 16). More partitions than workers lets them rebalance finely. */
  partitionCount?: number;
  /** How long a lease holds without renewal: a dead worker's partitions move within it (default 10 s). */
  leaseMs?: number;
  /** How often the worker heartbeats and rebalances (default a quarter of leaseMs). */
  balanceEveryMs?: number;
  projections?: readonly AnyPartitionedProjection<Tx>[];
  reactors?: readonly AnyPartitionedReactor[];
  /** Events read per batch (default 500). */
  batchSize?: number;
  /** Waits for new events (a PostgreSQL store's `waitForEvents`); default the clock's sleep. */
  waitForEvents?: (timeoutMs: number) => Promise<void>;
  /** Idle wait between polls (default 250 ms). */
  idleMs?: number;
  clock?: Clock;
  /** A failing batch is retried with backoff; a reactor's event is parked after this many attempts (default 5). */
  maxAttempts?: number;
  /** Delay before attempt n + 1 (default 100 ms doubling, at most 5 s). */
  backoffMs?: (attempt: number) => number;
  /** Where a reactor's poison events go; without it the worker keeps retrying them. */
  parked?: ParkedStore;
  /** How long `stop` waits for in-flight batches before it releases the leases anyway (default 10 s). */
  stopTimeoutMs?: number;
  onOwnership?: (change: OwnershipChange) => void;
  onError?: (error: unknown, where: string) => void;
}>;

export type PartitionedWorkerStatus = Readonly<{
  owner: string;
  running: boolean;
  leases: readonly PartitionLease[];
  /** Per consumer: events applied (projections) or reacted to (reactors) by this worker. */
  processed: Readonly<Record<string, number>>;
  /** Fenced commits refused because the lease had moved on. */
  fencedOff: number;
}>;

export type PartitionedWorker = Readonly<{
  /** Join the group (first balance), then run every consumer until `stop`. */
  start: () => Promise<void>;
  /** Finish in-flight batches (within `stopTimeoutMs`), then release every lease so others take over at once. */
  stop: () => Promise<void>;
  status: () => PartitionedWorkerStatus;
}>;
