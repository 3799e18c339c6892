import { effectsOf, newId, type Envelope, type PartitionLease } from '@ordersource/core';
import { systemClock } from '../clock.js';
import { newConsumerState, step, type ConsumerState } from './consumer.js';
import type {
  AnyPartitionedProjection,
  AnyPartitionedReactor,
  PartitionedWorker,
  PartitionedWorkerOptions,
  PartitionedWorkerStatus,
} from './ports.js';

/**
 * A worker of a partitioned group (issue 11, scale-out). Every
 * `balanceEveryMs` it heartbeats and balances: it renews its leases, takes
 * free or expired partitions up to its fair share and gives up the excess,
 * so a joining worker gets partitions within one round and a dead worker's
 * partitions move once its leases end (within one lease period). Each
 * consumer runs its own loop over the partitions held; a fenced commit that
 * fails (the lease moved on) drops the partition at once and rebalances.
 * `stop` lets in-flight batches finish, then releases every lease.
 */
const defaultBackoff = (attempt: number): number => Math.min(100 * 2 ** (attempt - 1), 5_000);

type Runner = Readonly<{
  name: string;
  consumer: Readonly<{ projection: AnyPartitionedProjection<never> } | { reactor: AnyPartitionedReactor }>;
  state: ConsumerState;
}>;

export const createPartitionedWorker = <Tx>(options: PartitionedWorkerOptions<Tx>): PartitionedWorker => {
  const group = options.group ?? 'workers';
  const partitionCount = options.partitionCount ?? 16;
  const leaseMs = options.leaseMs ?? 10_000;
  const balanceEveryMs = options.balanceEveryMs ?? Math.max(1, Math.floor(leaseMs / 4));
  const batchSize = options.batchSize ?? 500;
  const idleMs = options.idleMs ?? 250;
  const clock = options.clock ?? systemClock;
  const maxAttempts = options.maxAttempts ?? 5;
  const backoffMs = options.backoffMs ?? defaultBackoff;
  const stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
  const onError = options.onError ?? ((error, where) => console.error(`[ordersource partitioned ${where}]`, error));
  const wait = options.waitForEvents ?? ((ms: number) => clock.sleep(ms));
  const { leases } = options.partitions;

  let held = new Map<number, PartitionLease>();
  let running = false;
  let stopping = false;
  let fencedOff = 0;
  const processed: Record<string, number> = {};
  const loops: Promise<void>[] = [];
  let balancing: Promise<void> | undefined;
  let wakeBalancer: (() => void) | undefined;

  const runners: Runner[] = [
    ...(options.projections ?? []).map((projection): Runner => ({
      name: projection.name,
      consumer: { projection },
      state: newConsumerState(),
    })),
    ...(options.reactors ?? []).map((reactor): Runner => ({
      name: reactor.reactor.name,
      consumer: { reactor },
      state: newConsumerState(),
    })),
  ];
  for (const runner of runners) processed[runner.name] = 0;

  const request = () => ({ group, owner: options.owner, partitions: partitionCount, now: clock.now(), ttlMs: leaseMs });

  const balance = async (): Promise<void> => {
    await leases.heartbeat(request());
    const now = await leases.balance(request());
    const next = new Map(now.map((lease) => [lease.partition, lease]));
    const gained = now.filter((lease) => held.get(lease.partition)?.token !== lease.token).map((l) => l.partition);
    const lost = [...held.values()]
      .filter((lease) => next.get(lease.partition)?.token !== lease.token)
      .map((lease) => lease.partition);
    held = next;
    if (gained.length > 0 || lost.length > 0)
      options.onOwnership?.({ owner: options.owner, at: clock.now(), gained, lost, leases: now });
  };

  /** Balance now (coalesced with a balance in flight). */
  const balanceNow = (): Promise<void> =>
    (balancing ??= balance()
      .catch((error: unknown) => onError(error, 'balance'))
      .finally(() => {
        balancing = undefined;
      }));

  const balancer = async (): Promise<void> => {
    while (!stopping) {
      await new Promise<void>((resolve) => {
        wakeBalancer = resolve;
        void clock.sleep(balanceEveryMs).then(resolve);
      });
      wakeBalancer = undefined;
      if (stopping) return;
      await balanceNow();
      // Leases this worker could not renew in time are not worked on (their next owner may be at it).
      const nowMs = Date.parse(clock.now());
      for (const [partition, lease] of held) if (Date.parse(lease.expiresAt) <= nowMs) held.delete(partition);
    }
  };

  /** A reactor event: every effect, retried with backoff; after maxAttempts parked (when a ParkedStore is given). */
  const react = async (consumer: AnyPartitionedReactor, envelope: Envelope): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        const decoded = consumer.reactor.decode(envelope);
        if (decoded._tag === 'Left') throw new Error(`reactor ${consumer.reactor.name}: ${decoded.left.message}`);
        for (const effect of effectsOf(consumer.reactor, decoded.right)) await consumer.dispatch(effect);
        return;
      } catch (error) {
        onError(error, `reactor ${consumer.reactor.name}`);
        if (attempt >= maxAttempts && options.parked !== undefined) {
          await options.parked.park(consumer.reactor.name, envelope, attempt, String(error), clock.now());
          return;
        }
        if (stopping) throw error;
        await clock.sleep(backoffMs(attempt));
      }
    }
  };

  const context = {
    store: options.store,
    partitions: options.partitions,
    group,
    owner: options.owner,
    partitionCount,
    batchSize,
    held: () => held,
    react,
  };

  const loop = async (runner: Runner): Promise<void> => {
    let failures = 0;
    while (!stopping) {
      try {
        const outcome = await step(context, runner.consumer as never, runner.state);
        failures = 0;
        processed[runner.name] = (processed[runner.name] ?? 0) + outcome.applied;
        if (outcome.fenced) {
          fencedOff += 1;
          await balanceNow();
          continue;
        }
        if (!outcome.more) await wait(idleMs);
      } catch (error) {
        // The batch rolled back (or its effects will be re-sent with the same ids): try again later.
        failures += 1;
        onError(error, runner.name);
        runner.state.checkpoints.clear();
        runner.state.tokens.clear();
        if (!stopping) await clock.sleep(backoffMs(failures));
      }
    }
  };

  const status = (): PartitionedWorkerStatus => ({
    owner: options.owner,
    running,
    leases: [...held.values()].sort((a, b) => a.partition - b.partition),
    processed: { ...processed },
    fencedOff,
  });

  return {
    start: async () => {
      if (running) return;
      running = true;
      stopping = false;
      await balanceNow();
      loops.push(balancer(), ...runners.map(loop));
    },
    stop: async () => {
      if (!running) return;
      stopping = true;
      wakeBalancer?.();
      // Wall time, not the clock's: the bound is for the operator, and its timer must not outlive stop.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const bound = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, stopTimeoutMs);
      });
      await Promise.race([Promise.all(loops), bound]);
      clearTimeout(timer);
      loops.length = 0;
      const lost = [...held.keys()].sort((a, b) => a - b);
      held = new Map();
      await leases.release(group, options.owner);
      running = false;
      options.onOwnership?.({ owner: options.owner, at: clock.now(), gained: [], lost, leases: [] });
    },
    status,
  };
};

/** A worker id unique per process start: host-ish prefix plus a fresh uuid. */
export const workerId = (prefix: string): string => `${prefix}-${newId()}`;
