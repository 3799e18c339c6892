import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { createCommandHandler, createInMemoryEventStore, type HandlerError } from '@ordersource/core';
import { decodeOrderCommand } from './commands.js';
import { orderDecider } from './decider.js';
import { OrderEventCodec, OrderEventDecoder, orderStreamId } from './events.js';
import { actors, eur, sampleCheckout } from './examples.js';
import { decodeOrderEnvelope } from './policies/reactor-base.js';

/**
 * Input from outside goes through decodeOrderCommand, then the command
 * handler. A malformed command is rejected with the field and the rule, and
 * nothing reaches the store.
 */
const T0 = '2026-11-24T10:00:00Z';
const metadata = { commandId: 'cmd-1', actor: actors.customer, at: T0 };

const submit = async (input: unknown) => {
  const store = createInMemoryEventStore();
  const handler = createCommandHandler({ store, decider: orderDecider, decodeEnvelope: decodeOrderEnvelope });
  const decoded = decodeOrderCommand(input);
  const result: E.Either<HandlerError, unknown> = E.isLeft(decoded)
    ? decoded
    : await handler.handle(orderStreamId('o-1'), decoded.right);
  const stored = [];
  for await (const envelope of store.readAll()) stored.push(envelope);
  return { result, stored };
};

const issues = (result: E.Either<HandlerError, unknown>) =>
  E.isLeft(result) && result.left.kind === 'validation' ? result.left.issues.map((i) => `${i.path}: ${i.rule}`) : [];

const placeOrder = (data: unknown) => ({ type: 'PlaceOrder', data, metadata });

describe('bad input at the boundary (ORD-1)', () => {
  it('ORD-1: a good checkout goes through and is appended', async () => {
    const { result, stored } = await submit(placeOrder(sampleCheckout()));
    expect(E.isRight(result)).toBe(true);
    expect(stored.map((s) => s.event.type)).toEqual(['OrderPlaced', 'PaymentRequested']);
  });

  it('ORD-1: a negative quantity is rejected naming the field and rule; nothing is appended', async () => {
    const data = sampleCheckout();
    const { result, stored } = await submit(placeOrder({ ...data, lines: [{ ...data.lines[0], qty: -1 }] }));
    expect(issues(result)).toEqual(['data.lines.0.qty: PositiveInteger']);
    expect(stored).toEqual([]);
  });

  it('ORD-1: float money, an unknown currency and a missing field are each named', async () => {
    const data = sampleCheckout();
    const { result, stored } = await submit(
      placeOrder({
        ...data,
        shippingFee: { amount: 4.99, currency: 'EUR' },
        discount: { amount: 0, currency: 'EURO' },
        customer: undefined,
      }),
    );
    expect(issues(result)).toEqual(
      expect.arrayContaining([
        'data.shippingFee.amount: SafeInteger',
        'data.discount.currency: Currency(ISO 4217)',
        'data.customer: Customer',
      ]),
    );
    expect(stored).toEqual([]);
  });

  it('ORD-1: totals that do not add up are rejected at total.amount with the rule', async () => {
    const { result, stored } = await submit(placeOrder({ ...sampleCheckout(), total: eur(9999) }));
    expect(issues(result)).toEqual(['data.total.amount: total = subtotal + shippingFee - discount (2100)']);
    expect(stored).toEqual([]);
  });

  it('issue 8.6: a checkout whose arithmetic leaves the safe integer range is refused, naming the field', async () => {
    const data = sampleCheckout();
    const big = 2 ** 53 - 1;
    const { result, stored } = await submit(
      placeOrder({
        ...data,
        lines: [{ ...data.lines[0], qty: 1, unitPrice: eur(big) }],
        subtotal: eur(big),
        shippingFee: eur(2),
        discount: eur(2),
        total: eur(big - 1),
      }),
    );
    expect(issues(result)).toEqual(['data.shippingFee: subtotal + shippingFee within the safe integer range']);
    expect(stored).toEqual([]);
  });

  it('ORD-1: mixed currencies are rejected per field', async () => {
    const data = sampleCheckout();
    const { result, stored } = await submit(
      placeOrder({
        ...data,
        lines: [data.lines[0], { ...data.lines[1], unitPrice: { amount: 900, currency: 'USD' } }],
      }),
    );
    expect(issues(result)).toEqual(['data.lines.1.unitPrice.currency: same currency as total (EUR)']);
    expect(stored).toEqual([]);
  });

  it('an unknown command type or missing metadata is rejected', async () => {
    expect(issues((await submit({ type: 'DeleteEverything', data: {}, metadata })).result)).toEqual([
      'type: OrderCommandType',
    ]);
    const noMeta = await submit({ type: 'LockOrder', data: { reason: 'x' } });
    expect(issues(noMeta.result)).toEqual(['metadata: CommandMetadata']);
    expect(noMeta.stored).toEqual([]);
  });

  it('a negative refund and a zero capture are out of range', () => {
    const refund = decodeOrderCommand({
      type: 'RefundPayment',
      data: { paymentId: 'p', refundId: 'r', amount: eur(-5) },
      metadata,
    });
    expect(issues(refund)).toEqual(['data.amount.amount: PositiveInteger']);
    const capture = decodeOrderCommand({ type: 'CapturePayment', data: { paymentId: 'p', amount: eur(0) }, metadata });
    expect(issues(capture)).toEqual(['data.amount.amount: PositiveInteger']);
  });

  it('a business refusal from the decider appends nothing either', async () => {
    const store = createInMemoryEventStore();
    const handler = createCommandHandler({ store, decider: orderDecider, decodeEnvelope: decodeOrderEnvelope });
    const ship = decodeOrderCommand({
      type: 'ShipOrder',
      data: { shipmentId: 's1' },
      metadata: { ...metadata, actor: actors.admin },
    });
    if (E.isLeft(ship)) throw new Error(ship.left.message);
    const result = await handler.handle(orderStreamId('o-1'), ship.right);
    expect(E.isLeft(result) && result.left.kind === 'domain' && result.left.code).toBe('order-not-found');
    expect(await store.streamVersion(orderStreamId('o-1'))).toBe(-1);
  });

  it('a stored event that does not match its schema is reported with stream, version and field, never skipped', () => {
    const envelope = (event: unknown) => ({
      event: event as { type: string; data: unknown },
      eventId: 'e1',
      streamId: orderStreamId('o-1'),
      streamVersion: 3,
      globalPosition: '4',
      occurredAt: T0,
      recordedAt: T0,
      actor: actors.admin,
      schemaVersion: 1,
    });
    const bad = decodeOrderEnvelope(envelope({ type: 'OrderLocked', data: { at: 'yesterday', reason: 'x' } }));
    expect(E.isLeft(bad) && bad.left.message).toContain('stream "order-o-1" version 3');
    expect(issues(bad)).toEqual(['data.at: IsoInstant']);
    expect(issues(decodeOrderEnvelope(envelope({ type: 'OrderVanished', data: {} })))).toEqual([
      'type: OrderEventType',
    ]);
    const good = { type: 'OrderLocked', data: { at: T0, reason: 'closing receipt issued' } };
    expect(OrderEventDecoder.decode(good)).toEqual(OrderEventCodec.decode(good));
  });
});
