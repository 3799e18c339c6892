import { createInMemoryEventStore, domainError, timerId, type Decider } from '@ordersource/core';
import { orderStreamId } from '@ordersource/domain';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { subscriptionStreamId } from '@ordersource/domain/subscriptions';
import {
  admin as subscriptionAdmin,
  cmd,
  owner,
  plan,
  terms,
} from '../../domain/src/subscriptions/test-support/fixtures.js';
import { createVirtualClock, days, hours, minutes } from './clock.js';
import { createShop } from './shop.js';
import { defineStreamKind } from './streams.js';
import { admin, checkoutData, customer, raw } from './test-support/orders.js';

const START = '2026-11-01T10:00:00.000Z';

/** A flagged checkout (IP country differs from the addresses): the fraud-hold policy holds it 24 hours (ORD-7). */
const flaggedShop = async () => {
  const store = createInMemoryEventStore();
  const clock = createVirtualClock(START);
  const shop = createShop({ store, clock });
  const placed = await shop.execute(
    orderStreamId('o-7'),
    raw('PlaceOrder', checkoutData('o-7', { ipCountry: 'DE' }), customer, START),
  );
  expect(E.isRight(placed)).toBe(true);
  await shop.runUntilIdle();
  return { store, clock, shop };
};

const eventsOf = async (shop: ReturnType<typeof createShop>, streamId: string) => {
  const out: { type: string; causationId: string | undefined }[] = [];
  for await (const e of shop.store.read(streamId)) out.push({ type: e.event.type, causationId: e.causationId });
  return out;
};

