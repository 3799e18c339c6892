import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { actors } from '../order/examples.js';
import { decodeOrderChangeCommand } from './commands.js';
import { changeNotificationsFor } from './notifications.js';
import { changeReasonLabel, defaultChangeReasons } from './reasons.js';
import { begin, changeCmd, placedOrder, Shop, T } from './test-support/harness.js';

const metadata = { commandId: 'c-1', actor: actors.customer, at: T(1) };

describe('issue 17: the change boundary (io-ts) and notifications (NOT-1, NOT-2)', () => {
  it('refuses unknown fields, fractional quantities and unknown kinds, naming the field; decodes a good command', () => {
    const bad = decodeOrderChangeCommand({
      type: 'StageReturnItem',
      data: { item: { lineId: 'l1', qty: 1.5, reason: 'wrong-size', colour: 'red' } },
      metadata,
    });
    expect(E.isLeft(bad) && bad.left.message).toMatch(/qty/);
    expect(E.isLeft(bad) && bad.left.message).toMatch(/colour/);
    const kind = decodeOrderChangeCommand({ type: 'CancelOrderChange', data: { reason: '' }, metadata });
    expect(E.isLeft(kind) && kind.left.message).toMatch(/reason/);
    const unknownType = decodeOrderChangeCommand({ type: 'RefundEverything', data: {}, metadata });
    expect(E.isLeft(unknownType)).toBe(true);
    const good = decodeOrderChangeCommand({
      type: 'ReceiveReturn',
      data: { items: [{ lineId: 'l1', qty: 2, condition: 'sellable', restock: true }] },
      metadata,
    });
    expect(E.isRight(good)).toBe(true);
  });

  it('labels reasons in the customer language and tells the shop of a customer request', () => {
    const reason = defaultChangeReasons.find((r) => r.code === 'wrong-size');
    expect(reason && changeReasonLabel(reason, 'ru-RU')).toBe('Не подошёл размер');
    expect(reason && changeReasonLabel(reason, 'de')).toBe('Wrong size');
    const shop = new Shop();
    placedOrder(shop, 'delivered');
    begin(shop, 'r1', 'return', T(10), actors.customer);
    shop.change(
      'r1',
      changeCmd('StageReturnItem', { item: { lineId: 'l1', qty: 1, reason: 'wrong-size' } }, T(11), actors.customer),
    );
    shop.change('r1', changeCmd('RequestOrderChange', {}, T(12), actors.customer));
    const entry = shop.changes.get('r1');
    const last = entry?.events[entry.events.length - 1];
    if (last === undefined || entry === undefined) throw new Error('no change');
    const sent = changeNotificationsFor(last, 'ev-1', entry.state);
    // The sample customer reads Vietnamese.
    expect(sent.map((s) => [s.notification.audience, s.notification.step, s.notification.reasons])).toEqual([
      ['admin', 'requested', ['Sai kích cỡ']],
      ['customer', 'requested', ['Sai kích cỡ']],
    ]);
    expect(changeNotificationsFor(last, 'ev-1', entry.state).map((s) => s.id)).toEqual(sent.map((s) => s.id));
  });

  it('a commit without notifyCustomer tells the customer nothing', () => {
    const shop = new Shop();
    placedOrder(shop, 'paid');
    begin(shop, 'e1', 'edit', T(10));
    shop.change(
      'e1',
      changeCmd('StageChangeAction', { action: { action: 'change-quantity', lineId: 'l1', qty: 3 } }, T(11)),
    );
    shop.change('e1', changeCmd('ConfirmOrderChange', { notifyCustomer: false, staffNote: 'internal' }, T(12)));
    const entry = shop.changes.get('e1');
    if (entry === undefined) throw new Error('no change');
    const confirmed = entry.events.find((e) => e.type === 'OrderChangeConfirmed');
    expect(confirmed && changeNotificationsFor(confirmed, 'ev-2', entry.state)).toEqual([]);
  });
});
