import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import {
  createCommandHandler,
  createEnvelopeDecoder,
  createInMemoryEventStore,
  type Envelope,
  type ValidationError,
} from '@ordersource/core';
import { addKeyAt, hostileThunkArb, objectPathsOf, pathsOf, replaceAt } from '@ordersource/testing';
import { decodeOrderCommand } from './order/commands.js';
import { orderDecider } from './order/decider.js';
import { orderStreamId } from './order/events.js';
import { actors, eur, paymentMethods, sampleCheckout, sampleLines } from './order/examples.js';
import { decodeOrderEnvelope } from './order/policies/reactor-base.js';
import { decodeReceiptsCommand } from './receipts/commands.js';
import { ReceiptsEventCodec } from './receipts/events.js';
import { licence, markedShoes, order7000, rub } from './receipts/scenarios.js';
import { decodeSubscriptionCommand } from './subscriptions/commands.js';

/**
 * Issue 8 (defects 3 and 5, fuzz): every public decode function of the domain,
 * given anything at all, returns a value (never throws), a Left names a
 * non-empty path per issue, an unknown key anywhere in a valid command is a
 * Left naming it, and nothing is appended on a Left.
 */

const RUNS = 1_000;
const T0 = '2026-11-24T10:00:00Z';
const metadata = { commandId: 'cmd-1', actor: actors.admin, at: T0 };
const note = { note: 'n', noteVisibleToCustomer: true, notify: { email: true, sms: false, language: 'vi' } };
const provider = { providerReference: 'ref-1', providerMessage: 'ok' };

const order = (type: string, data: unknown) => ({ type, data, metadata });

/** One valid command of every order type, with its optional fields filled in (so every nested object is reachable). */
const validOrderCommands: readonly unknown[] = [
  order('PlaceOrder', sampleCheckout()),
  order('RecordOrder', note),
  order('ConfirmOrder', note),
  order('ProcessOrder', {
    status: 'packed',
    fulfillmentStatus: 'processed',
    holdReason: 'stock',
    mailLanguage: 'vi',
    keepMailCopy: true,
    loyaltyPoints: 5,
    loyaltyPointsApproved: true,
    shipDate: T0,
    deliveryDate: T0,
    carrier: 'DHL',
    trackingReference: 'TR',
    ...note,
  }),
  order('AddOrderLine', { line: { ...sampleLines[0], lineId: 'l9', marked: true, unit: 'pc' }, ...note }),
  order('RemoveOrderLine', { lineId: 'l1' }),
  order('ChangeOrderLine', { lineId: 'l1', qty: 3, unitPrice: eur(100) }),
  order('ChangeShippingFee', { shippingFee: eur(100), discount: eur(0) }),
  order('ChangeBillingAddress', {
    address: { name: 'A', line1: 'L', city: 'C', country: 'VN', company: 'Co', line2: '', postalCode: '1' },
  }),
  order('LockOrder', { reason: 'closing receipt', receiptId: 'rc-1' }),
  order('CancelOrder', { reason: 'asked', ...note }),
  order('DiscardOrder', { reason: 'duplicate', duplicateOf: 'o-0' }),
  order('RequestPayment', {
    paymentId: 'p-2',
    amount: eur(100),
    method: paymentMethods.card,
    channel: 'telegram',
    expiresAt: T0,
    url: 'https://pay',
  }),
  order('AuthorizePayment', { paymentId: 'p-1', amount: eur(100), ...provider }),
  order('RecordSale', { paymentId: 'p-1', amount: eur(100), ...provider }),
  order('CapturePayment', { paymentId: 'p-1', amount: eur(100), final: true, ...provider }),
  order('VoidPayment', { paymentId: 'p-1', reason: 'r', ...provider }),
  order('ExpirePayment', { paymentId: 'p-1', ...provider }),
  order('FailPayment', { paymentId: 'p-1', ...provider }),
  order('ConfirmOfflinePayment', { paymentId: 'p-1', ...note }),
  order('RefundPayment', {
    refundId: 'r-1',
    paymentId: 'p-1',
    amount: eur(100),
    external: false,
    reason: 'r',
    lines: [{ lineId: 'l1', qty: 1 }],
    ...provider,
  }),
  order('CaptureOnDelivery', {}),
  order('IssueInvoice', { invoiceId: 'i-1', basis: 'ordered' }),
  order('MarkProcessed', note),
  order('HoldFulfillment', { reason: 'stock', until: T0 }),
  order('ReleaseFulfillmentHold', {}),
  order('ShipOrder', {
    shipmentId: 's-1',
    lines: [{ lineId: 'l1', qty: 1 }],
    carrier: 'DHL',
    trackingReference: 'T',
    shippedAt: T0,
    expectedDeliveryAt: T0,
  }),
  order('MarkDelivered', { shipmentId: 's-1', deliveredAt: T0 }),
  order('RecordNotificationSent', { notificationId: 'n-1', audience: 'customer', channels: ['email'], about: 'x' }),
].map((command) => JSON.parse(JSON.stringify(command)) as unknown);

