import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCommandHandler,
  createInMemoryEventStore,
  type CommandHandler,
  type EventStore,
  type HandlerError,
} from '@ordersource/core';
import {
  decodeOrderEnvelope,
  orderDecider,
  orderExamples,
  orderStreamId,
  type OrderCommand,
  type OrderEvent,
  type OrderState,
} from '@ordersource/domain';
import { createPostgresEventStore, type PostgresEventStore } from './event-store.js';
import { createPgExecutor } from './executor/pg.js';
import type { SqlExecutor } from './executor/types.js';
import { migrate } from './schema.js';
import { collect } from './test-support/fixtures.js';
import { probeServer, testSchema } from './test-support/server.js';

/**
 * Issue 8.2: two app servers over one store. B has the order cached; A
 * authorizes and captures its payment. A re-delivery of A's capture to B must
 * be a duplicate (not `nothing-to-capture`), and a refund on B must be
 * accepted (not `nothing-to-refund`): B's cache is behind, the stream is not.
 */
const { command, sampleCheckout, paymentMethods, actors, eur } = orderExamples;
const T = (minute: number): string => `2026-11-24T10:${String(minute).padStart(2, '0')}:00Z`;

type Orders = CommandHandler<OrderCommand, OrderEvent, OrderState>;
const ordersOn = (store: EventStore): Orders =>
  createCommandHandler({ store, decider: orderDecider, decodeEnvelope: decodeOrderEnvelope });

const right = <A>(result: E.Either<HandlerError, A>): A => {
  if (E.isLeft(result)) {
    const { left } = result;
    throw new Error(`expected success, got ${left.kind === 'domain' ? left.code : left.kind}: ${left.message}`);
  }
  return result.right;
};

/** The scenario's commands, for one order: paid by a card captured by hand, so capture is a separate step. */
const scenario = (orderId: string) => {
  const checkout = sampleCheckout({ orderId, paymentMethod: paymentMethods.cardManual });
  return {
    streamId: orderStreamId(orderId),
    place: command('PlaceOrder', checkout, T(0), actors.customer),
    authorize: command('AuthorizePayment', { paymentId: 'pay-1', amount: checkout.total }, T(1), actors.provider),
    capture: command('CapturePayment', { paymentId: 'pay-1' }, T(2)),
    refund: command('RefundPayment', { refundId: 'r-1', amount: eur(500), reason: 'damaged' }, T(3)),
  };
};

const typesIn = async (store: EventStore, streamId: string): Promise<string[]> =>
  (await collect(store.read(streamId))).map((envelope) => envelope.event.type);

describe('issue 8.2 on the in-memory store: two handlers, one with a stale cache', () => {
  it('the re-delivered capture is a duplicate and the refund is accepted on the handler that was behind', async () => {
    const store = createInMemoryEventStore();
    const [a, b] = [ordersOn(store), ordersOn(store)];
    const s = scenario('o-mem');
    right(await b.handle(s.streamId, s.place)); // B has the order cached
    right(await a.handle(s.streamId, s.authorize));
    const captured = right(await a.handle(s.streamId, s.capture));
    expect(captured.events.map((e) => e.type)).toEqual(['PaymentCaptured']);

    const again = right(await b.handle(s.streamId, s.capture));
    expect(again).toMatchObject({ duplicate: true, events: captured.events, version: captured.version });
    const refunded = right(await b.handle(s.streamId, s.refund));
    expect(refunded.events.map((e) => e.type)).toContain('PaymentRefunded');
    expect((await typesIn(store, s.streamId)).filter((type) => type === 'PaymentCaptured')).toHaveLength(1);
  });
});

const server = await probeServer('two command handlers in two processes');
const child = fileURLToPath(new URL('./test-support/order-handler-process.ts', import.meta.url));
const root = fileURLToPath(new URL('../../../', import.meta.url));

type Outcome = { commandId: string; refused?: string; duplicate?: boolean; version?: number; events?: unknown[] };

/** Run commands in a second process (another app server) and collect its outcomes. */
const inOtherProcess = (schema: string, streamId: string, commands: readonly OrderCommand[]): Promise<Outcome[]> =>
  new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', child], {
      cwd: root,
      env: {
        ...process.env,
        ORDERSOURCE_PG_URL: server.url,
        HANDLER_SCHEMA: schema,
        HANDLER_STREAM: streamId,
        HANDLER_COMMANDS: JSON.stringify(commands),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
    proc.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    proc.once('error', reject);
    proc.once('exit', (code) => {
      if (code !== 0) reject(new Error(`second server exited with ${code}: ${stderr}`));
      else
        resolve(
          stdout
            .trim()
            .split('\n')
            .map((line) => JSON.parse(line) as Outcome),
        );
    });
  });

describe.skipIf(server.skip)('issue 8.2 on PostgreSQL: two app servers in two processes', () => {
  const schema = testSchema();
  let executor: SqlExecutor;
  let store: PostgresEventStore;

  beforeAll(async () => {
    executor = createPgExecutor({ connectionString: server.url!, max: 2 });
    await migrate(executor, schema);
    store = await createPostgresEventStore(executor, { schema, migrate: false });
  });
  afterAll(async () => {
    await store?.close();
    await executor?.query(`drop schema if exists "${schema}" cascade`);
    await executor?.close();
  });

  it('B (this process) has the order cached; A (another process) authorizes and captures', async () => {
    const b = ordersOn(store);
    const s = scenario('o-pg');
    right(await b.handle(s.streamId, s.place));

    const [authorized, captured] = await inOtherProcess(schema, s.streamId, [s.authorize, s.capture]);
    expect(authorized).toMatchObject({ duplicate: false });
    expect(captured).toMatchObject({ duplicate: false, events: [{ type: 'PaymentCaptured' }] });
    const capturedAt = captured!.version!;

    // The capture delivered again, now to B: the first outcome, nothing appended.
    const again = right(await b.handle(s.streamId, s.capture));
    expect(again).toMatchObject({ duplicate: true, version: capturedAt });
    expect(JSON.parse(JSON.stringify(again.events))).toEqual(captured!.events);
    // A refund on B: accepted, on the payment A captured.
    const refunded = right(await b.handle(s.streamId, s.refund));
    expect(refunded).toMatchObject({ duplicate: false });
    expect(refunded.version).toBeGreaterThan(capturedAt);
    expect(refunded.events.map((e) => e.type)).toContain('PaymentRefunded');

    // And A's side of the same rule: B's refund delivered to A again is a duplicate there.
    const [refundAgain] = await inOtherProcess(schema, s.streamId, [s.refund]);
    expect(refundAgain).toMatchObject({ duplicate: true, version: refunded.version });
    const types = await typesIn(store, s.streamId);
    expect(types.filter((type) => type === 'PaymentCaptured')).toHaveLength(1);
    expect(types.filter((type) => type === 'PaymentRefunded')).toHaveLength(1);
  }, 60_000);
});
