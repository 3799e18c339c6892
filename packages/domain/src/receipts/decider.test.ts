import {
  createCommandHandler,
  createEnvelopeDecoder,
  createInMemoryEventStore,
  decode,
  type CommandHandler,
} from '@ordersource/core';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { ReceiptsCommandCodec, type ReceiptsCommand } from './commands.js';
import { ReceiptLineCodec } from './model.js';
import { receiptsDecider } from './decider.js';
import { ReceiptsEventCodec, receiptsStreamId, type ReceiptsEvent } from './events.js';
import { createInMemoryFiscalRegister, acceptAll } from './register-memory.js';
import { MARKING_CODE, markedShoes, order7000, rub, sneakers } from './scenarios.js';
import { script } from './script.js';
import { pendingRequests, sendPendingReceipts } from './send.js';
import { simulate } from './simulate.js';
import type { ReceiptsState } from './state.js';

const t = (d: number): string => `2026-11-${String(d).padStart(2, '0')}T10:00:00Z`;
const ORDER = 'o-42';
const STREAM = receiptsStreamId(ORDER);

const setup = (): CommandHandler<ReceiptsCommand, ReceiptsEvent, ReceiptsState> =>
  createCommandHandler({
    store: createInMemoryEventStore(),
    decider: receiptsDecider,
    decodeEnvelope: createEnvelopeDecoder<ReceiptsEvent>(ReceiptsEventCodec),
  });

const run = async (handler: ReturnType<typeof setup>, commands: readonly ReceiptsCommand[]): Promise<void> => {
  for (const command of commands) {
    const handled = await handler.handle(STREAM, command);
    if (E.isLeft(handled)) throw new Error(handled.left.message);
  }
};

const stateOf = async (handler: ReturnType<typeof setup>): Promise<ReceiptsState> => {
  const loaded = await handler.load(STREAM);
  if (E.isLeft(loaded)) throw new Error(loaded.left.message);
  return loaded.right.state;
};

describe('receipts decider: one receipt per money movement', () => {
  it('REC-1: the same payment recorded twice (the policy ran twice) is refused the second time', () => {
    const s = script(ORDER);
    const sim = simulate([
      s.compose(t(1), 'placed', order7000),
      s.pay(t(1), 'p-1', rub(5000)),
      s.pay(t(2), 'p-1', rub(5000)),
    ]);
    const last = sim.outcomes[2]!.result;
    expect(E.isLeft(last) && last.left.code).toBe('duplicate-movement');
    expect(sim.state.issued).toHaveLength(1);
  });

  it('REC-1: the same refund and the same handover are refused the second time', () => {
    const s = script(ORDER);
    const sim = simulate([
      s.compose(t(1), 'placed', order7000),
      s.pay(t(1), 'p-1', rub(5000)),
      s.refund(t(2), 'r-1', rub(1000)),
      s.refund(t(2), 'r-1', rub(1000)),
      s.handover(t(3), 'h-1', 'shipped'),
      s.handover(t(3), 'h-1', 'shipped'),
    ]);
    expect(sim.outcomes.map((outcome) => (E.isLeft(outcome.result) ? outcome.result.left.code : 'ok'))).toEqual([
      'ok',
      'ok',
      'ok',
      'duplicate-movement',
      'ok',
      'duplicate-movement',
    ]);
  });

  it('REC-1: a command delivered twice through the handler appends nothing the second time', async () => {
    const handler = setup();
    const s = script(ORDER);
    const pay = s.pay(t(1), 'p-1', rub(7000));
    await run(handler, [s.compose(t(1), 'placed', order7000), pay]);
    const again = await handler.handle(STREAM, pay);
    expect(E.isRight(again) && again.right.duplicate).toBe(true);
    expect((await stateOf(handler)).issued).toHaveLength(1);
  });

  it('REC-5: a composition that did not change records nothing', () => {
    const s = script(ORDER);
    const sim = simulate([s.compose(t(1), 'placed', order7000), s.compose(t(1), 'same', order7000)]);
    expect(sim.events).toHaveLength(1);
  });

  it('REC-2: commands are validated at the boundary: fractional kopecks and empty ids are refused', () => {
    const bad = decode(
      ReceiptsCommandCodec,
      'receipts command',
    )({
      type: 'RecordPayment',
      data: { movementId: '', amount: { amount: 1.5, currency: 'RUB' }, means: 'electronic', channel: 'online' },
      metadata: { commandId: 'c', actor: { kind: 'system', id: 's' }, at: t(1) },
    });
    expect(E.isLeft(bad) && bad.left.issues.map((issue) => issue.path)).toEqual(
      expect.arrayContaining(['data.movementId', 'data.amount.amount']),
    );
  });
});

