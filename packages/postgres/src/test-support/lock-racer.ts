import { createInterface } from 'node:readline';
import { isStoreError } from '../errors.js';
import { createPostgresEventStore } from '../event-store.js';
import { lockDataDir, type DataDirLock } from '../executor/data-dir-lock.js';
import { createPgliteExecutor } from '../executor/pglite.js';
import { newEvent } from './fixtures.js';

/**
 * Child process of data-dir-lock.test.ts. It reads one JSON command a line
 * and answers with one JSON line, so that one long-lived process serves many
 * trials (starting node and tsx per trial would take longer than the race).
 *
 * - `{ op: 'lock', dir, at }`: wait until the clock reads `at` (all racers
 *   start in the same millisecond), take the lock, answer whether it is held.
 * - `{ op: 'release' }`: release a held lock.
 * - `{ op: 'write', dir, at, writeMs, stream }`: open a PGlite store in `dir`
 *   at `at`, append one event per call to `stream` for `writeMs`, close, and
 *   answer how many appends were acknowledged.
 */
type Command =
  | Readonly<{ op: 'lock'; dir: string; at: number }>
  | Readonly<{ op: 'release' }>
  | Readonly<{ op: 'write'; dir: string; at: number; writeMs: number; stream: string }>;

const answer = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

const refusal = (error: unknown) =>
  isStoreError(error)
    ? { held: false, kind: error.kind, message: error.message }
    : { held: false, error: String(error) };

// Busy-wait: a timer would wake each racer at a slightly different moment.
const waitUntil = (at: number) => {
  while (Date.now() < at);
};

let held: DataDirLock | undefined;

const run = async (command: Command): Promise<void> => {
  switch (command.op) {
    case 'lock': {
      waitUntil(command.at);
      try {
        held = await lockDataDir(command.dir);
        answer({ held: true });
      } catch (error) {
        answer(refusal(error));
      }
      return;
    }
    case 'release': {
      await held?.release();
      held = undefined;
      answer({ released: true });
      return;
    }
    case 'write': {
      waitUntil(command.at);
      let executor;
      try {
        executor = await createPgliteExecutor({ dataDir: command.dir });
      } catch (error) {
        answer(refusal(error));
        return;
      }
      const store = await createPostgresEventStore(executor, { schema: 'racers' });
      const until = Date.now() + command.writeMs;
      let acked = 0;
      while (Date.now() < until) {
        const result = await store.append(command.stream, [newEvent('Written', { n: acked })], 'any');
        if (result._tag === 'Right') acked++;
      }
      await store.close();
      await executor.close();
      answer({ held: true, acked });
      return;
    }
  }
};

const lines = createInterface({ input: process.stdin });
let queue = Promise.resolve();
lines.on('line', (line) => {
  queue = queue.then(() => run(JSON.parse(line) as Command));
});
lines.on('close', () => {
  void queue.then(() => held?.release()).then(() => process.exit(0));
});
answer({ ready: true });
