import type { Envelope, Money } from '@ordersource/core';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { receiptsCommandsFor } from '../receipts/from-order-events.js';
import { simulate } from '../receipts/simulate.js';
import { decodeOrderCommand, type OrderCommand } from './commands.js';
import { OrderEventDecoder, orderStreamId, type OrderEvent } from './events.js';
import { actors, command, paymentMethods, sampleCheckout } from './examples.js';
import { fold } from './decision.js';
import { orderDecider } from './decider.js';
import { refusal, run as simulateRun } from './test-support/decide.js';
import type { OrderLine } from './values.js';

/**
 * REC-6 (issue 9.5): marked goods carry one marking code per unit, scanned
 * at packing; returns name the units that came back by their codes.
 */

const rub = (amount: number): Money => ({ amount, currency: 'RUB' });
const T = (d: number, h = 10): string => `2026-11-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:00:00Z`;
const CODES = [1, 2, 3].map((n) => `0104600439931256215Mr7RfeH6J8r${n}\u001d91EE06`);

const shoes: OrderLine = {
  lineId: 'l-shoes',
  sku: 'SH',
  name: 'Туфли',
  qty: 3,
  unitPrice: rub(700_000),
  vatRate: 'vat20',
  kind: 'physical',
  marked: true,
};
const socks: OrderLine = {
  lineId: 'l-socks',
  sku: 'SCK',
  name: 'Носки',
  qty: 2,
  unitPrice: rub(50_000),
  vatRate: 'vat20',
  kind: 'physical',
};

/** 21,000 of shoes and 1,000 of socks, less a discount of 1 kopeck: the shoes' net total does not divide by 3. */
const checkout = sampleCheckout({
  lines: [shoes, socks],
  subtotal: rub(2_200_000),
  shippingFee: rub(0),
  discount: rub(1),
  total: rub(2_199_999),
  paymentMethod: paymentMethods.bankTransfer,
});

/** Every event after running `commands` on `history` (history included). */
const run = (commands: readonly OrderCommand[], history: readonly OrderEvent[] = []): OrderEvent[] => [
  ...simulateRun(commands, history).events,
];

const paid = (): OrderEvent[] =>
  run([
    command('PlaceOrder', checkout, T(1), actors.customer),
    command('ConfirmOfflinePayment', {}, T(1, 12)),
    command('ConfirmOrder', {}, T(1, 13)),
  ]);

const ship = (shipmentId: string, lines: { lineId: string; qty: number; markingCodes?: string[] }[], at = T(2)) =>
  command('ShipOrder', { shipmentId, lines }, at);

const delivered = (): OrderEvent[] => {
  const history = paid();
  return run(
    [
      ship('s1', [
        { lineId: 'l-shoes', qty: 3, markingCodes: CODES },
        { lineId: 'l-socks', qty: 2 },
      ]),
      command('MarkDelivered', {}, T(4)),
    ],
    history,
  );
};

const returnOf = (refundId: string, codes: string[], at = T(6)) =>
  command('RefundPayment', { refundId, lines: [{ lineId: 'l-shoes', qty: codes.length, markingCodes: codes }] }, at);

const issues = (input: unknown): string[] => {
  const decoded = decodeOrderCommand(input);
  return E.isLeft(decoded) ? decoded.left.issues.map((issue) => `${issue.path}: ${issue.rule}`) : [];
};

const metadata = { commandId: 'c-1', actor: actors.admin, at: T(1) };

