import * as E from 'fp-ts/lib/Either.js';
import { rehydrate } from '@ordersource/core';
import { describe, expect, it } from 'vitest';
import { orderCmd, placedOrder, Shop, T, tea, cup } from '../changes/test-support/harness.js';
import type { CreditCommand } from '../credit/commands.js';
import { creditDecider } from '../credit/decide.js';
import type { CreditEvent } from '../credit/events.js';
import { planRefundToCredit } from '../credit/refund.js';
import { planCreditPayment, planGoodwillDiscount } from '../credit/tender.js';
import { creditAccountStreamId } from '../credit/values.js';
import { orderStreamId } from '../order/events.js';
import { actors, eur, paymentMethods, sampleCheckout } from '../order/examples.js';
import { receiptsCommandsFor } from './from-order-events.js';
import { newMoneyOf, signedMoneyOf, type Receipt } from './receipt.js';
import { simulate } from './simulate.js';
import { creditAccountReceipts, creditAdvancesHeld } from './store-credit.js';

/**
 * Issue 17, 54-FZ with store credit (REC-1, REC-2, REC-3, REC-5, REC-7): a
 * refund to credit is an income return plus an advance on the account;
 * credit spent moves that advance to the new order, whose closing receipt
 * offsets it (tag 1215); goodwill credit owes no receipt and is spent as a
 * discount, so no receipt states money nobody paid.
 */

const ACCOUNT = creditAccountStreamId('c-1');

class World {
  readonly shop = new Shop();
  readonly credit: CreditEvent[] = [];
  account = () => rehydrate(creditDecider, this.credit);
  send(command: CreditCommand): void {
    const decided = creditDecider.decide(command, this.account());
    if (E.isLeft(decided)) throw new Error(decided.left.message);
    this.credit.push(...decided.right);
  }
  must(streamId: string, command: Parameters<Shop['order']>[1]): void {
    const refused = this.shop.order(streamId, command);
    if (refused !== undefined) throw new Error(refused);
  }
  /** The order's receipts, as the adapter and the receipts decider make them from its history. */
  receipts(orderId: string): Receipt[] {
    const commands = receiptsCommandsFor(this.shop.history(orderId));
    if (E.isLeft(commands)) throw new Error(commands.left.message);
    const run = simulate(commands.right.map((c) => c.command));
    const refused = run.outcomes.filter((o) => E.isLeft(o.result));
    expect(refused.map((o) => o.command.type)).toEqual([]);
    return run.events.flatMap((e) => (e.type === 'ReceiptIssued' ? [e.data.receipt] : []));
  }
  accountReceipts = () => creditAccountReceipts(this.credit, { accountId: ACCOUNT });
  /** A second order, its checkout request voided, to be paid with credit and (for the rest) by card. */
  place(orderId: string): number {
    const streamId = orderStreamId(orderId);
    this.must(
      streamId,
      orderCmd(
        'PlaceOrder',
        sampleCheckout({ orderId, lines: [tea, cup], paymentMethod: paymentMethods.card }),
        T(20),
        actors.customer,
      ),
    );
    this.must(streamId, orderCmd('VoidPayment', { paymentId: 'pay-1', reason: 'split tender' }, T(20)));
    return this.shop.state(orderId).totals.total.amount;
  }
  payByCard(orderId: string, amount: number): void {
    const streamId = orderStreamId(orderId);
    this.must(
      streamId,
      orderCmd(
        'RequestPayment',
        { paymentId: 'card', amount: eur(amount), method: paymentMethods.card, channel: 'email' },
        T(22),
      ),
    );
    this.must(streamId, orderCmd('RecordSale', { paymentId: 'card', amount: eur(amount) }, T(22), actors.provider));
  }
  deliver(orderId: string): void {
    const streamId = orderStreamId(orderId);
    this.must(streamId, orderCmd('ConfirmOrder', {}, T(23)));
    this.must(streamId, orderCmd('ShipOrder', { shipmentId: 's1' }, T(24)));
    this.must(streamId, orderCmd('MarkDelivered', {}, T(25)));
  }
}

