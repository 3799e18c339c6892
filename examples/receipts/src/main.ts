// Prints the fiscal receipts of seed 003's scenarios (RetailCRM, 54-FZ):
// npx -y pnpm@10 --filter @ordersource/example-receipts start
import { money } from '@ordersource/core';
import {
  createInMemoryFiscalRegister,
  pendingRequests,
  reconcile,
  renderReceipt,
  script,
  seedScenarios,
  simulate,
  type ReconciliationView,
} from '@ordersource/domain/receipts';
import * as E from 'fp-ts/lib/Either.js';

const rub = (amount: number): string => money.format({ amount, currency: 'RUB' });

const main = async (): Promise<void> => {
  const register = createInMemoryFiscalRegister();
  for (const scenario of seedScenarios) {
    console.log(`\n${'='.repeat(78)}\n${scenario.name}  (${scenario.rules.join(', ')})\n«${scenario.seed}»\n`);
    let run = simulate(scenario.commands);
    for (const outcome of run.outcomes)
      if (E.isLeft(outcome.result))
        console.log(`refused ${outcome.command.type}: ${outcome.result.left.code}: ${outcome.result.left.message}\n`);

    // Send what is owed to the (in-memory) online cash register and record its answers.
    const s = script(scenario.name, { kind: 'provider', id: 'fiscal-register' });
    const answers = [];
    for (const request of pendingRequests(run.state))
      answers.push(
        s.respond('2026-11-30T12:00:00Z', request.receiptId, request.revision, await register.submit(request)),
      );
    run = simulate(answers, run.state);

    const view: ReconciliationView = {};
    for (const receiptId of run.state.issued) {
      const record = run.state.receipts[receiptId];
      if (record === undefined) continue;
      console.log(`${renderReceipt(record.receipt, record)}\n`);
      reconcile(view, record.receipt);
    }
    for (const entry of Object.values(view))
      console.log(
        `reconciliation: received ${rub(entry.moneyReceived)}, returned ${rub(entry.moneyReturned)}, ` +
          `advances not yet offset ${rub(entry.advancesNotOffset)}, on credit ${rub(entry.credit)}, ` +
          (entry.closed ? 'closed (order locked)' : 'open'),
      );
  }
};

await main();
