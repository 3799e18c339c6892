/**
 * Snapshots of long streams: the folded state at a version, tagged with the
 * state's schema version. A snapshot whose schema version differs from the
 * decider's current one is ignored (and so invalidated) on load.
 */
export type Snapshot<S> = Readonly<{
  state: S;
  version: number;
  schemaVersion: number;
  /**
   * The commandIds whose events are folded into `state`, so that a command
   * delivered again after a restart is still recognised as a duplicate. The
   * command handler ignores a snapshot without them: stores must keep them.
   */
  commandIds?: readonly string[];
}>;

export interface SnapshotStore<S> {
  load(streamId: string): Promise<Snapshot<S> | undefined>;
  save(streamId: string, snapshot: Snapshot<S>): Promise<void>;
}

export type SnapshotPolicy<S> = Readonly<{
  store: SnapshotStore<S>;
  /** Take a snapshot each time the stream crosses a multiple of this many events. */
  every: number;
  /** Bump when the state's shape changes: older snapshots are then ignored. */
  schemaVersion: number;
}>;

export const createInMemorySnapshotStore = <S>(): SnapshotStore<S> => {
  const snapshots = new Map<string, Snapshot<S>>();
  return {
    load: (streamId) => Promise.resolve(snapshots.get(streamId)),
    save: (streamId, snapshot) => {
      snapshots.set(streamId, snapshot);
      return Promise.resolve();
    },
  };
};