/** A delivered order of 2 tea (450) + 3 cups (700); one cup comes back to store credit. */
const refundedToCredit = (): { w: World; credited: number } => {
  const w = new World();
  placedOrder(w.shop, 'delivered', 'o-1');
  const plan = planRefundToCredit(w.shop.state('o-1'), {
    refundId: 'r-1',
    lines: [{ lineId: 'l2', qty: 1 }],
    actor: actors.admin,
    at: T(10),
  });
  if (E.isLeft(plan)) throw new Error(plan.left.message);
  w.must(plan.right.orderStreamId, plan.right.refund);
  w.send(plan.right.issue.command);
  return { w, credited: plan.right.credited };
};

describe('issue 17: receipts with store credit (54-FZ)', () => {
  it('REC-7, REC-2: a refund to credit is an income return of the goods and an advance on the account, netting to no money', () => {
    const { w, credited } = refundedToCredit();
    // One cup of 700, net of the order discount spread over the lines (as the order priced the refund).
    expect(credited).toBeGreaterThan(0);
    const back = w.receipts('o-1').filter((r) => r.operation === 'income-return');
    expect(back).toHaveLength(1);
    expect(back[0]).toMatchObject({ kind: 'full-settlement', paymentMethod: 4, total: eur(credited) });
    expect(back[0]?.items.map((i) => [i.lineId, i.quantity])).toEqual([['l2', 1]]);
    const account = w.accountReceipts();
    expect(account).toHaveLength(1);
    expect(account[0]).toMatchObject({
      receiptId: `${ACCOUNT}/payment/credit-refund:o-1:r-1/advance`,
      kind: 'advance',
      operation: 'income',
      paymentMethod: 3,
      total: eur(credited),
      payments: { electronic: eur(credited) },
    });
    expect(account[0]?.items).toMatchObject([{ name: 'Аванс', subject: 'payment', vat: 'vat22_122' }]);
    // New money: what went out on the return came in as the advance.
    expect(newMoneyOf(back[0] as Receipt) - newMoneyOf(account[0] as Receipt)).toBe(0);
    expect(creditAdvancesHeld(account, 'EUR')).toBe(credited);
  });

  it('REC-3, REC-5: credit spent on the next order moves the advance there; its closing receipt offsets it (tag 1215)', () => {
    const { w, credited } = refundedToCredit();
    const total = w.place('o-2');
    const plan = planCreditPayment(w.shop.state('o-2'), {
      paymentId: 'credit',
      amount: eur(credited),
      actor: actors.customer,
      at: T(21),
    });
    if (E.isLeft(plan)) throw new Error(plan.left.message);
    expect(plan.right.spend.data.fund).toBe('money');
    w.send(plan.right.spend);
    for (const command of plan.right.orderCommands) w.must(plan.right.orderStreamId, command);
    w.payByCard('o-2', total - credited);
    w.deliver('o-2');
    const receipts = w.receipts('o-2');
    // Two advances (the credit's, the card's: REC-3), then the closing paid wholly by their offset (REC-5).
    expect(receipts.map((r) => [r.kind, r.total.amount])).toEqual([
      ['advance', credited],
      ['advance', total - credited],
      ['full-settlement', total],
    ]);
    const closing = receipts[2] as Receipt;
    expect(closing.payments.prepayment.amount).toBe(total);
    expect(newMoneyOf(closing)).toBe(0);
    expect(closing.offsets.map((o) => o.receiptId)).toContain(receipts[0]?.receiptId);
    // The account gave its advance back (offsetting the one the refund made): nothing held, no money counted twice.
    const account = w.accountReceipts();
    expect(account.map((r) => [r.operation, r.total.amount])).toEqual([
      ['income', credited],
      ['income-return', credited],
    ]);
    expect(account[1]?.offsets).toEqual([{ receiptId: account[0]?.receiptId, amount: eur(credited) }]);
    expect(creditAdvancesHeld(account, 'EUR')).toBe(0);
    // Over both orders and the account, new money = what the card paid less what it got back.
    const all = [...w.receipts('o-1'), ...receipts, ...account];
    const cardIn = total + w.shop.state('o-1').totals.total.amount - credited;
    expect(all.reduce((sum, r) => sum + signedMoneyOf(r), 0)).toBe(cardIn);
  });

  it('REC-1, REC-2: goodwill credit owes no receipt and is spent as a discount: the receipts list the goods at the price paid', () => {
    const w = new World();
    w.send({
      type: 'IssueCredit',
      data: {
        customerId: 'c-1',
        creditId: 'gw-1',
        amount: eur(500),
        source: { kind: 'goodwill', reason: 'late parcel' },
      },
      metadata: { commandId: 'gw-1', actor: actors.admin, at: T(5) },
    });
    expect(w.accountReceipts()).toEqual([]);
    const before = w.place('o-3');
    // Goodwill is no tender: a payment from it is refused, it is spent as a discount.
    const asTender = planCreditPayment(w.shop.state('o-3'), {
      paymentId: 'credit',
      amount: eur(500),
      actor: actors.customer,
      at: T(21),
    });
    if (E.isLeft(asTender)) throw new Error(asTender.left.message);
    expect(creditDecider.decide(asTender.right.spend, w.account())).toMatchObject(
      E.left({ code: 'insufficient-credit' }),
    );
    const plan = planGoodwillDiscount(w.shop.state('o-3'), {
      discountId: 'd-1',
      amount: eur(500),
      actor: actors.customer,
      at: T(21),
    });
    if (E.isLeft(plan)) throw new Error(plan.left.message);
    w.send(plan.right.spend);
    for (const command of plan.right.orderCommands) w.must(plan.right.orderStreamId, command);
    const total = w.shop.state('o-3').totals.total.amount;
    expect(total).toBe(before - 500);
    w.payByCard('o-3', total);
    w.deliver('o-3');
    const receipts = w.receipts('o-3');
    const closing = receipts.at(-1) as Receipt;
    expect(closing.kind).toBe('full-settlement');
    // The goods at the price paid: the closing lists the discounted positions, for exactly the card's money.
    expect(closing.total.amount).toBe(total);
    expect(closing.items.reduce((sum, i) => sum + i.amount.amount, 0)).toBe(total);
    expect(receipts.reduce((sum, r) => sum + signedMoneyOf(r), 0)).toBe(total);
    expect(w.accountReceipts()).toEqual([]);
    expect(w.account().ledger['EUR']).toMatchObject({ issued: 500, spent: 500 });
  });

  it('a released spend is an advance again; a reversal returns it; an expiry returns no money and owes no receipt (REC-1)', () => {
    const { w, credited } = refundedToCredit();
    const at = (m: number) => T(30 + m);
    const meta = (id: string, m: number) => ({ commandId: id, actor: actors.system, at: at(m) });
    w.send({
      type: 'SpendCredit',
      data: { customerId: 'c-1', spendId: 'sp-1', amount: eur(300), orderId: 'o-9', paymentId: 'p', fund: 'money' },
      metadata: meta('k1', 0),
    });
    w.send({
      type: 'ReleaseCreditSpend',
      data: { customerId: 'c-1', spendId: 'sp-1', reason: 'refused' },
      metadata: meta('k2', 1),
    });
    w.send({
      type: 'ReverseCredit',
      data: { customerId: 'c-1', creditId: 'refund:o-1:r-1', reason: 'paid out in cash', amount: eur(200) },
      metadata: meta('k3', 2),
    });
    w.send({
      type: 'IssueCredit',
      data: {
        customerId: 'c-1',
        creditId: 'cr-2',
        amount: eur(100),
        source: { kind: 'refund', orderId: 'o-1', refundId: 'r-2' },
        expiresAt: at(5),
      },
      metadata: meta('k4', 3),
    });
    w.send({
      type: 'ExpireCredit',
      data: { customerId: 'c-1', creditId: 'cr-2', dueAt: at(5) },
      metadata: meta('k5', 6),
    });
    expect(w.credit.at(-1)?.type).toBe('CreditExpired');
    const account = w.accountReceipts();
    expect(account.map((r) => [r.operation, r.total.amount])).toEqual([
      ['income', credited],
      ['income-return', 300],
      ['income', 300],
      ['income-return', 200],
      ['income', 100],
    ]);
    // The reversal consumes the oldest advances first; every offset names a receipt issued before it.
    const ids = account.map((r) => r.receiptId);
    for (const [i, r] of account.entries()) for (const o of r.offsets) expect(ids.indexOf(o.receiptId)).toBeLessThan(i);
    // The expired 100 stays an advance never returned: no money went back to the buyer.
    expect(creditAdvancesHeld(account, 'EUR')).toBe(credited - 200 + 100);
    expect(account.every((r) => r.items.every((item) => item.subject === 'payment'))).toBe(true);
    // The same history folds to the same receipts (ids derived, never random).
    expect(creditAccountReceipts(w.credit, { accountId: ACCOUNT })).toEqual(account);
  });
});
