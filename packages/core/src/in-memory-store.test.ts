// The kit lives in @ordersource/testing, which depends on core; core cannot
// declare it back (a dependency cycle breaks `pnpm -r build` ordering), so the
// kernel's own tests reach the kit's source by path.
import { eventStoreContract } from '../../testing/src/index.js';
import { createInMemoryEventStore } from './in-memory-store.js';

eventStoreContract('in-memory', () => Promise.resolve({ store: createInMemoryEventStore() }));