describe('timers on the virtual clock (issue 11)', () => {
  it('ORD-7: advance 25 hours fires the hold end once, with the timer id as the command id', async () => {
    const { shop } = await flaggedShop();
    const before = await shop.queries.order('o-7');
    expect(before?.state.fulfillment.status).toBe('on_hold');
    const hold = before?.timers.find((t) => t.key === 'hold-end');
    expect(hold).toMatchObject({ status: 'planned', at: '2026-11-02T10:00:00.000Z' });

    const early = await shop.advance(hours(23));
    expect(early.timers).toEqual([]);
    expect((await shop.queries.order('o-7'))?.state.fulfillment.status).toBe('on_hold');

    const report = await shop.advance(hours(2));
    expect(report.timers.map((t) => `${t.key}: ${t.outcome}`)).toEqual(['hold-end: fired']);
    expect(shop.clock.now()).toBe('2026-11-02T11:00:00.000Z');
    const after = await shop.queries.order('o-7');
    expect(after?.state.fulfillment.status).not.toBe('on_hold');
    const ended = (await eventsOf(shop, orderStreamId('o-7'))).filter((e) => e.causationId === hold?.id);
    expect(ended.length).toBeGreaterThan(0);
    expect(hold?.id).toBe(timerId(orderStreamId('o-7'), { key: 'hold-end', at: '2026-11-02T10:00:00.000Z' }));

    // Fired once: more time fires nothing again, and the timer is marked fired.
    const later = await shop.advance(hours(48));
    expect(later.timers.filter((t) => t.key === 'hold-end')).toEqual([]);
    expect((await shop.timers.list(orderStreamId('o-7'))).find((t) => t.key === 'hold-end')?.status).toBe('fired');
  });

  it('re-plans after a change: a hold released by hand drops its timer, nothing fires', async () => {
    const { shop } = await flaggedShop();
    const released = await shop.execute(
      orderStreamId('o-7'),
      raw('ReleaseFulfillmentHold', {}, admin, '2026-11-01T12:00:00.000Z'),
    );
    expect(E.isRight(released)).toBe(true);
    const report = await shop.advance(hours(25));
    expect(report.timers.filter((t) => t.key === 'hold-end')).toEqual([]);
    expect((await shop.timers.list(orderStreamId('o-7'))).filter((t) => t.key === 'hold-end')).toEqual([]);
  });

  it('fires each timer at its own time, and retries one whose command failed with backoff on the clock', async () => {
    type Cmd =
      | { type: 'Arm'; data: { at: readonly string[] }; metadata: never }
      | { type: 'Ring'; data: { n: number }; metadata: never };
    type Ev = { type: 'Armed'; data: { at: readonly string[] } } | { type: 'Rang'; data: { n: number; at: string } };
    type St = { at: string[]; rang: number[] };
    const alarm: Decider<Cmd, Ev, St> = {
      initialState: { at: [], rang: [] },
      decide: (command, state) => {
        if (command.type === 'Arm') return E.right([{ type: 'Armed', data: { at: command.data.at } }]);
        if (state.rang.includes(command.data.n)) return E.left(domainError('rang', 'rang already'));
        return E.right([
          {
            type: 'Rang',
            data: { n: command.data.n, at: (command as unknown as { metadata: { at: string } }).metadata.at },
          },
        ]);
      },
      evolve: (draft, event) => {
        if (event.type === 'Armed') draft.at = [...event.data.at];
        else draft.rang.push(event.data.n);
      },
      due: (state) =>
        state.at.flatMap((at, n) =>
          state.rang.includes(n) ? [] : [{ key: `ring-${n}`, at, command: { type: 'Ring', data: { n } } }],
        ),
    };
    let refuseRings = 1;
    const kind = defineStreamKind<Cmd, Ev, St>({
      category: 'alarm',
      decider: alarm,
      decodeEnvelope: (envelope) => E.right(envelope as never),
      // The first Ring fails as a broken dependency would (not a business refusal): the timer is tried again later.
      decodeCommand: (input) => {
        if ((input as { type?: string }).type === 'Ring' && refuseRings-- > 0) throw new Error('dependency down');
        return E.right(input as Cmd);
      },
    });
    const clock = createVirtualClock(START);
    const shop = createShop({
      store: createInMemoryEventStore(),
      clock,
      streams: [kind],
      retry: { baseMs: 60_000, maxMs: 60_000 },
    });
    await shop.execute('alarm-1', {
      type: 'Arm',
      data: { at: ['2026-11-01T11:00:00.000Z', '2026-11-01T13:00:00.000Z'] },
      metadata: { commandId: 'arm', actor: admin, at: START },
    });
    const report = await shop.advance(hours(2));
    // 11:00 failed, tried again a minute later (the backoff, on the clock) and rang then; 13:00 is not due yet.
    expect(report.timers.map((t) => `${t.key}: ${t.outcome}`)).toEqual(['ring-0: failed', 'ring-0: fired']);
    const more = await shop.advance(hours(2));
    expect(more.timers.map((t) => `${t.key}: ${t.outcome}`)).toEqual(['ring-1: fired']);
    const rang: string[] = [];
    for await (const e of shop.store.read('alarm-1'))
      if (e.event.type === 'Rang') rang.push((e.event.data as { at: string }).at);
    // Each fired at its own time on the way, not at the end of the advance.
    expect(rang).toEqual(['2026-11-01T11:01:00.000Z', '2026-11-01T13:00:00.000Z']);
    expect(minutes(1)).toBe(60_000);
  });

  it('SUB-2: a trial ends and the first period is invoiced when the clock passes the trial days (the subscription decider plans it)', async () => {
    const T0 = '2027-01-15T10:00:00.000Z';
    const shop = createShop({ store: createInMemoryEventStore(), clock: createVirtualClock(T0) });
    const stream = subscriptionStreamId('sub-1');
    const quoted = await shop.execute(
      stream,
      cmd(
        'CreateQuotation',
        { ...terms({ plan: plan({ trialDays: 14 }) }), quotationId: 'Q-1' },
        subscriptionAdmin,
        T0,
      ),
    );
    expect(E.isRight(quoted)).toBe(true);
    expect(E.isRight(await shop.execute(stream, cmd('ConfirmQuotation', {}, owner, T0)))).toBe(true);
    await shop.runUntilIdle();
    expect((await shop.queries.subscription('sub-1'))?.state.status).toBe('trialing');
    const early = await shop.advance(days(13));
    expect(early.timers).toEqual([]);
    const report = await shop.advance(days(2));
    expect(report.timers.map((t) => t.outcome)).toContain('fired');
    const view = await shop.queries.subscription('sub-1');
    expect(view?.state.status).toBe('in_progress');
    const types: string[] = [];
    for await (const e of shop.store.read(stream)) types.push(e.event.type);
    expect(types).toEqual(expect.arrayContaining(['TrialEnded', 'SubscriptionInvoiced']));
  });
});
