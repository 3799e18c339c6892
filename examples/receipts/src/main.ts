// Prints the fiscal receipts of seed 003's scenarios (RetailCRM, 54-FZ):
// npx -y pnpm@10 --filter @ordersource/example-receipts start
import { createCommandHandler, createEnvelopeDecoder, createInMemoryEventStore, money } from '@ordersource/core';
import {
  OrderEventCodec,
  orderDecider,
  orderExamples,
  orderStreamId,
  type OrderCommand,
  type OrderEvent,
  type OrderLine,
} from '@ordersource/domain';
import {
  createInMemoryFiscalRegister,
  ReceiptsEventCodec,
  receiptsDecider,
  receiptsStreamId,
  sendPendingReceipts,
  syncOrderReceipts,
  type ReceiptsEvent,
  pendingRequests,
  reconcile,
  renderReceipt,
  script,
  seedScenarios,
  simulate,
  type ReconciliationView,
} from '@ordersource/domain/receipts';
import * as E from 'fp-ts/lib/Either.js';

const rub = (amount: number): string => money.format({ amount, currency: 'RUB' });

const main = async (): Promise<void> => {
  const register = createInMemoryFiscalRegister();
  for (const scenario of seedScenarios) {
    console.log(`\n${'='.repeat(78)}\n${scenario.name}  (${scenario.rules.join(', ')})\n«${scenario.seed}»\n`);
    let run = simulate(scenario.commands);
    for (const outcome of run.outcomes)
      if (E.isLeft(outcome.result))
        console.log(`refused ${outcome.command.type}: ${outcome.result.left.code}: ${outcome.result.left.message}\n`);

    // Send what is owed to the (in-memory) online cash register and record its answers.
    const s = script(scenario.name, { kind: 'provider', id: 'fiscal-register' });
    const answers = [];
    for (const request of pendingRequests(run.state))
      answers.push(
        s.respond('2026-11-30T12:00:00Z', request.receiptId, request.revision, await register.submit(request)),
      );
    run = simulate(answers, run.state);

    const view: ReconciliationView = {};
    for (const receiptId of run.state.issued) {
      const record = run.state.receipts[receiptId];
      if (record === undefined) continue;
      console.log(`${renderReceipt(record.receipt, record)}\n`);
      reconcile(view, record.receipt);
    }
    for (const entry of Object.values(view))
      console.log(
        `reconciliation: received ${rub(entry.moneyReceived)}, returned ${rub(entry.moneyReturned)}, ` +
          `advances not yet offset ${rub(entry.advancesNotOffset)}, on credit ${rub(entry.credit)}, ` +
          (entry.closed ? 'closed (order locked)' : 'open'),
      );
  }
};

/** The 7,000 order once more, driven by the order decider over one event store. */
const endToEnd = async (): Promise<void> => {
  console.log(
    `\n${'='.repeat(78)}\nend to end: order decider -> receipts policy -> register -> lock, then a return (REC-3, REC-5, ORD-9, REC-7)\n`,
  );
  const store = createInMemoryEventStore();
  const orders = createCommandHandler({
    store,
    decider: orderDecider,
    decodeEnvelope: createEnvelopeDecoder<OrderEvent>(OrderEventCodec),
  });
  const receipts = createCommandHandler({
    store,
    decider: receiptsDecider,
    decodeEnvelope: createEnvelopeDecoder<ReceiptsEvent>(ReceiptsEventCodec),
  });
  const orderId = 'SO-7000';
  const rubles = (n: number) => ({ amount: n * 100, currency: 'RUB' });
  const lines: OrderLine[] = [
    {
      lineId: 'l-sneakers',
      sku: 'SNK',
      name: 'Кроссовки беговые',
      qty: 1,
      unitPrice: rubles(5000),
      vatRate: 'vat20',
      kind: 'physical',
    },
    {
      lineId: 'l-socks',
      sku: 'SCK',
      name: 'Носки спортивные',
      qty: 4,
      unitPrice: rubles(500),
      vatRate: 'vat20',
      kind: 'physical',
      unit: 'пар',
    },
  ];
  const { command, sampleCheckout, paymentMethods, actors } = orderExamples;
  const transfer = paymentMethods.bankTransfer;
  const steps: OrderCommand[] = [
    command(
      'PlaceOrder',
      sampleCheckout({
        orderId,
        lines,
        subtotal: rubles(7000),
        shippingFee: rubles(0),
        discount: rubles(0),
        total: rubles(7000),
        paymentMethod: transfer,
      }),
      '2026-11-01T10:00:00Z',
      actors.customer,
    ),
    command(
      'RequestPayment',
      { paymentId: 'inv-1', amount: rubles(5000), method: transfer, channel: 'telegram' },
      '2026-11-01T10:05:00Z',
    ),
    command(
      'RequestPayment',
      { paymentId: 'inv-2', amount: rubles(2000), method: transfer, channel: 'whatsapp' },
      '2026-11-01T10:06:00Z',
    ),
    command('VoidPayment', { paymentId: 'pay-1', reason: 'paid in two invoices' }, '2026-11-01T10:07:00Z'),
    command('ConfirmOfflinePayment', { paymentId: 'inv-1' }, '2026-11-01T11:00:00Z'),
    command('ConfirmOfflinePayment', { paymentId: 'inv-2' }, '2026-11-02T10:00:00Z'),
    command('ShipOrder', { shipmentId: 'ship-1' }, '2026-11-03T10:00:00Z'),
    command('MarkDelivered', {}, '2026-11-04T10:00:00Z'),
    // Two pairs of socks come back: the refund names them, so the income return lists them (PAY-5, REC-7).
    command(
      'RefundPayment',
      { paymentId: 'inv-2', refundId: 'rf-socks', lines: [{ lineId: 'l-socks', qty: 2 }], reason: 'returned 2 pairs' },
      '2026-11-06T10:00:00Z',
    ),
  ];
  for (const step of steps) {
    const handled = await orders.handle(orderStreamId(orderId), step);
    if (E.isLeft(handled)) throw new Error(`${step.type}: ${handled.left.message}`);
    // The receipts policy runs after every order event; repeats append nothing.
    const synced = await syncOrderReceipts({ store, receipts, orders, orderId });
    if (E.isLeft(synced)) throw new Error(synced.left.message);
  }
  const register = createInMemoryFiscalRegister();
  await sendPendingReceipts({
    register,
    handler: receipts,
    streamId: receiptsStreamId(orderId),
    now: () => '2026-11-06T10:01:00Z',
  });
  for (const { request, response } of register.fiscalised())
    console.log(
      `${renderReceipt(request.receipt, { status: 'accepted', fiscalSign: response.fiscalSign, acceptedMarks: response.acceptedMarks })}\n`,
    );
  const late = command(
    'AddOrderLine',
    { line: { ...lines[1]!, lineId: 'l-cap', name: 'Кепка', qty: 1 } },
    '2026-11-05T10:00:00Z',
  );
  const refused = await orders.handle(orderStreamId(orderId), late);
  console.log(
    E.isLeft(refused)
      ? `AddOrderLine after the closing receipt: refused, ${refused.left.message}`
      : 'AddOrderLine accepted?!',
  );
};

await main();
await endToEnd();
