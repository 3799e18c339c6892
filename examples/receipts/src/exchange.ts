// Issue 17: an exchange end to end, with its fiscal receipts (54-FZ).
// npx -y pnpm@10 --filter @ordersource/example-receipts exchange
//
// Olga bought running shoes and four pairs of socks, paid by card, and got
// them. The socks are too small: from the portal she asks to exchange them for
// a cap. The shop confirms, the socks arrive and go back to stock, and the
// change is applied through the order's own commands: the original order
// refunds exactly the socks (their value moved to the exchange order), the
// exchange order is paid by that value and asks a link for the difference.
// Each order's receipts follow from its own events.
import { rehydrate, type Actor, type Envelope } from '@ordersource/core';
import {
  orderDecider,
  orderStreamId,
  type OrderCommand,
  type OrderEvent,
  type OrderLine,
  type PlaceOrder,
} from '@ordersource/domain';
import {
  applicationOf,
  basisOf,
  orderChangeDecider,
  previewChange,
  type OrderChangeCommand,
  type OrderChangeEvent,
  type OrderChangeState,
} from '@ordersource/domain/changes';
import { receiptsCommandsFor, renderReceipt, simulate, type Receipt } from '@ordersource/domain/receipts';
import * as E from 'fp-ts/lib/Either.js';

const rub = (roubles: number) => ({ amount: roubles * 100, currency: 'RUB' });
const at = (day: number, hour = 10) =>
  `2026-12-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00Z`;
const olga: Actor = { kind: 'customer', id: 'cu-olga' };
const shopAdmin: Actor = { kind: 'admin', id: 'ann' };
const bank: Actor = { kind: 'provider', id: 'acquiring' };

const shoes: OrderLine = {
  lineId: 'l1',
  sku: 'SNK-42',
  name: 'Кроссовки беговые',
  qty: 1,
  unitPrice: rub(5000),
  vatRate: 'vat20',
  kind: 'physical',
};
const socks: OrderLine = {
  lineId: 'l2',
  sku: 'SCK-3',
  name: 'Носки спортивные',
  qty: 4,
  unitPrice: rub(500),
  vatRate: 'vat20',
  kind: 'physical',
  unit: 'пар',
};
const cap: OrderLine = {
  lineId: 'n-cap',
  sku: 'CAP-1',
  name: 'Кепка',
  qty: 1,
  unitPrice: rub(2500),
  vatRate: 'vat20',
  kind: 'physical',
};

const checkout: PlaceOrder['data'] = {
  orderId: 'o-1001',
  orderNumber: '1001',
  paymentId: 'pay-1',
  lines: [shoes, socks],
  subtotal: rub(7000),
  shippingFee: rub(300),
  discount: rub(0),
  total: rub(7300),
  shippingMethod: { code: 'courier', name: 'Курьер' },
  paymentMethod: { code: 'card', name: 'Карта', kind: 'online', capture: 'automatic' },
  customer: { id: 'cu-olga', name: 'Ольга Петрова', email: 'olga@example.ru', language: 'ru' },
  billingAddress: { name: 'Ольга Петрова', line1: 'Тверская, 1', city: 'Москва', country: 'RU' },
  shippingAddress: { name: 'Ольга Петрова', line1: 'Тверская, 1', city: 'Москва', country: 'RU' },
};

/** The order streams and the change stream, run as the runtime would (decide, append, react), in memory. */
const streams = new Map<string, Envelope<OrderEvent>[]>();
let n = 0;
const send = (streamId: string, command: OrderCommand): void => {
  const history = streams.get(streamId) ?? [];
  const decided = orderDecider.decide(
    command,
    rehydrate(
      orderDecider,
      history.map((e) => e.event),
    ),
  );
  if (E.isLeft(decided)) throw new Error(`${command.type}: ${decided.left.code}: ${decided.left.message}`);
  for (const event of decided.right)
    history.push({
      event,
      eventId: `e${++n}`,
      streamId,
      streamVersion: history.length,
      globalPosition: String(n),
      occurredAt: command.metadata.at,
      recordedAt: command.metadata.at,
      causationId: command.metadata.commandId,
      actor: command.metadata.actor,
      schemaVersion: 1,
    });
  streams.set(streamId, history);
};
const order = (type: OrderCommand['type'], data: unknown, when: string, actor: Actor = shopAdmin) =>
  send(orderStreamId('o-1001'), { type, data, metadata: { commandId: `o${++n}`, actor, at: when } } as OrderCommand);

