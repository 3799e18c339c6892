import type { LeaseRequest, LeaseStore, PartitionLease } from './partition-leases.js';
import { argumentProblem, idProblem } from './store-arguments.js';
import { checkedCall, holdsProblem, leaseRequestProblem, runtimeStoreRefusal } from './runtime-store-checks.js';

/**
 * Partition leases in memory, for tests and for several workers in one
 * process. Time comes only from the requests (`now`), never from a clock.
 *
 * Each partition is one row: its owner (or none), the instant its lease
 * ends, and a token that grows by one whenever the row passes to a new
 * owner. A row is taken only when free or past its end, so two owners never
 * hold it at once; renewing a row one still owns keeps its token.
 */
type Row = { owner: string | undefined; token: number; untilMs: number };
type Group = { partitions: number; members: Map<string, number>; rows: Row[] };

/**
 * Each live member's fair share of K partitions: K / n each, the remainder
 * going to the first members in id order, so every member computes the same
 * targets from the same membership and the group settles (2, 1, 1 for K = 4
 * over three members, never 2, 2, 0).
 */
export const fairShare = (partitions: number, members: readonly string[], owner: string): number => {
  const sorted = [...new Set(members)].sort();
  const index = sorted.indexOf(owner);
  if (index < 0) return 0;
  const base = Math.floor(partitions / sorted.length);
  return base + (index < partitions % sorted.length ? 1 : 0);
};

export const createInMemoryLeaseStore = (): LeaseStore => {
  const groups = new Map<string, Group>();

  const groupFor = (request: LeaseRequest): Group | string => {
    const found = groups.get(request.group);
    if (found === undefined) {
      const rows = Array.from({ length: request.partitions }, (): Row => ({ owner: undefined, token: 0, untilMs: 0 }));
      const group: Group = { partitions: request.partitions, members: new Map(), rows };
      groups.set(request.group, group);
      return group;
    }
    if (found.partitions !== request.partitions)
      return `must be ${found.partitions} for group ${JSON.stringify(request.group)} (fixed for the group's lifetime), got ${request.partitions}`;
    return found;
  };

  const liveMembers = (group: Group, nowMs: number): string[] => {
    for (const [owner, untilMs] of group.members) if (untilMs <= nowMs) group.members.delete(owner);
    return [...group.members.keys()].sort();
  };

  const leaseOf = (groupName: string, partition: number, row: Row): PartitionLease => ({
    group: groupName,
    partition,
    owner: row.owner ?? '',
    token: row.token,
    expiresAt: new Date(row.untilMs).toISOString(),
  });

  const withGroup = <T>(
    method: 'heartbeat' | 'balance',
    request: LeaseRequest,
    body: (group: Group, nowMs: number) => T,
  ): Promise<T> =>
    checkedCall(method, leaseRequestProblem(request), () => {
      const group = groupFor(request);
      if (typeof group === 'string')
        return Promise.reject(runtimeStoreRefusal(method, argumentProblem('request.partitions', 'range', group)));
      return Promise.resolve(body(group, Date.parse(request.now)));
    });

  return {
    heartbeat: (request) =>
      withGroup('heartbeat', request, (group, nowMs) => {
        group.members.set(request.owner, nowMs + request.ttlMs);
        return liveMembers(group, nowMs);
      }),

    balance: (request) =>
      withGroup('balance', request, (group, nowMs) => {
        const members = liveMembers(group, nowMs);
        const share = fairShare(group.partitions, [...members, request.owner], request.owner);
        const untilMs = nowMs + request.ttlMs;
        const mine = group.rows.flatMap((row, partition) => (row.owner === request.owner ? [partition] : []));
        // Over the share: give up the highest partitions (a joining member takes them next).
        for (const partition of mine.slice(share)) {
          const row = group.rows[partition];
          if (row !== undefined) row.owner = undefined;
        }
        let held = Math.min(mine.length, share);
        for (const partition of mine.slice(0, share)) {
          const row = group.rows[partition];
          if (row !== undefined) row.untilMs = untilMs;
        }
        // Under the share: take free rows and rows whose lease ended, lowest first.
        for (const row of group.rows) {
          if (held >= share) break;
          if (row.owner === request.owner) continue;
          if (row.owner !== undefined && row.untilMs > nowMs) continue;
          row.owner = request.owner;
          row.token += 1;
          row.untilMs = untilMs;
          held += 1;
        }
        return group.rows.flatMap((row, partition) =>
          row.owner === request.owner ? [leaseOf(request.group, partition, row)] : [],
        );
      }),

    holds: (groupName, partition, owner, token) =>
      checkedCall('holds', holdsProblem(groupName, partition, owner, token), () => {
        const row = groups.get(groupName)?.rows[partition];
        return Promise.resolve(row !== undefined && row.owner === owner && row.token === token);
      }),

    release: (groupName, owner) =>
      checkedCall('release', idProblem(groupName, 'group') ?? idProblem(owner, 'owner'), () => {
        const group = groups.get(groupName);
        if (group !== undefined) {
          group.members.delete(owner);
          for (const row of group.rows) if (row.owner === owner) row.owner = undefined;
        }
        return Promise.resolve();
      }),

    leases: (groupName) =>
      checkedCall('leases', idProblem(groupName, 'group'), () => {
        const group = groups.get(groupName);
        return Promise.resolve(
          group === undefined
            ? []
            : group.rows.flatMap((row, partition) =>
                row.owner === undefined ? [] : [leaseOf(groupName, partition, row)],
              ),
        );
      }),
  };
};