const receipts = (type: string, data: unknown) => ({ type, data, metadata });
const validReceiptsCommands: readonly unknown[] = [
  receipts('ConfigureReceipts', {
    orderId: 'o-1',
    config: { closeOn: { trigger: 'date', at: T0 }, digitalSettlesOnPayment: true, advanceVat: 'vat20_120' },
  }),
  receipts('RecordComposition', { orderId: 'o-1', changeId: 'c-1', lines: [...order7000, markedShoes, licence] }),
  receipts('RecordPayment', { movementId: 'm-1', amount: rub(10), means: 'electronic', channel: 'online' }),
  receipts('RecordRefund', {
    movementId: 'm-2',
    amount: rub(10),
    means: 'cash',
    lines: [{ lineId: 'l1', quantity: 1 }],
  }),
  receipts('RecordHandover', { handoverId: 'h-1', stage: 'delivered' }),
  receipts('ReachClosingDate', { closingDate: T0 }),
  receipts('RecordRegisterResponse', {
    receiptId: 'rc-1',
    revision: 0,
    response: { status: 'accepted', fiscalSign: 'FS', documentNumber: 1, acceptedMarks: ['M'] },
  }),
  receipts('RecordRegisterResponse', {
    receiptId: 'rc-1',
    revision: 1,
    response: { status: 'rejected', reason: 'offline', retryable: true },
  }),
].map((command) => JSON.parse(JSON.stringify(command)) as unknown);

const subscription = (type: string, data: unknown) => ({ type, data, metadata });
const validSubscriptionCommands: readonly unknown[] = [
  subscription('StartSubscription', {
    subscriptionId: 'sub-1',
    customer: { id: 'c-1', name: 'Reza', companyId: 'co-1' },
    plan: { planId: 'pl-1', name: 'Monthly', billingPeriod: { unit: 'month', count: 1 }, closable: true },
    recurringAmount: { amount: 100, currency: 'IRR' },
    quotationId: 'q-1',
  }),
  subscription('InvoiceSubscription', {
    invoiceId: 'i-1',
    amount: { amount: 100, currency: 'IRR' },
    periodStart: T0,
    periodEnd: T0,
  }),
  subscription('PaySubscriptionInvoice', { invoiceId: 'i-1', amount: { amount: 100, currency: 'IRR' } }),
  subscription('CloseSubscription', { reasonCode: 'too-expensive' }),
];

type Decoder = (input: unknown) => E.Either<ValidationError, unknown>;

const commandDecoders: readonly Readonly<{ name: string; decode: Decoder; valid: readonly unknown[] }>[] = [
  { name: 'decodeOrderCommand', decode: decodeOrderCommand, valid: validOrderCommands },
  { name: 'decodeReceiptsCommand', decode: decodeReceiptsCommand, valid: validReceiptsCommands },
  { name: 'decodeSubscriptionCommand', decode: decodeSubscriptionCommand, valid: validSubscriptionCommands },
];

