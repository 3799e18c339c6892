import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { creditBalance } from '../credit/state.js';
import { orderStreamId } from '../order/events.js';
import { actors, eur, paymentMethods, sampleCheckout } from '../order/examples.js';
import { totalRefunded } from '../order/payment-status.js';
import { receiptsCommandsFor } from '../receipts/from-order-events.js';
import { simulate } from '../receipts/simulate.js';
import { rehydrate } from '@ordersource/core';
import { applicationOf } from './apply.js';
import { orderChangeDecider } from './decide.js';
import { exchangeOrderIdOf } from './plan.js';
import { previewChange } from './preview.js';
import { planGoodwillReturn } from '../credit/goodwill-return.js';
import { planGoodwillDiscount } from '../credit/tender.js';
import { creditAccountStreamId } from '../credit/values.js';
import { orderDecider } from '../order/decider.js';
import { begin, changeCmd, cup, orderCmd, placedOrder, pot, Shop, T, tea } from './test-support/harness.js';

/**
 * Issue 17: store credit as the destination of a change's refund (PAY-5,
 * REC-7), and a change whose step the order refuses as it is sent, recorded
 * failed and never applied.
 */

const receiptsOf = (shop: Shop, orderId: string) => {
  const commands = receiptsCommandsFor(shop.history(orderId));
  if (E.isLeft(commands)) throw new Error(commands.left.message);
  const run = simulate(commands.right.map((c) => c.command));
  expect(run.outcomes.flatMap((o) => (E.isLeft(o.result) ? [o.result.left.code] : []))).toEqual([]);
  return run.state.issued.map((id) => run.state.receipts[id]?.receipt).filter((r) => r !== undefined);
};

const returnCups = (shop: Shop, id: string, qty: number, refundTo?: 'store-credit') => {
  begin(shop, id, 'return', T(10), actors.customer);
  shop.change(
    id,
    changeCmd('StageReturnItem', { item: { lineId: 'l2', qty, reason: 'wrong-size' } }, T(11), actors.customer),
  );
  shop.change(id, changeCmd('ConfirmOrderChange', refundTo === undefined ? {} : { refundTo }, T(12)));
  shop.change(
    id,
    changeCmd('ReceiveReturn', { items: [{ lineId: 'l2', qty, condition: 'sellable', restock: true }] }, T(13)),
  );
};