const changeEvents: OrderChangeEvent[] = [];
let change: OrderChangeState = orderChangeDecider.initialState;
const changeCommand = (type: OrderChangeCommand['type'], data: unknown, when: string, actor: Actor = shopAdmin) => {
  const command = { type, data, metadata: { commandId: `c${++n}`, actor, at: when } } as OrderChangeCommand;
  const decided = orderChangeDecider.decide(command, change);
  if (E.isLeft(decided)) throw new Error(`${type}: ${decided.left.code}: ${decided.left.message}`);
  for (const event of decided.right) {
    changeEvents.push(event);
    change = rehydrate(orderChangeDecider, changeEvents);
    // The change reactor: once the change is ready, its order commands, then its own record.
    const application = applicationOf(
      change,
      streams.get(orderStreamId('o-1001')) ?? [],
      `ce${changeEvents.length}`,
      when,
    );
    if (application === undefined) continue;
    for (const planned of application.orderCommands) send(planned.streamId, planned.command);
    const recorded = orderChangeDecider.decide(application.changeCommand.command, change);
    if (E.isRight(recorded)) change = rehydrate(orderChangeDecider, [...changeEvents, ...recorded.right]);
  }
};

const receiptsOf = (orderId: string): Receipt[] => {
  const commands = receiptsCommandsFor(streams.get(orderStreamId(orderId)) ?? []);
  if (E.isLeft(commands)) throw new Error(commands.left.message);
  const run = simulate(commands.right.map((c) => c.command));
  return run.state.issued.flatMap((id) => {
    const r = run.state.receipts[id];
    return r === undefined ? [] : [r.receipt];
  });
};

export type ExchangeRun = Readonly<{
  preview: Readonly<{ transferred: number; balanceDue: number; receipts: readonly string[] }>;
  original: readonly Receipt[];
  exchange: readonly Receipt[];
  exchangeOrderId: string;
}>;

export const runExchange = (): ExchangeRun => {
  order('PlaceOrder', checkout, at(1), olga);
  order('RecordSale', { paymentId: 'pay-1', amount: rub(7300) }, at(1, 11), bank);
  order('ConfirmOrder', {}, at(1, 12));
  order('ShipOrder', { shipmentId: 's-1' }, at(2));
  order('MarkDelivered', {}, at(3));

  const history = streams.get(orderStreamId('o-1001')) ?? [];
  const basis = basisOf(
    rehydrate(
      orderDecider,
      history.map((e) => e.event),
    ),
    history.length - 1,
  );
  changeCommand('BeginOrderChange', { changeId: 'x-1', kind: 'exchange', basis }, at(5), olga);
  changeCommand('StageReturnItem', { item: { lineId: 'l2', qty: 4, reason: 'wrong-size' } }, at(5), olga);
  changeCommand('StageChangeAction', { action: { action: 'add-line', line: cap } }, at(5), olga);
  changeCommand('RequestOrderChange', { note: 'носки малы' }, at(5, 11), olga);
  const preview = previewChange(change, streams.get(orderStreamId('o-1001')) ?? [], at(5, 12));
  if (E.isLeft(preview)) throw new Error(preview.left.message);
  changeCommand('ConfirmOrderChange', { paymentLink: { channel: 'email', url: 'https://pay.example/x-1' } }, at(5, 12));
  changeCommand('ReceiveReturn', { items: [{ lineId: 'l2', qty: 4, condition: 'sellable', restock: true }] }, at(8));

  const exchangeOrderId = change.applied?.exchangeOrderId ?? '';
  // Olga pays the difference by the link; the cap is shipped and delivered.
  const exchange = (type: OrderCommand['type'], data: unknown, when: string, actor: Actor = shopAdmin) =>
    send(orderStreamId(exchangeOrderId), {
      type,
      data,
      metadata: { commandId: `x${++n}`, actor, at: when },
    } as OrderCommand);
  const balance = rehydrate(
    orderDecider,
    (streams.get(orderStreamId(exchangeOrderId)) ?? []).map((e) => e.event),
  ).payments.find((p) => p.paymentId === 'x-1-balance');
  if (balance !== undefined)
    exchange(
      'RecordSale',
      { paymentId: balance.paymentId, amount: { amount: balance.requested, currency: 'RUB' } },
      at(8, 12),
      bank,
    );
  exchange('ConfirmOrder', {}, at(8, 13));
  exchange('ShipOrder', { shipmentId: 's-x1' }, at(9));
  exchange('MarkDelivered', {}, at(10));

  return {
    preview: {
      transferred: preview.right.transferred,
      balanceDue: preview.right.balanceDue,
      receipts: preview.right.receipts.map((r) => `${r.orderId} ${r.operation} ${r.kind} ${r.total.amount}`),
    },
    original: receiptsOf('o-1001'),
    exchange: receiptsOf(exchangeOrderId),
    exchangeOrderId,
  };
};

if (process.argv[1]?.endsWith('exchange.ts') === true) {
  const run = runExchange();
  console.log(
    `preview: ${run.preview.transferred} moved, ${run.preview.balanceDue} to pay; receipts: ${run.preview.receipts.join('; ')}\n`,
  );
  for (const receipt of [...run.original, ...run.exchange]) console.log(`${renderReceipt(receipt)}\n`);
}
