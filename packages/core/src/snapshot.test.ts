// The kit is reached by path: core cannot depend on @ordersource/testing (a cycle).
import { snapshotStoreContract } from '../../testing/src/index.js';
import { createInMemorySnapshotStore } from './snapshot.js';

snapshotStoreContract('in-memory', () => Promise.resolve({ store: createInMemorySnapshotStore<unknown>() }));
