import {
  createCommandHandler,
  createEnvelopeDecoder,
  createInMemoryEventStore,
  createProjectionRunner,
  type EventStore,
} from '@ordersource/core';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { receiptsDecider } from './decider.js';
import { ReceiptsEventCodec, receiptsStreamId, type ReceiptsEvent } from './events.js';
import { reconciliationProjection, receiptsRegisterProjection } from './projections.js';
import { createInMemoryFiscalRegister } from './register-memory.js';
import { order7000, rub, seedScenarios } from './scenarios.js';
import { script } from './script.js';
import { sendPendingReceipts } from './send.js';

const handlerFor = (store: EventStore) =>
  createCommandHandler({
    store,
    decider: receiptsDecider,
    decodeEnvelope: createEnvelopeDecoder<ReceiptsEvent>(ReceiptsEventCodec),
  });

/** Append the seed scenarios (each is its own order) to one store. */
const seeded = async (names: readonly string[]): Promise<EventStore> => {
  const store = createInMemoryEventStore();
  const handler = handlerFor(store);
  for (const scenario of seedScenarios.filter((candidate) => names.includes(candidate.name)))
    for (const command of scenario.commands) await handler.handle(receiptsStreamId(scenario.name), command);
  return store;
};

describe('receipts register projection', () => {
  it('REC-2: one row per receipt per order with kind, tag 1214, operation and totals by VAT rate', async () => {
    const store = await seeded(['advance-advance-delivery']);
    const runner = createProjectionRunner(store, receiptsRegisterProjection);
    expect(E.isRight(await runner.catchUp())).toBe(true);
    const rows = runner.state().byOrder['advance-advance-delivery']!;
    expect(
      rows.map((row) => [row.kind, row.paymentMethod, row.operation, row.total.amount, row.newMoney.amount]),
    ).toEqual([
      ['advance', 3, 'income', 500_000, 500_000],
      ['advance', 3, 'income', 200_000, 200_000],
      ['full-settlement', 4, 'income', 700_000, 0],
    ]);
    // 20/120 of 5,000.00 is 833.33. Issue 8.8: the rate's VAT (tag 1102) is rounded once from the
    // rate's total, 20/120 of 7,000.00 = 1,166.67; the positions' own VAT (tag 1200) 833.33 + 333.33
    // sums to 1,166.66 (docs/receipts.md, "VAT").
    expect(rows[0]!.byVat).toEqual({ vat20_120: { gross: 500_000, vat: 83_333, positionsVat: 83_333 } });
    expect(rows[2]!.byVat).toEqual({ vat20: { gross: 700_000, vat: 116_667, positionsVat: 116_666 } });
  });

  it('REC-2: per day, income and income-return totals, counts by kind and signed totals by VAT rate', async () => {
    const store = await seeded(['full-refund-before-delivery', 'partial-refund-after-settlement']);
    const runner = createProjectionRunner(store, receiptsRegisterProjection);
    await runner.catchUp();
    const days = runner.state().byDay;
    expect(Object.keys(days).sort()).toEqual(['2026-11-01', '2026-11-02', '2026-11-04', '2026-11-06']);
    expect(days['2026-11-01']!['RUB']).toMatchObject({
      receipts: 2,
      income: 1_200_000,
      incomeReturn: 0,
      byKind: { advance: 1, prepayment: 1 },
    });
    expect(days['2026-11-02']!['RUB']).toMatchObject({
      receipts: 1,
      income: 0,
      incomeReturn: 500_000,
      byVat: { vat20_120: { gross: -500_000, vat: -83_333, positionsVat: -83_333 } },
    });
    expect(days['2026-11-06']!['RUB']!.byVat).toEqual({
      vat20: { gross: -100_000, vat: -16_667, positionsVat: -16_667 },
    });
  });

  it('REC-6: a row follows its receipt through the register: pending, then accepted with its fiscal sign', async () => {
    const store = await seeded(['marked-goods']);
    const handler = handlerFor(store);
    const runner = createProjectionRunner(store, receiptsRegisterProjection);
    await runner.catchUp();
    // Prepayment, closing (three marked positions), the return of one pair.
    expect(runner.state().byOrder['marked-goods']!.map((row) => row.status)).toEqual(['pending', 'pending', 'pending']);
    await sendPendingReceipts({
      register: createInMemoryFiscalRegister(),
      handler,
      streamId: receiptsStreamId('marked-goods'),
      now: () => '2026-11-05T10:00:00Z',
    });
    await runner.catchUp();
    expect(runner.state().byOrder['marked-goods']!.map((row) => [row.status, row.fiscalSign])).toEqual([
      ['accepted', '3000000001'],
      ['accepted', '3000000002'],
      ['accepted', '3000000003'],
    ]);
  });
});

