// The kit is reached by path: core cannot depend on @ordersource/testing (a cycle).
import { parkedStoreContract } from '../../testing/src/contract/parked-store-contract.js';
import { createInMemoryParkedStore } from './in-memory-parked-store.js';

parkedStoreContract('in-memory', () => Promise.resolve({ store: createInMemoryParkedStore() }));
