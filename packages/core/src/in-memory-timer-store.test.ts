// The kit is reached by path: core cannot depend on @ordersource/testing (a cycle).
import { timerStoreContract } from '../../testing/src/contract/timer-store-contract.js';
import { createInMemoryTimerStore } from './in-memory-timer-store.js';

timerStoreContract('in-memory', () => Promise.resolve({ store: createInMemoryTimerStore() }), { lawRuns: 300 });