describe('register-response flow', () => {
  it('REC-1: accepted receipts get their fiscal sign; sending again sends nothing and fiscalises nothing twice', async () => {
    const handler = setup();
    const s = script(ORDER);
    await run(handler, [
      s.compose(t(1), 'placed', order7000),
      s.pay(t(1), 'p-1', rub(5000)),
      s.pay(t(2), 'p-2', rub(2000)),
    ]);
    const register = createInMemoryFiscalRegister();
    const first = await sendPendingReceipts({ register, handler, streamId: STREAM, now: () => t(3) });
    expect(first).toEqual(E.right({ sent: 2, accepted: 2, rejected: 0 }));
    const second = await sendPendingReceipts({ register, handler, streamId: STREAM, now: () => t(3) });
    expect(second).toEqual(E.right({ sent: 0, accepted: 0, rejected: 0 }));
    const state = await stateOf(handler);
    expect(state.issued.map((id) => state.receipts[id]!.status)).toEqual(['accepted', 'accepted']);
    expect(register.fiscalised().map((doc) => doc.request.externalId)).toEqual(state.issued.map((id) => `${id}#0`));
  });

  it('REC-1: the in-memory register fiscalises one external id once, however often it is asked', async () => {
    const register = createInMemoryFiscalRegister();
    const sim = simulate([script(ORDER).compose(t(1), 'placed', order7000), script(ORDER).pay(t(1), 'p', rub(7000))]);
    const [request] = pendingRequests(sim.state);
    const a = await register.submit(request!);
    const b = await register.submit(request!);
    expect(b).toEqual(a);
    expect(register.submissions()).toHaveLength(2);
    expect(register.fiscalised()).toHaveLength(1);
  });

  it('REC-1: a retryable rejection (register offline) is sent again and then accepted', async () => {
    const handler = setup();
    const s = script(ORDER);
    await run(handler, [s.compose(t(1), 'placed', order7000), s.pay(t(1), 'p-1', rub(7000))]);
    const register = createInMemoryFiscalRegister({
      respond: (request, attempt, n) =>
        attempt === 1
          ? { status: 'rejected', reason: 'ККТ не на связи', retryable: true }
          : acceptAll(request, attempt, n),
    });
    expect(await sendPendingReceipts({ register, handler, streamId: STREAM, now: () => t(2) })).toEqual(
      E.right({ sent: 1, accepted: 0, rejected: 1 }),
    );
    const rejected = await stateOf(handler);
    expect(Object.values(rejected.receipts)[0]).toMatchObject({
      status: 'rejected',
      attempts: 1,
      rejection: { reason: 'ККТ не на связи', retryable: true },
    });
    expect(await sendPendingReceipts({ register, handler, streamId: STREAM, now: () => t(2) })).toEqual(
      E.right({ sent: 1, accepted: 1, rejected: 0 }),
    );
    expect(Object.values((await stateOf(handler)).receipts)[0]).toMatchObject({ status: 'accepted', attempts: 2 });
  });

  it('REC-1: a register that throws is recorded as a retryable rejection, and retries stop at maxAttempts', async () => {
    const handler = setup();
    const s = script(ORDER);
    await run(handler, [s.compose(t(1), 'placed', order7000), s.pay(t(1), 'p-1', rub(7000))]);
    const register = {
      submit: () => Promise.reject(new Error('connection refused')),
    };
    for (let i = 0; i < 3; i++)
      await sendPendingReceipts({ register, handler, streamId: STREAM, now: () => t(2), maxAttempts: 2 });
    const record = Object.values((await stateOf(handler)).receipts)[0]!;
    expect(record).toMatchObject({ status: 'rejected', attempts: 2 });
    expect(record.rejection?.reason).toContain('connection refused');
  });

  it('REC-6: a receipt rejected for a bad marking code is corrected (new revision) and accepted with [M+]', async () => {
    const handler = setup();
    const s = script(ORDER);
    // The pair's code was mistyped at packing; the settlement receipt is the one that carries codes.
    const typo = { ...markedShoes, quantity: 1, markingCodes: ['broken-code'] };
    await run(handler, [
      s.compose(t(1), 'placed', [typo]),
      s.pay(t(1), 'p-1', rub(7000)),
      s.handover(t(1), 'delivered', 'delivered'),
    ]);
    const register = createInMemoryFiscalRegister({
      respond: (request, attempt, n) =>
        request.receipt.items.some((item) => item.markingCode === 'broken-code')
          ? { status: 'rejected', reason: 'код маркировки не прошёл проверку', retryable: false }
          : acceptAll(request, attempt, n),
    });
    await sendPendingReceipts({ register, handler, streamId: STREAM, now: () => t(2) });
    const rejected = await stateOf(handler);
    const [prepaymentId, receiptId] = rejected.issued as [string, string];
    expect(rejected.receipts[prepaymentId]!.status).toBe('accepted');
    expect(rejected.receipts[receiptId]!.status).toBe('rejected');
    expect(pendingRequests(rejected)).toEqual([]);

    const record = rejected.receipts[receiptId]!;
    const items = record.receipt.items.map((item) => ({ ...item, markingCode: MARKING_CODE }));
    const corrected = await handler.handle(STREAM, {
      type: 'CorrectReceipt',
      data: { receiptId, items, reason: 'код маркировки отсканирован заново' },
      metadata: { commandId: 'fix-1', actor: { kind: 'admin', id: 'ann' }, at: t(3) },
    });
    expect(E.isRight(corrected)).toBe(true);
    await sendPendingReceipts({ register, handler, streamId: STREAM, now: () => t(3) });
    const done = (await stateOf(handler)).receipts[receiptId]!;
    expect(done).toMatchObject({ status: 'accepted', revision: 1, acceptedMarks: [MARKING_CODE] });
    expect(register.fiscalised().map((doc) => doc.request.externalId)).toEqual([`${prepaymentId}#0`, `${receiptId}#1`]);
  });

  it('REC-2: a correction may not change money, and only a rejected receipt can be corrected', () => {
    const s = script(ORDER);
    const sim = simulate([s.compose(t(1), 'placed', order7000), s.pay(t(1), 'p-1', rub(7000))]);
    const receiptId = sim.state.issued[0]!;
    const items = sim.state.receipts[receiptId]!.receipt.items;
    const correct = (commandId: string, changed: typeof items) =>
      ({
        type: 'CorrectReceipt',
        data: { receiptId, items: changed, reason: 'fix' },
        metadata: { commandId, actor: { kind: 'admin', id: 'ann' }, at: t(2) },
      }) as const;
    const pending = receiptsDecider.decide(correct('c-1', items), sim.state);
    expect(E.isLeft(pending) && pending.left.code).toBe('not-correctable');
    const rejected = simulate(
      [s.respond(t(2), receiptId, 0, { status: 'rejected', reason: 'wrong VAT', retryable: false })],
      sim.state,
    ).state;
    const cheaper = items.map((item, i) => (i === 0 ? { ...item, amount: rub(1) } : item));
    const refused = receiptsDecider.decide(correct('c-2', cheaper), rejected);
    expect(E.isLeft(refused) && refused.left.code).toBe('correction-changes-money');
    const renamed = items.map((item) => ({ ...item, vat: 'vat10_110' as const }));
    expect(E.isRight(receiptsDecider.decide(correct('c-3', renamed), rejected))).toBe(true);
  });

  it('REC-1: an answer for an old revision or a second, different fiscal sign is refused', () => {
    const s = script(ORDER);
    const sim = simulate([s.compose(t(1), 'placed', order7000), s.pay(t(1), 'p-1', rub(7000))]);
    const receiptId = sim.state.issued[0]!;
    const ok = { status: 'accepted', fiscalSign: '111', documentNumber: 1, acceptedMarks: [] } as const;
    const after = simulate(
      [
        s.respond(t(2), receiptId, 3, ok),
        s.respond(t(2), receiptId, 0, ok),
        s.respond(t(2), receiptId, 0, ok),
        s.respond(t(2), receiptId, 0, { ...ok, fiscalSign: '222' }),
        s.respond(t(2), 'nope', 0, ok),
      ],
      sim.state,
    );
    expect(
      after.outcomes.map((outcome) =>
        E.isLeft(outcome.result) ? outcome.result.left.code : `ok:${outcome.result.right.length}`,
      ),
    ).toEqual(['stale-response', 'ok:1', 'ok:0', 'already-fiscalised', 'unknown-receipt']);
  });
});

