import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { ReceiptsCommand } from './commands.js';
import { decodeReceiptsCommand } from './commands.js';
import { receiptsDecider } from './decider.js';
import { CLOSING_DATE_KEY, receiptsDue } from './due.js';
import type { ReceiptsConfig } from './model.js';
import { order7000, rub } from './scenarios.js';
import { script } from './script.js';
import { simulate } from './simulate.js';
import type { ReceiptsState } from './state.js';

const s = script('o-rec8');
const T1 = '2026-11-02T10:00:00Z';
const DELIVERED = '2026-11-05T15:00:00Z';
const DATE = '2026-11-10T00:00:00Z';

/** A timer's command as the runtime sends it. */
const fire = (state: ReceiptsState, at: string): ReceiptsCommand => {
  const [due] = receiptsDue(state);
  if (due === undefined) throw new Error('nothing planned');
  return {
    ...due.command,
    metadata: { commandId: `timer-${at}`, actor: { kind: 'system', id: 'timer' }, at },
  } as ReceiptsCommand;
};

const paidAndDelivered = (config: ReceiptsConfig) =>
  simulate([
    s.configure(T1, config),
    s.compose(T1, 'placed', order7000),
    s.pay(T1, 'p-1', rub(7000)),
    s.handover(DELIVERED, 'delivered', 'delivered'),
  ]);

const kinds = (state: ReceiptsState) => state.issued.map((id) => state.receipts[id]?.receipt.kind);

describe('REC-8: the closing receipt on a later date, as a timer (issue 9.7, issue 11)', () => {
  it('REC-8: a fixed date is planned only once the goods were handed over; the timer closes the order once', () => {
    const config: ReceiptsConfig = { closeOn: { trigger: 'date', at: DATE }, digitalSettlesOnPayment: true };
    const before = simulate([s.configure(T1, config), s.compose(T1, 'placed', order7000), s.pay(T1, 'p-1', rub(7000))]);
    expect(receiptsDue(before.state)).toEqual([]);
    const run = paidAndDelivered(config);
    expect(receiptsDue(run.state)).toEqual([
      { key: CLOSING_DATE_KEY, at: DATE, command: { type: 'ReachClosingDate', data: { closingDate: DATE } } },
    ]);
    const command = fire(run.state, DATE);
    expect(E.isRight(decodeReceiptsCommand(command))).toBe(true);
    const closed = simulate([command], run.state);
    expect(kinds(closed.state)).toEqual(['prepayment', 'full-settlement']);
    expect(receiptsDue(closed.state)).toEqual([]);
    // Fired again (a crash before the timer was completed): nothing more.
    expect(receiptsDecider.decide(command, closed.state)).toEqual(E.right([]));
  });

  it('REC-8: N days after delivery: the date is counted from the delivery; the delivery itself does not close', () => {
    const config: ReceiptsConfig = {
      closeOn: { trigger: 'days-after-delivery', days: 14 },
      digitalSettlesOnPayment: true,
    };
    const run = paidAndDelivered(config);
    expect(kinds(run.state)).toEqual(['prepayment']);
    expect(run.state.deliveredAt).toBe(DELIVERED);
    const [due] = receiptsDue(run.state);
    expect(due?.at).toBe('2026-11-19T15:00:00.000Z');
    const closed = simulate([fire(run.state, '2026-11-19T15:00:00.000Z')], run.state);
    expect(kinds(closed.state)).toEqual(['prepayment', 'full-settlement']);
    expect(closed.state.receipts[closed.state.issued[1] ?? '']?.receipt.cause).toEqual({
      kind: 'date',
      id: '2026-11-19T15:00:00.000Z',
    });
  });

  it('REC-8: a shop that changed the date absorbs the timer set for the old one; handover triggers plan nothing', () => {
    const config: ReceiptsConfig = { closeOn: { trigger: 'date', at: DATE }, digitalSettlesOnPayment: true };
    const run = paidAndDelivered(config);
    const stale = fire(run.state, DATE);
    const moved = simulate(
      [s.configure(T1, { closeOn: { trigger: 'date', at: '2026-11-20T00:00:00Z' }, digitalSettlesOnPayment: true })],
      run.state,
    );
    expect(receiptsDue(moved.state).map((d) => d.at)).toEqual(['2026-11-20T00:00:00Z']);
    expect(receiptsDecider.decide(stale, moved.state)).toEqual(E.right([]));
    expect(
      receiptsDue(paidAndDelivered({ closeOn: { trigger: 'delivery' }, digitalSettlesOnPayment: true }).state),
    ).toEqual([]);
    expect(receiptsDecider.due).toBe(receiptsDue);
  });
});