describe('issue 17: refunds to store credit (PAY-5, REC-7, CUS-3)', () => {
  it('a return refunded to store credit: the order records the refund without a provider, the account holds exactly it', () => {
    const shop = new Shop();
    placedOrder(shop, 'delivered');
    returnCups(shop, 'r1', 2, 'store-credit');
    expect(shop.refusals).toEqual([]);
    const order = shop.state('o-1');
    const refunded = totalRefunded(order);
    expect(refunded).toBeGreaterThan(0);
    const refund = shop.history('o-1').find((e) => e.event.type === 'PaymentRefunded')?.event;
    expect(refund?.type === 'PaymentRefunded' && refund.data.external).toBe(true);
    expect(creditBalance(shop.creditState('c-1'), 'EUR')).toBe(refunded);
    expect(shop.creditState('c-1').grants[0]?.source).toEqual({ kind: 'change', orderId: 'o-1', changeId: 'r1' });
    expect(shop.get('r1')).toMatchObject({
      status: 'applied',
      applied: { credited: { amount: refunded, currency: 'EUR' } },
    });
    // REC-7: the income-return still lists exactly the cups for exactly that money.
    const ret = receiptsOf(shop, 'o-1').find((r) => r.operation === 'income-return');
    expect([ret?.total.amount, ret?.items.map((i) => [i.lineId, i.quantity])]).toEqual([refunded, [['l2', 2]]]);
  });

  it('to the original tender (the default) no credit is issued', () => {
    const shop = new Shop();
    placedOrder(shop, 'delivered');
    returnCups(shop, 'r1', 2);
    expect(totalRefunded(shop.state('o-1'))).toBeGreaterThan(0);
    expect(shop.creditState('c-1').grants).toEqual([]);
  });

  it('an exchange for something cheaper: what the new item costs moves to it, the rest goes onto store credit', () => {
    const shop = new Shop();
    placedOrder(shop, 'delivered');
    begin(shop, 'x1', 'exchange', T(10), actors.customer);
    shop.change(
      'x1',
      changeCmd('StageReturnItem', { item: { lineId: 'l2', qty: 3, reason: 'changed-mind' } }, T(11), actors.customer),
    );
    shop.change(
      'x1',
      changeCmd(
        'StageChangeAction',
        { action: { action: 'add-line', line: pot('n1', 1, 1000) } },
        T(11),
        actors.customer,
      ),
    );
    shop.change('x1', changeCmd('ConfirmOrderChange', { refundTo: 'store-credit' }, T(12)));
    const preview = previewChange(shop.get('x1'), shop.history('o-1'), T(12));
    if (E.isLeft(preview)) throw new Error(preview.left.message);
    shop.change(
      'x1',
      changeCmd('ReceiveReturn', { items: [{ lineId: 'l2', qty: 3, condition: 'sellable', restock: true }] }, T(13)),
    );
    expect(shop.refusals).toEqual([]);
    const value = totalRefunded(shop.state('o-1'));
    expect(value).toBeGreaterThan(1000);
    const exchange = shop.state(exchangeOrderIdOf(shop.get('x1')));
    expect(exchange.payments.map((p) => [p.paymentId, p.status, p.captured])).toEqual([
      ['x1-transfer', 'captured', 1000],
    ]);
    expect(creditBalance(shop.creditState('c-1'), 'EUR')).toBe(value - 1000);
    expect([preview.right.transferred, preview.right.credited, preview.right.refundOwed]).toEqual([
      1000,
      value - 1000,
      0,
    ]);
  });
});

describe('issue 17: a refused step is never recorded applied', () => {
  it('the order refuses a planned command as it is sent: RecordChangeFailed names what was taken, no credit', () => {
    const shop = new Shop();
    placedOrder(shop, 'delivered');
    begin(shop, 'r9', 'return', T(10));
    shop.change('r9', changeCmd('StageReturnItem', { item: { lineId: 'l1', qty: 2, reason: 'changed-mind' } }, T(11)));
    shop.change('r9', changeCmd('ConfirmOrderChange', { refundTo: 'store-credit' }, T(12)));
    shop.change(
      'r9',
      changeCmd('ReceiveReturn', { items: [{ lineId: 'l1', qty: 2, condition: 'sellable', restock: true }] }, T(13)),
    );
    // Planned against the history before the change applied, then the shop refunds by hand first: the plan is stale.
    const stale = shop.history('o-1').filter((e) => !String(e.causationId).startsWith('r9:apply:'));
    const events = shop.changes.get('r9')?.events ?? [];
    expect(events.at(-1)?.type).toBe('OrderChangeApplied');
    const received = rehydrate(orderChangeDecider, events.slice(0, -1));
    const application = applicationOf(received, stale, 'cause', T(14));
    if (application === undefined) throw new Error('not ready');
    const fresh = new Shop();
    placedOrder(fresh, 'delivered');
    fresh.order(orderStreamId('o-1'), {
      type: 'RefundPayment',
      data: { refundId: 'manual', lines: [{ lineId: 'l1', qty: 2 }] },
      metadata: { commandId: 'manual', actor: actors.admin, at: T(13) },
    });
    const [first] = application.orderCommands;
    if (first === undefined) throw new Error('no commands');
    const code = fresh.order(first.streamId, first.command);
    expect(code).toBe('return-exceeds-ordered');
    const record = application.refused({ code: code ?? '', message: 'refused' }, first.command.type, []);
    expect(record.command).toMatchObject({ type: 'RecordChangeFailed', data: { code: 'return-exceeds-ordered' } });
    expect(application.changeCommand.command.type).toBe('RecordChangeApplied');
    expect(application.credit?.command.type).toBe('IssueCredit');
  });
});