describe('REC-6 at the boundary: one code per unit, each valid', () => {
  it('REC-6: a line that sends one markingCode is refused naming the field and the rule; marked goods are physical', () => {
    const { marked: _marked, ...unmarked } = shoes;
    const legacy = { ...unmarked, markingCode: CODES[0] };
    const data = { ...checkout, lines: [legacy, { ...socks, kind: 'digital', marked: true }] };
    expect(issues({ type: 'PlaceOrder', data, metadata })).toEqual([
      'data.lines.0.markingCode: no single code per line (REC-6): set marked: true and give one code per unit when it ships (ShipOrder lines[].markingCodes)',
      'data.lines.1.marked: only physical goods are marked',
    ]);
    expect(issues({ type: 'AddOrderLine', data: { line: legacy }, metadata })[0]).toMatch(/^data\.line\.markingCode: /);
    expect(issues({ type: 'PlaceOrder', data: checkout, metadata })).toEqual([]);
  });

  it('REC-6: a shipment line names as many codes as units, each once, each a scanned code', () => {
    const shipping = (lines: unknown) => issues({ type: 'ShipOrder', data: { shipmentId: 's1', lines }, metadata });
    expect(shipping([{ lineId: 'l-shoes', qty: 3, markingCodes: CODES.slice(0, 2) }])).toEqual([
      'data.lines.0.markingCodes: one marking code per unit: 3 codes for qty 3 (REC-6)',
    ]);
    expect(shipping([{ lineId: 'l-shoes', qty: 2, markingCodes: [CODES[0], CODES[0]] }])).toEqual([
      'data.lines.0.markingCodes: MarkingCodes(each code once: one code per unit)',
    ]);
    expect(
      shipping([
        { lineId: 'l-shoes', qty: 1, markingCodes: [CODES[0]] },
        { lineId: 'l-boots', qty: 1, markingCodes: [CODES[0]] },
      ]),
    ).toEqual(['data.lines.1.markingCodes.0: each marking code once: a code names one unit (REC-6)']);
    expect(shipping([{ lineId: 'l-shoes', qty: 1, markingCodes: ['typed by hand'] }])).toEqual([
      'data.lines.0.markingCodes.0: MarkingCode(8-512 printable ASCII characters or GS separators, no spaces)',
    ]);
    expect(shipping([{ lineId: 'l-shoes', qty: 3, markingCodes: CODES }])).toEqual([]);
  });

  it('REC-6: a return names as many codes as units returned', () => {
    const back = { refundId: 'r1', lines: [{ lineId: 'l-shoes', qty: 2, markingCodes: [CODES[0]] }] };
    expect(issues({ type: 'RefundPayment', data: back, metadata })).toEqual([
      'data.lines.0.markingCodes: one marking code per unit: 2 codes for qty 2 (REC-6)',
    ]);
  });
});

describe('REC-6 in the order decider: codes are scanned at packing', () => {
  it('REC-6: a marked line ships only with a code per unit; an unmarked one with none', () => {
    const history = paid();
    expect(refusal(history, command('ShipOrder', { shipmentId: 's1' }, T(2)))).toBe('marking-codes-required');
    expect(refusal(history, ship('s1', [{ lineId: 'l-shoes', qty: 2 }]))).toBe('marking-codes-required');
    expect(refusal(history, ship('s1', [{ lineId: 'l-socks', qty: 1, markingCodes: [CODES[0]!] }]))).toBe('not-marked');
    const events = run([ship('s1', [{ lineId: 'l-shoes', qty: 2, markingCodes: CODES.slice(0, 2) }])], history);
    expect(events.find((e) => e.type === 'ShipmentDispatched')?.data).toMatchObject({
      lines: [{ lineId: 'l-shoes', qty: 2, markingCodes: CODES.slice(0, 2) }],
    });
  });

  it('REC-6: a code names one unit: a code already shipped on the order is refused, until its shipment is cancelled', () => {
    const history = paid();
    const first = run([ship('s1', [{ lineId: 'l-shoes', qty: 1, markingCodes: [CODES[0]!] }])], history);
    expect(refusal(first, ship('s2', [{ lineId: 'l-shoes', qty: 1, markingCodes: [CODES[0]!] }]))).toBe(
      'marking-code-reused',
    );
    const cancelled = run(
      [command('CancelShipment', { shipmentId: 's1', reason: 'packed wrong box' }, T(2, 12))],
      first,
    );
    expect(refusal(cancelled, ship('s2', [{ lineId: 'l-shoes', qty: 1, markingCodes: [CODES[0]!] }]))).toBeUndefined();
  });

  it('REC-6: a return names the units by code: shipped ones, each at most once; without codes it is refused', () => {
    const history = delivered();
    expect(
      refusal(history, command('RefundPayment', { refundId: 'r1', lines: [{ lineId: 'l-shoes', qty: 1 }] }, T(6))),
    ).toBe('marking-codes-required');
    expect(refusal(history, returnOf('r1', ['0104600439931256215Mr7RfeH6J8r9']))).toBe('unknown-marking-code');
    const once = run([returnOf('r1', [CODES[1]!])], history);
    expect(refusal(once, returnOf('r2', [CODES[1]!]))).toBe('marking-code-returned');
    expect(once.at(-1)).toMatchObject({
      type: 'PaymentRefunded',
      data: { lines: [{ lineId: 'l-shoes', qty: 1, markingCodes: [CODES[1]] }] },
    });
  });

  it('REC-6: each returned unit is worth what its position was settled at (the discount leaves one unit a kopeck cheaper)', () => {
    const history = delivered();
    // 2,100,000 - 1 kopeck of discount spread by value: the shoes' net is 2,099,999 = 699,999 + 2 x 700,000.
    const value = (code: string) => {
      const events = run([returnOf(`r-${code.slice(-12, -7)}`, [code])], history);
      return events.find((e) => e.type === 'PaymentRefunded')!.data.amount.amount;
    };
    expect(CODES.map(value)).toEqual([699_999, 700_000, 700_000]);
  });
});

