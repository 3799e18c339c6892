// Issue 9: a refund that fails and is retried; the receipts follow the outcome, not the request.
// npx -y pnpm@10 --filter @ordersource/example-receipts refund-retry
//
// Olga bought running shoes and four pairs of socks, paid by card, and got
// them. Two pairs come back. The shop asks the bank to refund them: the bank
// declines (its answer comes later, as a webhook). Nothing went back, so no
// receipt follows. The shop asks again; this time the bank confirms, and the
// income return for the two pairs is issued then, once. Later the refund
// bounces (a reversal): the money back with the shop is receipted as income,
// and the refund retried returns that money (the socks were returned on the
// receipts already). The socks are counted as returned once (issue 9).
import { rehydrate, type Actor, type Envelope } from '@ordersource/core';
import {
  orderDecider,
  orderStreamId,
  returnedQty,
  type OrderCommand,
  type OrderEvent,
  type OrderLine,
  type PlaceOrder,
} from '@ordersource/domain';
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

const checkout: PlaceOrder['data'] = {
  orderId: 'o-2002',
  orderNumber: '2002',
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

/** One step of the walk-through: what happened, and the receipts issued because of it. */
export type Step = Readonly<{ what: string; receipts: readonly Receipt[] }>;

export type RefundRetryRun = Readonly<{
  steps: readonly Step[];
  /** Pairs of socks returned on the order at the end. */
  socksReturned: number;
}>;

export const runRefundRetry = (): RefundRetryRun => {
  const history: Envelope<OrderEvent>[] = [];
  let n = 0;
  const stateOf = () =>
    rehydrate(
      orderDecider,
      history.map((e) => e.event),
    );
  const send = (type: OrderCommand['type'], data: unknown, when: string, actor: Actor = shopAdmin): void => {
    const command = { type, data, metadata: { commandId: `c${++n}`, actor, at: when } } as OrderCommand;
    const decided = orderDecider.decide(command, stateOf());
    if (E.isLeft(decided)) throw new Error(`${type}: ${decided.left.code}: ${decided.left.message}`);
    for (const event of decided.right)
      history.push({
        event,
        eventId: `e${++n}`,
        streamId: orderStreamId('o-2002'),
        streamVersion: history.length,
        globalPosition: String(n),
        occurredAt: when,
        recordedAt: when,
        causationId: command.metadata.commandId,
        actor,
        schemaVersion: 1,
      });
  };
  // The receipts side, as the receipts policy derives it from the order's events so far.
  const issued = (): Receipt[] => {
    const commands = receiptsCommandsFor(history);
    if (E.isLeft(commands)) throw new Error(commands.left.message);
    const run = simulate(commands.right.map((c) => c.command));
    const refused = run.outcomes.find((o) => E.isLeft(o.result));
    if (refused !== undefined && E.isLeft(refused.result)) throw new Error(refused.result.left.message);
    return run.state.issued.flatMap((id) => {
      const record = run.state.receipts[id];
      return record === undefined ? [] : [record.receipt];
    });
  };
  const steps: Step[] = [];
  let seen = 0;
  const step = (what: string): void => {
    const all = issued();
    steps.push({ what, receipts: all.slice(seen) });
    seen = all.length;
  };

  send('PlaceOrder', checkout, at(1), olga);
  send('RecordSale', { paymentId: 'pay-1', amount: rub(7300), providerEventId: 'evt-sale' }, at(1, 11), bank);
  step('Olga pays 7,300 by card');
  send('ConfirmOrder', {}, at(1, 12));
  send('ShipOrder', { shipmentId: 's-1' }, at(2));
  send('MarkDelivered', {}, at(3));
  step('the courier delivers the order');

  const twoPairs = [{ lineId: 'l2', qty: 2 }];
  send('RequestRefund', { refundId: 'r-1', paymentId: 'pay-1', lines: twoPairs }, at(5));
  step('the shop asks the bank to refund two pairs of socks (a request)');
  send('FailRefund', { refundId: 'r-1', providerEventId: 'evt-r1-failed' }, at(5, 11), bank);
  step('the bank declines the refund');
  send('RequestRefund', { refundId: 'r-2', paymentId: 'pay-1', lines: twoPairs }, at(6));
  step('the shop asks again');
  send('ConfirmRefund', { refundId: 'r-2', providerEventId: 'evt-r2-done' }, at(6, 11), bank);
  step('the bank confirms the refund');
  // Re-delivered, the bank's webhook changes nothing.
  send('ConfirmRefund', { refundId: 'r-2', providerEventId: 'evt-r2-done' }, at(6, 12), bank);
  step('the bank sends its confirmation again');
  // Days later the refund bounces (Olga's card was closed): the money is back with the shop, the shop retries.
  send('ReverseRefund', { refundId: 'r-2', providerEventId: 'evt-r2-reversed' }, at(9), bank);
  step('the bank reverses the refund: the money is back with the shop');
  send('RequestRefund', { refundId: 'r-3', paymentId: 'pay-1', lines: twoPairs }, at(10));
  send('ConfirmRefund', { refundId: 'r-3', providerEventId: 'evt-r3-done' }, at(10, 11), bank);
  step('the shop refunds the same two pairs again, and the bank confirms');

  return { steps, socksReturned: returnedQty(stateOf(), 'l2') };
};

if (process.argv[1]?.endsWith('refund-retry.ts') === true) {
  const run = runRefundRetry();
  for (const { what, receipts } of run.steps) {
    console.log(`— ${what}: ${receipts.length === 0 ? 'no receipt' : `${receipts.length} receipt(s)`}`);
    for (const receipt of receipts) console.log(`\n${renderReceipt(receipt)}\n`);
  }
  console.log(`socks returned on the order: ${run.socksReturned} of ${socks.qty}`);
}
