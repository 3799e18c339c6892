import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { timerId, type Envelope } from '@ordersource/core';
import type { OrderCommand } from './commands.js';
import { decodeOrderCommand } from './commands.js';
import { orderDecider } from './decider.js';
import { HOLD_END_KEY, orderDue } from './due.js';
import { orderStreamId, type OrderEvent } from './events.js';
import { actors, command, eur, paymentMethods, sampleCheckout } from './examples.js';
import { customerOrder } from './projections/customer-orders.js';
import { historyEntry } from './projections/status-history.js';
import { refusal, run, types } from './test-support/decide.js';

const T0 = '2026-11-24T10:00:00Z';
const T1 = '2026-11-24T10:05:00Z';
const UNTIL = '2026-11-25T10:00:00Z';
const AFTER = '2026-11-25T10:00:01Z';
const LINK_EXPIRY = '2026-11-24T22:00:00Z';
const AUTH_EXPIRY = '2026-12-01T10:00:00Z';

/** A timer's command as the runtime sends it: the planned type and data, at the planned time. */
const fire = (due: { command: { type: string; data: unknown } }, at: string): OrderCommand =>
  ({ ...due.command, metadata: { commandId: `timer-${at}`, actor: actors.system, at } }) as OrderCommand;

/** A paid order under ORD-7's 24-hour review hold. */
const heldOrder = () =>
  run([
    command('PlaceOrder', sampleCheckout({ lines: sampleCheckout().lines.slice(0, 1) }), T0, actors.customer),
    command('RecordSale', { paymentId: 'pay-1', amount: eur(1200) }, T1, actors.provider),
    command('ConfirmOrder', {}, T1, actors.system),
    command('HoldFulfillment', { reason: 'fraud review: ip_country_differs_from_billing', until: UNTIL }, T1),
  ]);

describe('ORD-7: a timed hold ends (issue 10.1)', () => {
  it('ORD-7: the plan holds the hold’s end as EndTimedHold at `until`; a hand release drops it', () => {
    const { state, events } = heldOrder();
    expect(orderDue(state)).toEqual([
      { key: HOLD_END_KEY, at: UNTIL, command: { type: 'EndTimedHold', data: { until: UNTIL } } },
    ]);
    const released = run([command('ReleaseFulfillmentHold', {}, T1)], events).state;
    expect(orderDue(released)).toEqual([]);
    // The planned command decodes at the boundary as it stands (the runtime may store and decode it).
    const planned = orderDue(state)[0];
    expect(planned && E.isRight(decodeOrderCommand(fire(planned, UNTIL)))).toBe(true);
  });

  it('ORD-7: EndTimedHold records the end at `until`, is refused before it, and absorbs a second firing', () => {
    const { events } = heldOrder();
    expect(refusal(events, command('EndTimedHold', { until: UNTIL }, T1, actors.system))).toBe('hold-in-force');
    const ended = run([command('EndTimedHold', { until: UNTIL }, UNTIL, actors.system)], events);
    expect(ended.events.at(-1)).toEqual({
      type: 'FulfillmentHoldReleased',
      data: { at: UNTIL, note: `hold ended at ${UNTIL}`, heldUntil: UNTIL },
    });
    expect(ended.state.fulfillment.status).toBe('unfulfilled');
    const again = orderDecider.decide(command('EndTimedHold', { until: UNTIL }, AFTER, actors.system), ended.state);
    expect(again).toEqual(E.right([]));
    // A timer for a hold that was replaced by another one changes nothing.
    const replaced = run(
      [command('ReleaseFulfillmentHold', {}, T1), command('HoldFulfillment', { reason: 'stock loss' }, T1)],
      events,
    );
    expect(
      orderDecider.decide(command('EndTimedHold', { until: UNTIL }, AFTER, actors.system), replaced.state),
    ).toEqual(E.right([]));
  });

  it('ORD-7: after `until` every command sees the hold ended: MarkProcessed, a new manual hold, the Pixpa picker', () => {
    const { events } = heldOrder();
    const processed = run([command('MarkProcessed', {}, AFTER)], events);
    expect(types(processed.events).slice(-2)).toEqual(['FulfillmentHoldReleased', 'FulfillmentProcessed']);
    const stockLoss = run([command('HoldFulfillment', { reason: 'stock loss' }, AFTER)], events);
    expect(stockLoss.state.fulfillment.hold).toMatchObject({ reason: 'stock loss', resumeTo: 'unfulfilled' });
    expect(stockLoss.state.fulfillment.hold?.until).toBeUndefined();
    const picker = run([command('ProcessOrder', { status: 'Traitée', fulfillmentStatus: 'processed' }, AFTER)], events);
    expect(picker.state.fulfillment.status).toBe('processed');
    // Before `until` the same commands still meet the hold.
    expect(refusal(events, command('MarkProcessed', {}, T1))).toBe('invalid-fulfillment-transition');
  });

  it('ORD-7: a timed hold already over when it arrives holds nothing', () => {
    const { events } = heldOrder();
    const released = run([command('ReleaseFulfillmentHold', {}, T1)], events);
    const late = orderDecider.decide(
      command('HoldFulfillment', { reason: 'fraud review', until: T0 }, T1, actors.system),
      released.state,
    );
    expect(late).toEqual(E.right([]));
  });

  it('ORD-7: the customer sees a fraud review as processing, never as on hold; a manual hold she sees', () => {
    const { state } = heldOrder();
    const model = { orders: { 'o-1': state } };
    expect(state.fulfillment.status).toBe('on_hold');
    expect(customerOrder(model, actors.customer, 'o-1')?.fulfillmentStatus).toBe('processed');
    const manual = run([command('HoldFulfillment', { reason: 'stock loss' }, T1)], heldOrder().events.slice(0, -1));
    expect(customerOrder({ orders: { 'o-1': manual.state } }, actors.customer, 'o-1')?.fulfillmentStatus).toBe(
      'on_hold',
    );
  });
});

