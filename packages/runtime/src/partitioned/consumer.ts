import * as E from 'fp-ts/lib/Either.js';
import { partitionOf, type Checkpoint, type Envelope, type EventFilter, type PartitionLease } from '@ordersource/core';
import type { AnyPartitionedProjection, AnyPartitionedReactor, PartitionFence, PartitionStore } from './ports.js';

/**
 * One consumer (a projection or a reactor) on the partitions this worker
 * holds. A step reads one batch of the log ONCE from the lowest checkpoint
 * of the held partitions, keeps the events of held partitions that are past
 * that partition's own checkpoint, applies them in log order, and moves
 * every held partition's checkpoint to the end of the batch, in one fenced
 * commit. Partitions taken over from a worker that died start from their own
 * checkpoints, so nothing is skipped and nothing applied twice.
 */
export type ConsumerKind = 'projection' | 'reactor';

export type Consumer = Readonly<{
  name: string;
  kind: ConsumerKind;
  filter: EventFilter | undefined;
}>;

export type StepOutcome = Readonly<{
  /** Events of held partitions applied (or reacted to). */
  applied: number;
  /** The batch was full: more is waiting. */
  more: boolean;
  /** A fence failed: the worker lost a partition and must rebalance now. */
  fenced: boolean;
}>;

export type StepContext<Tx> = Readonly<{
  store: Readonly<{
    readAll: (after?: Checkpoint, options?: EventFilter & { limit?: number }) => AsyncIterable<Envelope>;
  }>;
  partitions: PartitionStore<Tx>;
  group: string;
  owner: string;
  partitionCount: number;
  batchSize: number;
  /** The leases this worker holds now, by partition. */
  held: () => ReadonlyMap<number, PartitionLease>;
  /** Deliver one reactor event's effects (with the worker's retry and parking). */
  react: (consumer: AnyPartitionedReactor, envelope: Envelope) => Promise<void>;
}>;

export type ConsumerState = {
  /** Checkpoints of held partitions; a partition missing here is loaded before the next step. */
  readonly checkpoints: Map<number, Checkpoint | undefined>;
  /** The token each checkpoint was loaded under: a new token (the partition came back) reloads it. */
  readonly tokens: Map<number, number>;
};

export const newConsumerState = (): ConsumerState => ({ checkpoints: new Map(), tokens: new Map() });

const decodeFor = (projection: AnyPartitionedProjection<unknown>, raw: Envelope): Envelope => {
  if (projection.decode === undefined) return raw;
  const decoded = projection.decode(raw);
  if (E.isLeft(decoded))
    throw new Error(
      `projection ${projection.name}: event ${raw.eventId} of stream ${JSON.stringify(raw.streamId)} does not decode: ${decoded.left.message}`,
    );
  return decoded.right;
};

/** Forget partitions no longer held, load the checkpoints of partitions newly held (or held again). */
const sync = async <Tx>(
  context: StepContext<Tx>,
  name: string,
  state: ConsumerState,
  held: ReadonlyMap<number, PartitionLease>,
) => {
  for (const partition of [...state.checkpoints.keys()])
    if (held.get(partition)?.token !== state.tokens.get(partition)) {
      state.checkpoints.delete(partition);
      state.tokens.delete(partition);
    }
  const missing = [...held.keys()].filter((partition) => !state.tokens.has(partition));
  if (missing.length === 0) return;
  const loaded = await context.partitions.loadCheckpoints(name, missing);
  for (const partition of missing) {
    state.checkpoints.set(partition, loaded.get(partition));
    state.tokens.set(partition, held.get(partition)?.token ?? 0);
  }
};

export const step = async <Tx>(
  context: StepContext<Tx>,
  consumer: Readonly<{ projection: AnyPartitionedProjection<Tx> } | { reactor: AnyPartitionedReactor }>,
  state: ConsumerState,
): Promise<StepOutcome> => {
  const held = context.held();
  const name = 'projection' in consumer ? consumer.projection.name : consumer.reactor.reactor.name;
  const filter = 'projection' in consumer ? consumer.projection.filter : consumer.reactor.reactor.filter;
  await sync(context, name, state, held);
  if (state.checkpoints.size === 0) return { applied: 0, more: false, fenced: false };

  let from: Checkpoint | undefined;
  let first = true;
  for (const checkpoint of state.checkpoints.values()) {
    if (first || context.partitions.compare(checkpoint, from) < 0) from = checkpoint;
    first = false;
  }
  // A worker holding h of K partitions keeps about h / K of what it reads: read K / h times more,
  // so each fenced commit still carries about batchSize events of its own.
  const limit = context.batchSize * Math.ceil(context.partitionCount / state.checkpoints.size);
  const batch: Envelope[] = [];
  for await (const envelope of context.store.readAll(from, { ...filter, limit })) batch.push(envelope);
  const last = batch.at(-1)?.globalPosition;
  if (last === undefined) return { applied: 0, more: false, fenced: false };

  // Events of held partitions past their partition's checkpoint, in log order.
  const mine = batch.filter((envelope) => {
    const partition = partitionOf(envelope.streamId, context.partitionCount);
    return (
      state.checkpoints.has(partition) &&
      context.partitions.compare(envelope.globalPosition, state.checkpoints.get(partition)) > 0
    );
  });
  const behind = [...state.checkpoints].filter(([, checkpoint]) => context.partitions.compare(checkpoint, last) < 0);
  const fences: PartitionFence[] = behind.map(([partition]) => ({
    group: context.group,
    partition,
    owner: context.owner,
    token: state.tokens.get(partition) ?? 0,
  }));
  const checkpoints = behind.map(([partition]) => ({ consumer: name, partition, checkpoint: last }));

  let committed: boolean;
  if ('projection' in consumer) {
    const projection = consumer.projection;
    committed = await context.partitions.commit(fences, checkpoints, async (tx) => {
      for (const envelope of mine)
        await projection.handle(tx, decodeFor(projection as AnyPartitionedProjection<unknown>, envelope));
    });
  } else {
    // Effects first, checkpoint after: a crash in between re-runs the batch with the same command ids.
    let lost = false;
    for (const envelope of mine) {
      const lease = held.get(partitionOf(envelope.streamId, context.partitionCount));
      // A balance in between gave the partition up: stop here, its next owner re-runs the batch.
      if (lease === undefined || context.held().get(lease.partition)?.token !== lease.token) {
        lost = true;
        break;
      }
      await context.react(consumer.reactor, envelope);
    }
    committed = !lost && (await context.partitions.commit(fences, checkpoints, () => Promise.resolve()));
  }
  if (!committed) {
    // Some partition moved on: forget every checkpoint; the next step reloads those still held.
    state.checkpoints.clear();
    state.tokens.clear();
    return { applied: 0, more: true, fenced: true };
  }
  for (const [partition] of behind) state.checkpoints.set(partition, last);
  return { applied: mine.length, more: batch.length >= limit, fenced: false };
};