const decodeReceiptsEnvelope = createEnvelopeDecoder(ReceiptsEventCodec);
const envelopeDecoders: readonly Readonly<{
  name: string;
  decode: (envelope: Envelope) => E.Either<ValidationError, unknown>;
}>[] = [
  { name: 'decodeOrderEnvelope', decode: decodeOrderEnvelope },
  { name: 'receipts envelope decoder', decode: decodeReceiptsEnvelope },
];

/** A Left is a validation error with at least one issue, and every issue names a path. */
const wellFormedLeft = (error: ValidationError): boolean =>
  error.kind === 'validation' &&
  error.issues.length > 0 &&
  error.issues.every((issue) => typeof issue.path === 'string' && issue.path.length > 0);

/** Input (made inside the property): a hostile value, or a valid value with one node replaced by a hostile one. */
const mutatedArb = (valid: readonly unknown[]): fc.Arbitrary<() => unknown> =>
  fc.oneof(
    hostileThunkArb(),
    fc.constantFrom(...valid).chain((command) =>
      fc.tuple(fc.constantFrom(...pathsOf(command)), hostileThunkArb()).map(
        ([path, make]) =>
          () =>
            replaceAt(command, path, make()),
      ),
    ),
  );

const keyArb = fc.oneof(
  fc.string({ minLength: 1, maxLength: 12 }).map((key) => `x_${key}`),
  fc.constantFrom('__proto__', 'constructor', 'toString', '', 'ammount', 'hasOwnProperty'),
);

describe('every domain decoder returns a value for any input (issue 8.5)', () => {
  it('issue 8.5: decodeOrderEnvelope(null) is a Left, not a TypeError', () => {
    for (const input of [null, undefined, 42, 'x', [], {}, { event: null }, { event: {}, schemaVersion: 'one' }])
      expect(E.isLeft(decodeOrderEnvelope(input as never)), JSON.stringify(input) ?? 'undefined').toBe(true);
  });

  it('the valid samples decode (so the laws below start from valid commands)', () => {
    for (const { name, decode, valid } of commandDecoders)
      for (const command of valid) {
        const decoded = decode(command);
        expect(E.isRight(decoded), `${name}: ${E.isLeft(decoded) ? decoded.left.message : ''}`).toBe(true);
      }
  });

  for (const { name, decode, valid } of commandDecoders)
    it(`${name}: never throws; a Left names a path per issue (${RUNS} runs)`, () => {
      fc.assert(
        fc.property(mutatedArb(valid), (make) => {
          const decoded = decode(make());
          return E.isRight(decoded) || wellFormedLeft(decoded.left);
        }),
        { numRuns: RUNS },
      );
    });

  for (const { name, decode } of envelopeDecoders)
    it(`${name}: never throws; a Left names a path per issue (${RUNS} runs)`, () => {
      const envelope = {
        eventId: 'e-1',
        streamId: 'order-o-1',
        streamVersion: 0,
        globalPosition: '1',
        occurredAt: T0,
        recordedAt: T0,
        actor: actors.admin,
        schemaVersion: 1,
        event: { type: 'OrderConfirmed', data: { at: T0, trigger: 'admin' } },
      };
      fc.assert(
        fc.property(mutatedArb([envelope]), (make) => {
          const decoded = decode(make() as Envelope);
          return E.isRight(decoded) || wellFormedLeft(decoded.left);
        }),
        { numRuns: RUNS },
      );
    });
});

