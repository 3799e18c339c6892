import * as E from 'fp-ts/lib/Either.js';
import { produce, type Draft } from 'immer';
import type { Checkpoint, Envelope } from './envelope.js';
import type { ValidationError } from './errors.js';
import type { EventFilter, EventStore, Subscription } from './event-store.js';
import type { Event } from './message.js';
import { createLiveModel } from './live-model.js';
import type { EnvelopeDecoder } from './upcast.js';

/**
 * A projection is a pure fold over envelopes into a read model. Like a
 * decider's `evolve`, `evolve` mutates an immer draft. `project` folds with
 * one `produce`; the runner folds in place (`createLiveModel`): the model's
 * top-level records stay the same objects and each entry a batch touched is
 * replaced by a frozen copy, so a fold costs what it touches, not what the
 * model holds (issue 18).
 */
export type Projection<S, E extends Event = Event> = Readonly<{
  name: string;
  initialState: S;
  evolve: (draft: Draft<S>, envelope: Envelope<E>) => void;
  /** Decodes (and upcasts) stored events; envelopes that do not match `filter` are never passed. */
  decode: EnvelopeDecoder<E>;
  filter?: EventFilter;
}>;

/** Fold envelopes into a projection's state (pure; for tests and time travel). */
export const project = <S, E extends Event>(
  projection: Projection<S, E>,
  envelopes: Iterable<Envelope<E>>,
  from: S = projection.initialState,
): S =>
  produce<S>(from, (draft) => {
    for (const envelope of envelopes) projection.evolve(draft, envelope);
  });

export type ProjectionProgress = Readonly<{ name: string; processed: number; checkpoint: Checkpoint | undefined }>;

export type ProjectionRunnerOptions = Readonly<{
  /** Events applied per `produce` during catch-up (default 1,000). */
  batchSize?: number;
  onProgress?: (progress: ProjectionProgress) => void;
}>;

export type ProjectionRunner<S> = Readonly<{
  /** The read model as of `checkpoint()`: live records of frozen entries (read it, do not keep it across awaits). */
  state: () => S;
  checkpoint: () => Checkpoint | undefined;
  /** Apply everything committed so far; resolves with the number of events applied. */
  catchUp: () => Promise<E.Either<ValidationError, number>>;
  /** Catch up, then follow new events live until `stop`. */
  follow: () => Subscription;
  /** Throw the model away and fold the whole log again. */
  rebuild: () => Promise<E.Either<ValidationError, number>>;
}>;

/** An in-memory projection runner: the read model lives in this process. */
export const createProjectionRunner = <S, E extends Event>(
  store: EventStore,
  projection: Projection<S, E>,
  options: ProjectionRunnerOptions = {},
): ProjectionRunner<S> => {
  const batchSize = options.batchSize ?? 1_000;
  let live = createLiveModel(projection.initialState);
  let checkpoint: Checkpoint | undefined;
  let processed = 0;

  const applyBatch = (batch: readonly Envelope<E>[]): void => {
    if (batch.length === 0) return;
    live.update((draft) => {
      for (const envelope of batch) projection.evolve(draft, envelope);
    });
    processed += batch.length;
  };

  const catchUp = async (): Promise<E.Either<ValidationError, number>> => {
    const start = processed;
    let batch: Envelope<E>[] = [];
    for await (const raw of store.readAll(checkpoint, projection.filter)) {
      const decoded = projection.decode(raw);
      if (E.isLeft(decoded)) {
        applyBatch(batch);
        return decoded;
      }
      batch.push(decoded.right);
      if (batch.length >= batchSize) {
        applyBatch(batch);
        checkpoint = raw.globalPosition;
        batch = [];
        options.onProgress?.({ name: projection.name, processed, checkpoint });
      }
      checkpoint = raw.globalPosition;
    }
    applyBatch(batch);
    options.onProgress?.({ name: projection.name, processed, checkpoint });
    return E.right(processed - start);
  };

  const follow = (): Subscription =>
    store.subscribe(
      checkpoint,
      (raw) => {
        const decoded = projection.decode(raw);
        if (E.isLeft(decoded)) throw new Error(decoded.left.message);
        applyBatch([decoded.right]);
        checkpoint = raw.globalPosition;
      },
      projection.filter,
    );

  return {
    state: () => live.view(),
    checkpoint: () => checkpoint,
    catchUp,
    follow,
    rebuild: async () => {
      live = createLiveModel(projection.initialState);
      checkpoint = undefined;
      processed = 0;
      return catchUp();
    },
  };
};
