// Public API of the partitioned scale-out (issue 11); the runtime package re-exports it.
export * from './ports.js';
export { createPartitionedWorker, workerId } from './worker.js';
