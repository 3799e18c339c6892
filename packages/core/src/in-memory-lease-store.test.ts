// The kit is reached by path: core cannot depend on @ordersource/testing (a cycle).
import { leaseStoreContract } from '../../testing/src/contract/lease-store-contract.js';
import { createInMemoryLeaseStore } from './in-memory-lease-store.js';

leaseStoreContract('in-memory', () => Promise.resolve({ store: createInMemoryLeaseStore() }), { lawRuns: 500 });
