import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createPgliteExecutor,
  createPostgresCheckpointStore,
  createPostgresEventStore,
  createPostgresParkedStore,
  createPostgresTimerStore,
} from '@ordersource/postgres';
import { describe, expect, it } from 'vitest';
import { runDemo } from './walk.js';

/** Run the demo once against a PGlite data directory and return what it printed. */
const runOnce = async (dataDir: string): Promise<string[]> => {
  const executor = await createPgliteExecutor({ dataDir });
  const store = await createPostgresEventStore(executor);
  const lines: string[] = [];
  try {
    await runDemo(store, (line) => lines.push(line), {
      checkpoints: createPostgresCheckpointStore(executor),
      timers: createPostgresTimerStore(executor),
      parked: createPostgresParkedStore(executor),
    });
  } finally {
    await store.close();
    await executor.close();
  }
  return lines;
};

describe('the README demo (examples/demo)', () => {
  it('runs on the shop runtime and says so: no hand-written loop (issue 11)', async () => {
    const source = await readFile(new URL('./walk.ts', import.meta.url), 'utf8');
    expect(source).toContain("from '@ordersource/runtime'");
    expect(source).toContain('there is no hand-written loop here');
    expect(source).not.toMatch(/effectsOf|syncOrderReceipts|for \(let round/);
  });

  it('walks one order from checkout to fulfilled with a partial refund, and a second run sees the first', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ordersource-demo-'));
    try {
      const first = (await runOnce(dataDir)).join('\n');
      expect(first).toContain('The store holds 0 order(s) from earlier runs.');
      // ORD-1: a checkout whose totals do not add up is rejected, naming the field and the rule.
      expect(first).toMatch(
        /✗ checkout with a wrong total: .*data\.total\.amount: must be total = subtotal \+ shippingFee - discount/,
      );
      expect(first).toContain('✓ checkout -> OrderPlaced');
      // ORD-2, ORD-3, PAY-7: the shop's policies react to the authorization.
      expect(first).toContain('policy order.record-on-payment: RecordOrder');
      expect(first).toContain('policy order.auto-confirm: ConfirmOrder');
      expect(first).toContain('✓ delivered -> ShipmentDelivered, OrderFulfilled');
      // PAY-5: never more than was received; a part is fine.
      expect(first).toMatch(/✗ refund more than was paid: refused/);
      expect(first).toContain('✓ refund two pairs of socks -> PaymentRefunded');
      // ORD-9 / REC-5: locked after the closing receipt.
      expect(first).toMatch(/✗ add a line after the closing receipt: refused: .*locked/);
      expect(first).toContain(
        'order confirmed, fulfillment fulfilled, payment partially_refunded (customer sees "paid")',
      );
      // REC-2: a 100% prepayment receipt, then the closing full settlement offsetting it.
      expect(first).toContain('ПРЕДОПЛАТА 100% (prepayment, 1214=1)');
      expect(first).toContain('ПОЛНЫЙ РАСЧЕТ (full-settlement, 1214=4)');
      // REC-7: the partial refund after settlement returns the two pairs on an income-return receipt.
      expect(first).toContain('ВОЗВРАТ ПРИХОДА (income return)  1054=2');
      expect(first).toMatch(/2 pair x 479\.45 RUB = 958\.90 RUB/);
      expect(first).not.toContain('receipts policy refused');
      // Issue 11: the receipts policy runs as a reactor of the runtime, and the lock after the closing receipt.
      expect(first).toContain('receipts RecordPayment -> ReceiptIssued');
      expect(first).toContain('policy receipts-lock-order: LockOrder');
      expect(first).toMatch(/Runtime: \d+ consumers \(reactors, timer planner, read models\), 0 behind, 0 parked/);
      // Typed notifications straight from the runtime (NOT-1).
      expect(first).toContain('notification: {"kind":"order-confirmation","orderId":"demo-1"');
      expect(first).toContain('The store now holds 1 order(s): SO-1001 7000.00 RUB partially_refunded.');
      // Issue 12 (NOT-1, NOT-2): the order's messages rendered in Russian and in Persian (right to left).
      expect(first).toContain('in Russian (4 messages):');
      expect(first).toContain('Subject: Заказ SO-1001 подтверждён: Беговой клуб');
      expect(first).toContain('Комментарий Беговой клуб: Your order is packed.');
      expect(first).toContain('in Persian (4 messages):');
      expect(first).toMatch(/--- email to Olga Petrova <olga@example\.ru> \[fa, rtl\]/);
      expect(first).toContain('\u2068Olga Petrova\u2069 عزیز، سلام');

      const second = (await runOnce(dataDir)).join('\n');
      expect(second).toContain('The store holds 1 order(s) from earlier runs: SO-1001.');
      expect(second).toContain('Checkout of SO-1002');
      expect(second).toContain('The store now holds 2 order(s)');
      // The checkpoints are in the database: the second run's reactors did not redo the first order's work.
      expect(second).toContain("The runtime's checkpoints are up to date: nothing to redo.");
      expect(second).not.toContain('"orderId":"demo-1"');
      expect(second).toContain('notification: {"kind":"order-confirmation","orderId":"demo-2"');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
