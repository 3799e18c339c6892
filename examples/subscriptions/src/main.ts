// Prints the issue 13 walkthrough: npx -y pnpm@10 --filter @ordersource/example-subscriptions start
import { money } from '@ordersource/core';
import { renderReceipt } from '@ordersource/domain/receipts';
import { runScenario } from './scenario.js';

const result = await runScenario();
const rub = (amount: number) => money.format({ amount, currency: 'RUB' });

console.log('invoices:');
for (const invoice of result.invoices)
  console.log(
    `  ${invoice.invoiceId.padEnd(22)} ${(invoice.kind ?? 'renewal').padEnd(9)} ${rub(invoice.amount).padStart(14)}` +
      `  ${invoice.periodStart ?? ''} -> ${invoice.periodEnd}  paid ${rub(invoice.paid)}`,
  );
console.log('\ncharges on the saved card:');
for (const c of result.charges) console.log(`  ${c.invoiceId} attempt ${c.attempt}: ${c.outcome}`);
console.log('\nportal before the close:', JSON.stringify(result.portalBeforeClose, null, 2));
console.log('\nreceipts of the second renewal (54-FZ):');
for (const receipt of result.receipts) console.log(`${renderReceipt(receipt)}\n`);
console.log('history (newest first):');
for (const entry of result.history)
  console.log(
    `  ${entry.at}  ${entry.actor.kind}:${entry.actor.id}  ${entry.message}${entry.note === undefined ? '' : `  «${entry.note}»`}`,
  );
console.log('\nadmin list by status:', JSON.stringify(result.list, null, 2));
console.log('\nanalytics:', JSON.stringify(result.analytics, null, 2));
