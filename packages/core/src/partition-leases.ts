import { derivedId } from './ids.js';

/**
 * Scale-out by partition: every stream id hashes into one of K partitions,
 * and a worker processes a reactor's or projection's events only for the
 * partitions it holds a lease on. A lease carries a fencing token that grows
 * with every change of owner, so a worker that lost its lease (paused, cut
 * off) cannot commit work after the new owner started: writes check the token.
 */
export type PartitionLease = Readonly<{
  /** The group sharing the work ("reactors", "projection:orders"). */
  group: string;
  partition: number;
  owner: string;
  /** Grows each time the partition changes owner. */
  token: number;
  /** ISO-8601; the lease is free after this unless renewed. */
  expiresAt: string;
}>;

export type LeaseRequest = Readonly<{
  group: string;
  owner: string;
  /** Partitions in the group (K); fixed for the group's lifetime. */
  partitions: number;
  /** ISO-8601 "now" of the caller (a virtual clock in tests). */
  now: string;
  ttlMs: number;
}>;

export interface LeaseStore {
  /** Announce `owner` as alive in `group` until `now + ttlMs` (membership for rebalancing). */
  heartbeat(request: LeaseRequest): Promise<readonly string[]>;
  /**
   * Renew the leases `owner` holds and take free or expired partitions up to
   * its fair share; release the excess when over it. The share is K / live
   * members (the caller counts as live), the remainder going to the first
   * members in id order, so every member computes the same targets.
   * Returns the leases held after the call.
   */
  balance(request: LeaseRequest): Promise<readonly PartitionLease[]>;
  /** Is `token` still the current token of `owner` on the partition? */
  holds(group: string, partition: number, owner: string, token: number): Promise<boolean>;
  /** Give up every lease of `owner` in `group` (graceful stop). */
  release(group: string, owner: string): Promise<void>;
  /** All leases of a group, for `health()` and tests. */
  leases(group: string): Promise<readonly PartitionLease[]>;
}

/** The partition of a stream: stable across processes and versions (a uuid v5 prefix, not a JS hash). */
export const partitionOf = (streamId: string, partitions: number): number =>
  Number.parseInt(derivedId('partition', streamId).slice(0, 8), 16) % partitions;
