import type { Checkpoint } from './envelope.js';

/**
 * Where projections and reactors remember how far they got. Storage adapters
 * provide durable ones (PostgreSQL commits the checkpoint with the read model).
 */
export interface CheckpointStore {
  load(name: string): Promise<Checkpoint | undefined>;
  save(name: string, checkpoint: Checkpoint): Promise<void>;
  reset(name: string): Promise<void>;
}

export const createInMemoryCheckpointStore = (): CheckpointStore => {
  const checkpoints = new Map<string, Checkpoint>();
  return {
    load: (name) => Promise.resolve(checkpoints.get(name)),
    save: (name, checkpoint) => {
      checkpoints.set(name, checkpoint);
      return Promise.resolve();
    },
    reset: (name) => {
      checkpoints.delete(name);
      return Promise.resolve();
    },
  };
};