describe('issue 17: goodwill comes back with a change’s return (PAY-5, REC-1)', () => {
  it('cups returned through a change to store credit: the money paid for them and their goodwill share make their price', () => {
    const shop = new Shop();
    const stream = orderStreamId('o-1');
    const ok = (refused: string | undefined) => expect(refused).toBeUndefined();
    // No checkout discount: the whole order discount is goodwill.
    ok(
      shop.order(
        stream,
        orderCmd(
          'PlaceOrder',
          sampleCheckout({ orderId: 'o-1', lines: [tea, cup], discount: eur(0), paymentMethod: paymentMethods.card }),
          T(0),
          actors.customer,
        ),
      ),
    );
    ok(shop.order(stream, orderCmd('VoidPayment', { paymentId: 'pay-1', reason: 'goodwill first' }, T(1))));
    const account = creditAccountStreamId('c-1');
    ok(
      shop.creditCommand(account, {
        type: 'IssueCredit',
        data: {
          customerId: 'c-1',
          creditId: 'gw',
          amount: eur(1000),
          source: { kind: 'goodwill', reason: 'late parcel' },
        },
        metadata: { commandId: 'gw', actor: actors.admin, at: T(1) },
      }),
    );
    const plan = planGoodwillDiscount(shop.state('o-1'), {
      discountId: 'd',
      amount: eur(1000),
      actor: actors.customer,
      at: T(2),
    });
    if (E.isLeft(plan)) throw new Error(plan.left.message);
    ok(shop.creditCommand(account, plan.right.spend));
    for (const command of plan.right.orderCommands) ok(shop.order(stream, command));
    const total = shop.state('o-1').totals.total;
    ok(
      shop.order(
        stream,
        orderCmd(
          'RequestPayment',
          { paymentId: 'card', amount: total, method: paymentMethods.card, channel: 'email' },
          T(3),
        ),
      ),
    );
    ok(shop.order(stream, orderCmd('RecordSale', { paymentId: 'card', amount: total }, T(3), actors.provider)));
    ok(shop.order(stream, orderCmd('ConfirmOrder', {}, T(4))));
    ok(shop.order(stream, orderCmd('ShipOrder', { shipmentId: 's1' }, T(4))));
    ok(shop.order(stream, orderCmd('MarkDelivered', {}, T(4))));
    returnCups(shop, 'r1', 3, 'store-credit');
    expect(shop.refusals).toEqual([]);
    const moneyBack = totalRefunded(shop.state('o-1'));
    // As the runtime's credit.goodwill-returns does: after the change's refund, plan the goodwill back.
    const history = shop.history('o-1');
    const at = history.findIndex((e) => e.event.type === 'PaymentRefunded');
    const refund = history[at]?.event;
    if (refund?.type !== 'PaymentRefunded') throw new Error('no refund');
    const order = rehydrate(
      orderDecider,
      history.slice(0, at + 1).map((e) => e.event),
    );
    const back = planGoodwillReturn(order, shop.creditState('c-1'), {
      cause: `refund:${refund.data.refundId}`,
      commandId: 'gb-1',
      at: T(14),
      reason: 'cups returned',
    });
    expect(back?.amount).toBeGreaterThan(0);
    ok(shop.creditCommand(account, back!.command));
    // The cups' price (3 × 7.00) came back whole, within a minor unit of rounding: money paid, goodwill given.
    expect(Math.abs(moneyBack + back!.amount - 3 * cup.unitPrice.amount)).toBeLessThanOrEqual(1);
    // The money as money credit (the change's), the goodwill as goodwill: the balance holds both.
    expect(creditBalance(shop.creditState('c-1'), 'EUR')).toBe(moneyBack + back!.amount);
    expect(shop.creditState('c-1').grants.map((g) => g.source.kind)).toEqual(['goodwill', 'change', 'goodwill']);
  });
});
