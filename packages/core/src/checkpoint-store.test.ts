// The kit is reached by path: core cannot depend on @ordersource/testing (a cycle).
import { checkpointStoreContract } from '../../testing/src/index.js';
import { createInMemoryCheckpointStore } from './checkpoint-store.js';

checkpointStoreContract('in-memory', () => Promise.resolve({ store: createInMemoryCheckpointStore() }));