describe('REC-6 from the order stream to the receipts', () => {
  const envelopes = (events: readonly OrderEvent[]): Envelope<OrderEvent>[] =>
    events.map((event, i) => ({
      event,
      eventId: `e${i}`,
      streamId: orderStreamId('o-1'),
      streamVersion: i,
      globalPosition: String(i),
      occurredAt: T(1 + Math.min(i, 8)),
      recordedAt: T(1 + Math.min(i, 8)),
      actor: actors.admin,
      schemaVersion: 1,
    }));
  const receiptsOf = (events: readonly OrderEvent[]) => {
    const commands = receiptsCommandsFor(envelopes(events));
    if (E.isLeft(commands)) throw new Error(commands.left.message);
    const sim = simulate(commands.right.map((c) => c.command));
    return sim.state.issued.map((id) => sim.state.receipts[id]!.receipt);
  };

  it('REC-6: the closing receipt has one position per shoe with its code, at its price; the return lists the code that came back', () => {
    const history = delivered();
    const returned = run([returnOf('r1', [CODES[0]!])], history);
    const receipts = receiptsOf(returned);
    const closing = receipts.find((r) => r.kind === 'full-settlement' && r.operation === 'income')!;
    expect(
      closing.items.map((item) => [item.lineId, item.quantity, item.markingCode ?? null, item.amount.amount]),
    ).toEqual([
      ['l-shoes', 1, CODES[0], 699_999],
      ['l-shoes~1', 1, CODES[1], 700_000],
      ['l-shoes~1', 1, CODES[2], 700_000],
      ['l-socks', 2, null, 100_000],
    ]);
    const back = receipts.at(-1)!;
    expect(back.operation).toBe('income-return');
    expect(back.items.map((item) => [item.lineId, item.markingCode, item.amount.amount])).toEqual([
      ['l-shoes', CODES[0], 699_999],
    ]);
  });

  it("REC-6: an order stored before issue 9.5 still decodes; its one-unit line keeps its one code as that unit's code", () => {
    const old = {
      ...checkout,
      lines: [{ ...socks, lineId: 'l-old', qty: 1, unitPrice: rub(2_200_000), markingCode: CODES[2]! }],
    };
    const placed = run([command('PlaceOrder', { ...old, discount: rub(0), total: rub(2_200_000) }, T(1))]);
    // Stored shape, as written before: the event carries `markingCode` and no `marked`.
    const stored = JSON.parse(JSON.stringify(placed)) as unknown[];
    const decoded = stored.map((event) => OrderEventDecoder.decode(event));
    expect(decoded.every(E.isRight)).toBe(true);
    const events = decoded.flatMap((d) => (E.isRight(d) ? [d.right] : []));
    let state = fold(orderDecider.initialState, events);
    const next: OrderCommand[] = [
      command('ConfirmOfflinePayment', {}, T(1, 12)),
      command('ConfirmOrder', {}, T(1, 13)),
      // Legacy lines are marked: a new shipment scans the unit's code like any other.
      ship('s1', [{ lineId: 'l-old', qty: 1, markingCodes: [CODES[2]!] }]),
      command('MarkDelivered', {}, T(4)),
    ];
    const all = [...events];
    for (const cmd of next) {
      const out = orderDecider.decide(cmd, state);
      if (E.isLeft(out)) throw new Error(out.left.message);
      all.push(...out.right);
      state = fold(state, out.right);
    }
    const closing = receiptsOf(all).find((r) => r.kind === 'full-settlement')!;
    expect(closing.items.map((item) => item.markingCode)).toEqual([CODES[2]]);
  });
});