describe('unknown keys in commands are errors naming them (issue 8.3)', () => {
  it('issue 8.3: a refund with a misspelt `ammount` is refused, naming data.ammount', () => {
    const decoded = decodeOrderCommand(order('RefundPayment', { refundId: 'r-1', paymentId: 'p-1', ammount: eur(1) }));
    expect(E.isLeft(decoded) && decoded.left.issues.map((i) => i.message)).toEqual(['data.ammount: unknown field']);
  });

  it('issue 8.3: unknown keys in nested lines, addresses and money are each named', () => {
    const data = sampleCheckout();
    const decoded = decodeOrderCommand(
      order('PlaceOrder', {
        ...data,
        lines: [{ ...data.lines[0], colour: 'red' }, data.lines[1]],
        billingAddress: { ...data.billingAddress, zip: '1' },
        total: { ...data.total, cents: 0 },
      }),
    );
    expect(E.isLeft(decoded) && decoded.left.issues.map((i) => `${i.path}: ${i.rule}`).sort()).toEqual(
      [
        'data.billingAddress.zip: unknown field',
        'data.lines.0.colour: unknown field',
        'data.total.cents: unknown field',
      ].sort(),
    );
  });

  it('issue 8.3: events read from storage stay tolerant: an extra field in a stored event still decodes', () => {
    const decoded = decodeOrderEnvelope({
      eventId: 'e-1',
      streamId: 'order-o-1',
      streamVersion: 0,
      globalPosition: '1',
      occurredAt: T0,
      recordedAt: T0,
      actor: actors.admin,
      schemaVersion: 1,
      event: { type: 'OrderConfirmed', data: { at: T0, trigger: 'admin', addedLater: 1 } },
    });
    expect(E.isRight(decoded) && decoded.right.event).toEqual({
      type: 'OrderConfirmed',
      data: { at: T0, trigger: 'admin' },
    });
  });

  for (const { name, decode, valid } of commandDecoders)
    it(`${name}: a valid command plus one extra key anywhere is a Left naming that key (${RUNS} runs)`, () => {
      const cases = valid.flatMap((command) => objectPathsOf(command).map((path) => ({ command, path })));
      fc.assert(
        fc.property(fc.constantFrom(...cases), keyArb, fc.jsonValue(), ({ command, path }, key, extra) => {
          let node: unknown = command;
          for (const step of path) node = (node as Record<string, unknown>)[step];
          fc.pre(!Object.prototype.hasOwnProperty.call(node, key));
          const decoded = decode(addKeyAt(command, path, key, extra));
          const expected = [...path, key === '' ? '""' : key].join('.');
          return (
            E.isLeft(decoded) &&
            decoded.left.issues.some((issue) => issue.path === expected && issue.rule === 'unknown field')
          );
        }),
        { numRuns: RUNS },
      );
    });
});

describe('nothing is appended on a Left (issue 8)', () => {
  it(`decode then handle on the in-memory store: a Left of either appends nothing (${RUNS} runs)`, async () => {
    const store = createInMemoryEventStore();
    const handler = createCommandHandler({ store, decider: orderDecider, decodeEnvelope: decodeOrderEnvelope });
    const stream = orderStreamId('o-1');
    const placed = decodeOrderCommand(order('PlaceOrder', sampleCheckout()));
    if (E.isLeft(placed)) throw new Error(placed.left.message);
    await handler.handle(stream, placed.right);
    let count = 0;
    for await (const _ of store.readAll()) count++;
    let seq = 0;
    await fc.assert(
      fc.asyncProperty(mutatedArb(validOrderCommands), async (make) => {
        const decoded = decodeOrderCommand(make());
        // Give each decoded command its own id, so the handler's idempotency cannot hide an append.
        const handled = E.isLeft(decoded)
          ? decoded
          : await handler.handle(stream, {
              ...decoded.right,
              metadata: { ...decoded.right.metadata, commandId: `fuzz-${++seq}` },
            });
        let now = 0;
        for await (const _ of store.readAll()) now++;
        const appended = now - count;
        count = now;
        return E.isLeft(handled) ? appended === 0 : true;
      }),
      { numRuns: RUNS },
    );
  });
});