describe('reconciliation projection', () => {
  it('REC-5/REC-7: money received, money returned, advances not yet offset, per order', async () => {
    const store = await seeded(seedScenarios.map((scenario) => scenario.name));
    const runner = createProjectionRunner(store, reconciliationProjection);
    await runner.catchUp();
    const view = runner.state();
    expect(view['advance-advance-delivery']).toMatchObject({
      moneyReceived: 700_000,
      moneyReturned: 0,
      advancesNotOffset: 0,
      offset: 700_000,
      closed: true,
    });
    expect(view['full-refund-before-delivery']).toMatchObject({
      moneyReceived: 500_000,
      moneyReturned: 500_000,
      advancesNotOffset: 0,
      closed: false,
    });
    expect(view['partial-refund-after-settlement']).toMatchObject({
      moneyReceived: 700_000,
      moneyReturned: 100_000,
      advancesNotOffset: 0,
      closed: true,
    });
    expect(view['licence-settled-at-payment']).toMatchObject({ moneyReceived: 299_000, offset: 0, closed: true });
  });

  it('REC-5: an advance paid before handover stays "not yet offset" until the closing receipt', async () => {
    const store = await seeded(['advance-advance-delivery']);
    const runner = createProjectionRunner(store, reconciliationProjection);
    // Fold the first receipts only: up to the second advance.
    let seen = 0;
    const partial = createProjectionRunner(store, {
      ...reconciliationProjection,
      evolve: (draft, envelope) => {
        if (envelope.event.type === 'ReceiptIssued' && ++seen <= 2) reconciliationProjection.evolve(draft, envelope);
      },
    });
    await partial.catchUp();
    expect(partial.state()['advance-advance-delivery']).toMatchObject({ advancesNotOffset: 700_000, closed: false });
    await runner.catchUp();
    expect(runner.state()['advance-advance-delivery']).toMatchObject({ advancesNotOffset: 0, closed: true });
  });

  it('PAY-5/REC-7 (issue 9): a refund beyond the money received shows as unreceipted until money paid back puts it right', async () => {
    const store = createInMemoryEventStore();
    const handler = handlerFor(store);
    const s = script('over-refund');
    const at = (h: number): string => `2026-11-01T${String(h).padStart(2, '0')}:00:00Z`;
    const commands = [
      s.compose(at(8), 'placed', order7000),
      s.pay(at(9), 'pay-1', rub(5000)),
      s.refund(at(10), 'refund-1', rub(8000)),
    ];
    for (const command of commands) await handler.handle(receiptsStreamId('over-refund'), command);
    const runner = createProjectionRunner(store, reconciliationProjection);
    await runner.catchUp();
    expect(runner.state()['over-refund']).toMatchObject({
      moneyReceived: 500_000,
      moneyReturned: 500_000,
      unreceiptedRefund: 300_000,
    });
    await handler.handle(receiptsStreamId('over-refund'), s.pay(at(11), 'repay', rub(3500)));
    await runner.catchUp();
    // 3000 put the refund right (no receipt); the other 500 is an advance.
    expect(runner.state()['over-refund']).toMatchObject({ moneyReceived: 550_000, unreceiptedRefund: 0 });
  });
});
