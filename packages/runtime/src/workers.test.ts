import {
  createInMemoryCheckpointStore,
  createInMemoryEventStore,
  type CheckpointStore,
  type Envelope,
} from '@ordersource/core';
import { orderStreamId } from '@ordersource/domain';
import { describe, expect, it } from 'vitest';
import { createVirtualClock } from './clock.js';
import type { ShopReactor } from './reactors.js';
import { createShop } from './shop.js';
import { checkoutData, customer, provider, raw, rub } from './test-support/orders.js';

const START = '2026-11-01T10:00:00.000Z';

const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('always-on workers (issue 11)', () => {
  it('a poison event is retried with backoff, then parked for that reactor alone; others and later events go on; retry redelivers it', async () => {
    let broken = true;
    const seen: string[] = [];
    // A reactor that fails on every event of order o-bad while `broken`.
    const picky: ShopReactor = {
      name: 'test.picky',
      filter: { streamPrefix: 'order-', eventTypes: ['OrderPlaced'] },
      react: (envelope: Envelope) => {
        if (broken && envelope.streamId === orderStreamId('o-bad')) throw new Error('cannot handle o-bad');
        seen.push(envelope.streamId);
        return [];
      },
    };
    const clock = createVirtualClock(START);
    const shop = createShop({
      store: createInMemoryEventStore(),
      clock,
      retry: { attempts: 3, baseMs: 1, maxMs: 4 },
      reactors: (defaults) => [...defaults, picky],
    });
    await shop.execute(orderStreamId('o-bad'), raw('PlaceOrder', checkoutData('o-bad'), customer, START));
    await shop.execute(
      orderStreamId('o-good'),
      raw('PlaceOrder', checkoutData('o-good', { orderNumber: 'SO-2' }), customer, START),
    );
    const report = await shop.runUntilIdle();

    expect(report.parked).toMatchObject([{ consumer: 'test.picky', streamId: orderStreamId('o-bad'), attempts: 3 }]);
    // The later event went on; the other reactors handled o-bad (the guest customer was recorded from it).
    expect(seen).toEqual([orderStreamId('o-good')]);
    expect(
      report.commands.some((c) => c.reactor === 'customers.guest-from-order' && c.type === 'RecordCustomerOrder'),
    ).toBe(true);
    expect((await shop.queries.customer('cust-olga'))?.orders.map((o) => o.orderId).sort()).toEqual([
      'o-bad',
      'o-good',
    ]);

    // Visible: in the parked store and in health, as stuck work.
    const parked = await shop.parked.list('test.picky');
    expect(parked).toHaveLength(1);
    const health = await shop.health();
    expect(health.status).toBe('degraded');
    expect(health.stuck.map((s) => s.what)).toEqual([`parked event ${parked[0]?.eventId} for test.picky`]);
    expect(health.consumers.find((c) => c.name === 'test.picky')).toMatchObject({ parked: 1, lag: 0 });

    // Fixed, then retried: the next pass hands it over again.
    broken = false;
    expect(await shop.parked.retry('test.picky', parked[0]?.eventId ?? '')).toBe(true);
    await shop.runUntilIdle();
    expect(seen).toEqual([orderStreamId('o-good'), orderStreamId('o-bad')]);
    expect(await shop.parked.list('test.picky')).toEqual([]);
    expect((await shop.health()).stuck).toEqual([]);
  });

  it('start() catches up, then follows new commands; stop() drains within its bound; health reports lag', async () => {
    const store = createInMemoryEventStore();
    // Written before the shop starts: the workers catch up on it.
    const early = createShop({ store });
    await early.execute(orderStreamId('o-1'), raw('PlaceOrder', checkoutData('o-1'), customer, START));

    const shop = createShop({ store, pollMs: 20 });
    const idle = await shop.health();
    expect(idle.running).toBe(false);
    expect(idle.consumers.find((c) => c.name === 'order.notify-new-order')?.lag).toBe(1);
    shop.start();
    await until(
      'the guest customer from the first order',
      async () => (await shop.queries.customer('cust-olga')) !== undefined,
    );

    await shop.execute(
      orderStreamId('o-1'),
      raw('AuthorizePayment', { paymentId: 'o-1-pay', amount: rub(7000) }, provider, START),
    );
    await until(
      'the policies to confirm the order',
      async () => (await shop.queries.order('o-1'))?.state.status === 'confirmed',
    );
    const running = await shop.health();
    expect(running.running).toBe(true);
    expect(running.status).toBe('ok');
    expect(running.consumers.filter((c) => c.kind === 'reactor').every((c) => c.lag === 0)).toBe(true);

    const stopped = await shop.stop({ timeoutMs: 5_000 });
    expect(stopped.drained).toBe(true);
    expect((await shop.health()).status).toBe('stopped');
    // Stopped workers take no new work: a capture now stays unread by the receipts reactor.
    await shop.execute(orderStreamId('o-1'), raw('CapturePayment', { paymentId: 'o-1-pay' }, provider, START));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const health = await shop.health();
    // The capture's two events: the receipts reactor reads every order event (issue 18).
    expect(health.consumers.find((c) => c.name === 'receipts.from-order-events')?.lag).toBe(2);
    expect((await shop.queries.order('o-1'))?.receipts).toEqual([]);
  });

  it('stop() lets the event in hand finish within its bound and reports when the bound ran out', async () => {
    let release: () => void = () => undefined;
    const started: string[] = [];
    const finished: string[] = [];
    const slow: ShopReactor = {
      name: 'test.slow',
      filter: { streamPrefix: 'order-', eventTypes: ['OrderPlaced'] },
      react: async (envelope: Envelope) => {
        started.push(envelope.streamId);
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        finished.push(envelope.streamId);
        return [];
      },
    };
    const store = createInMemoryEventStore();
    const shop = createShop({ store, pollMs: 10, reactors: () => [slow] });
    await shop.execute(orderStreamId('o-1'), raw('PlaceOrder', checkoutData('o-1'), customer, START));
    await shop.execute(
      orderStreamId('o-2'),
      raw('PlaceOrder', checkoutData('o-2', { orderNumber: 'SO-2' }), customer, START),
    );
    shop.start();
    await until('the slow reactor to take the first event', () => Promise.resolve(started.length === 1));
    // The bound runs out while the event is still in hand.
    const cut = await shop.stop({ timeoutMs: 50 });
    expect(cut.drained).toBe(false);
    // It finishes the event in hand, saves its checkpoint, and takes no other.
    release();
    await until('the event in hand to finish', () => Promise.resolve(finished.length === 1));
    const done = await shop.stop({ timeoutMs: 2_000 });
    expect(done.drained).toBe(true);
    expect(started).toEqual([orderStreamId('o-1')]);
    const health = await shop.health();
    expect(health.consumers.find((c) => c.name === 'test.slow')).toMatchObject({ processed: 1, lag: 1 });
  });

  it("a crash between a reactor's command and its checkpoint redelivers the event; the command comes back a duplicate, nothing is appended twice", async () => {
    const inner = createInMemoryCheckpointStore();
    let crashes = 1;
    // The process "dies" right after the auto-confirm policy's ConfirmOrder was appended, before its checkpoint.
    const checkpoints: CheckpointStore = {
      load: (name) => inner.load(name),
      reset: (name) => inner.reset(name),
      save: (name, checkpoint) => {
        if (name === 'order.auto-confirm' && crashes-- > 0)
          return Promise.reject(new Error('killed before the checkpoint'));
        return inner.save(name, checkpoint);
      },
    };
    const store = createInMemoryEventStore();
    const first = createShop({ store, checkpoints });
    await first.execute(orderStreamId('o-1'), raw('PlaceOrder', checkoutData('o-1'), customer, START));
    await first.execute(
      orderStreamId('o-1'),
      raw('AuthorizePayment', { paymentId: 'o-1-pay', amount: rub(7000) }, provider, START),
    );
    await expect(first.runUntilIdle()).rejects.toThrow('killed before the checkpoint');

    // A new process over the same store and checkpoints: the event comes again, the command is absorbed.
    const second = createShop({ store, checkpoints });
    const report = await second.runUntilIdle();
    const confirm = report.commands.filter((c) => c.reactor === 'order.auto-confirm');
    expect(confirm).toMatchObject([{ type: 'ConfirmOrder', duplicate: true }]);
    let confirmed = 0;
    for await (const e of store.read(orderStreamId('o-1'))) if (e.event.type === 'OrderConfirmed') confirmed++;
    expect(confirmed).toBe(1);
  });

  it('a pass saves its checkpoint once at its end, not once per event (issue 18), and a new process starts after it', async () => {
    const inner = createInMemoryCheckpointStore();
    const saves = new Map<string, number>();
    const checkpoints: CheckpointStore = {
      load: (name) => inner.load(name),
      reset: (name) => inner.reset(name),
      save: (name, checkpoint) => {
        saves.set(name, (saves.get(name) ?? 0) + 1);
        return inner.save(name, checkpoint);
      },
    };
    const store = createInMemoryEventStore();
    const seen: string[] = [];
    const counter: ShopReactor = {
      name: 'test.counter',
      filter: { streamPrefix: 'order-' },
      react: (envelope: Envelope) => {
        seen.push(envelope.eventId);
        return [];
      },
    };
    const shop = createShop({ store, checkpoints, reactors: () => [counter] });
    for (const id of ['o-1', 'o-2', 'o-3'])
      await shop.execute(
        orderStreamId(id),
        raw('PlaceOrder', checkoutData(id, { orderNumber: `SO-${id}` }), customer, START),
      );
    await shop.runUntilIdle();
    expect(seen.length).toBeGreaterThanOrEqual(3);
    // One pass read every event: one save, not one per event.
    expect(saves.get('test.counter')).toBe(1);
    const again = createShop({ store, checkpoints, reactors: () => [counter] });
    const before = seen.length;
    await again.runUntilIdle();
    expect(seen.length).toBe(before);
  });
});