describe('composition and configuration rules', () => {
  const codes = (commands: readonly ReceiptsCommand[]) =>
    simulate(commands).outcomes.map((outcome) => (E.isLeft(outcome.result) ? outcome.result.left.code : 'ok'));

  it('REC-2: a line is validated at the boundary: VAT code, whole positive quantity, integer price, marking code', () => {
    const bad = decode(
      ReceiptLineCodec,
      'line',
    )({
      ...sneakers,
      vat: 'vat18',
      quantity: 0,
      price: { amount: 10.5, currency: 'RUB' },
      markingCode: '',
      markingCodes: ['0104600439931256215Mr7RfeH6J8r1', 'typed by hand'],
    });
    expect(E.isLeft(bad) && bad.left.issues.map((issue) => issue.path).sort()).toEqual(
      ['markingCode', 'markingCodes.1', 'price.amount', 'quantity', 'vat'].sort(),
    );
  });

  it('REC-6: a line names at most one code per unit, each code once', () => {
    const line = decode(ReceiptLineCodec, 'line');
    const two = ['0104600439931256215Mr7RfeH6J8r1', '0104600439931256215Mr7RfeH6J8r2'];
    expect(E.isRight(line({ ...markedShoes, quantity: 2, markingCodes: two }))).toBe(true);
    const tooMany = line({ ...markedShoes, quantity: 1, markingCodes: two });
    expect(E.isLeft(tooMany) && tooMany.left.issues.map((issue) => [issue.path, issue.rule])).toEqual([
      ['markingCodes', 'at most one marking code per unit of quantity (REC-6)'],
    ]);
    const twice = line({ ...markedShoes, quantity: 2, markingCodes: [two[0], two[0]] });
    expect(E.isLeft(twice) && twice.left.issues.map((issue) => issue.path)).toEqual(['markingCodes']);
    expect(E.isLeft(twice) && twice.left.message).toContain('each code once');
    // The decider checks the same for callers that skip decoding, and a code across lines too.
    const s = script(ORDER);
    expect(
      codes([
        s.compose(t(1), 'too-many', [{ ...markedShoes, quantity: 1, markingCodes: two }]),
        s.compose(t(1), 'shared', [
          { ...markedShoes, quantity: 1, markingCodes: [two[0]!] },
          { ...markedShoes, lineId: 'l-other', quantity: 1, markingCodes: [two[0]!] },
        ]),
      ]),
    ).toEqual(['too-many-marking-codes', 'duplicate-marking-code']);
  });

  it('REC-2: a composition is one currency, unique line ids, at least one line, and belongs to its order', () => {
    const s = script(ORDER);
    const other = script('o-other');
    expect(
      codes([
        s.compose(t(1), 'empty', []),
        s.compose(t(1), 'mixed', [sneakers, { ...order7000[1]!, price: { amount: 100, currency: 'EUR' } }]),
        s.compose(t(1), 'twice', [sneakers, sneakers]),
        s.compose(t(1), 'placed', order7000),
        other.compose(t(1), 'placed', order7000),
        other.configure(t(1), { closeOn: { trigger: 'delivery' }, digitalSettlesOnPayment: true }),
      ]),
    ).toEqual(['empty-composition', 'currency-mismatch', 'duplicate-line', 'ok', 'wrong-order', 'wrong-order']);
  });

  it('REC-8/ORD-9: the closing moment can be reconfigured until the closing receipt, not after', () => {
    const s = script(ORDER);
    const config = { closeOn: { trigger: 'shipment' }, digitalSettlesOnPayment: true } as const;
    expect(
      codes([
        s.compose(t(1), 'placed', order7000),
        s.configure(t(1), config),
        s.pay(t(2), 'courier', rub(7000), { means: 'cash', channel: 'courier' }),
        s.configure(t(3), config),
      ]),
    ).toEqual(['ok', 'ok', 'ok', 'order-locked']);
  });
});