describe('payment expiry timers (PAY-1, PAY-3, issue 9.2)', () => {
  const linked = () =>
    run([
      command('PlaceOrder', sampleCheckout({ paymentMethod: paymentMethods.cardManual }), T0, actors.customer),
      command('VoidPayment', { paymentId: 'pay-1' }, T1),
      command(
        'RequestPayment',
        {
          paymentId: 'link-1',
          amount: eur(1900),
          method: paymentMethods.cardManual,
          channel: 'telegram',
          expiresAt: LINK_EXPIRY,
        },
        T1,
      ),
    ]);

  it('PAY-3: an open link is planned to expire at its expiresAt; the timer expires it once', () => {
    const { state, events } = linked();
    const plan = orderDue(state);
    expect(plan).toEqual([
      {
        key: 'payment-link-expiry:link-1',
        at: LINK_EXPIRY,
        command: { type: 'ExpirePayment', data: { paymentId: 'link-1', dueAt: LINK_EXPIRY } },
      },
    ]);
    const [due] = plan;
    if (due === undefined) throw new Error('planned');
    expect(refusal(events, fire(due, T1))).toBe('not-expired-yet');
    const expired = run([fire(due, LINK_EXPIRY)], events);
    expect(expired.events.at(-1)?.type).toBe('PaymentExpired');
    expect(orderDue(expired.state)).toEqual([]);
    expect(orderDecider.decide(fire(due, LINK_EXPIRY), expired.state)).toEqual(E.right([]));
  });

  it('PAY-1: once authorized the authorization’s expiry replaces the link’s; the stale link timer changes nothing', () => {
    const { events } = linked();
    const authorized = run(
      [
        command(
          'AuthorizePayment',
          { paymentId: 'link-1', amount: eur(1900), expiresAt: AUTH_EXPIRY },
          T1,
          actors.provider,
        ),
      ],
      events,
    );
    expect(orderDue(authorized.state).map((d) => [d.key, d.at])).toEqual([
      ['authorization-expiry:link-1', AUTH_EXPIRY],
    ]);
    const stale = fire(
      { command: { type: 'ExpirePayment', data: { paymentId: 'link-1', dueAt: LINK_EXPIRY } } },
      AFTER,
    );
    expect(orderDecider.decide(stale, authorized.state)).toEqual(E.right([]));
    // Captured in time: nothing is left to expire.
    const captured = run([command('CapturePayment', { paymentId: 'link-1' }, T1, actors.provider)], authorized.events);
    expect(orderDue(captured.state)).toEqual([]);
  });

  it('a discarded order plans nothing and absorbs a timer that was already on its way', () => {
    const { events, state } = linked();
    const discarded = run([command('DiscardOrder', { reason: 'stale' }, T1)], events);
    expect(orderDue(discarded.state)).toEqual([]);
    const [due] = orderDue(state);
    if (due === undefined) throw new Error('planned');
    expect(orderDecider.decide(fire(due, LINK_EXPIRY), discarded.state)).toEqual(E.right([]));
  });

  it('the timer id of a plan entry is stable, so a timer fired twice is one command', () => {
    const { state } = linked();
    const [due] = orderDue(state);
    if (due === undefined) throw new Error('planned');
    expect(timerId(orderStreamId('o-1'), due)).toBe(timerId(orderStreamId('o-1'), { ...due }));
    expect(orderDecider.due).toBe(orderDue);
  });
});

describe('RecordNotificationFailed (issue 12, NOT-3)', () => {
  const failed = {
    notificationId: 'n-7',
    channel: 'email',
    template: 'status-update',
    recipient: 'lan@example.com',
    reason: '550 mailbox unavailable',
    audience: 'customer',
    attempts: 5,
  } as const;

  it('NOT-3: a final failure is recorded, changes nothing else, and shows in the history', () => {
    const { events, state } = heldOrder();
    const after = run([command('RecordNotificationFailed', failed, T1, actors.system)], events);
    const event = after.events.at(-1) as OrderEvent;
    expect(event).toEqual({ type: 'NotificationFailed', data: { at: T1, ...failed } });
    expect(after.state).toEqual({ ...state, usedIds: state.usedIds });
    const envelope: Envelope<OrderEvent> = {
      event,
      eventId: 'e-1',
      streamId: orderStreamId('o-1'),
      streamVersion: 9,
      globalPosition: '9',
      occurredAt: T1,
      recordedAt: T1,
      actor: actors.system,
      schemaVersion: 1,
    };
    expect(historyEntry(envelope)).toMatchObject({
      event: 'NotificationFailed',
      status: 'notification failed: email to lan@example.com (status-update): 550 mailbox unavailable',
      email: false,
      sms: false,
    });
  });

  it('NOT-3: never refused for an existing order, also a cancelled one; unknown fields are refused at the boundary', () => {
    const cancelled = run([
      command('PlaceOrder', sampleCheckout(), T0, actors.customer),
      command('CancelOrder', { reason: 'changed my mind' }, T1, actors.customer),
    ]);
    expect(refusal(cancelled.events, command('RecordNotificationFailed', failed, T1, actors.system))).toBeUndefined();
    const decoded = decodeOrderCommand({
      type: 'RecordNotificationFailed',
      data: { ...failed, password: 'x' },
      metadata: { commandId: 'c', actor: actors.system, at: T1 },
    });
    expect(E.isLeft(decoded) && JSON.stringify(decoded.left)).toContain('password');
  });
});
