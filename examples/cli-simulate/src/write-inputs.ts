// Writes receipts/<scenario>.jsonl from seed 003's scenarios:
//   npx -y pnpm@10 --filter @ordersource/example-cli-simulate inputs
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scenarioFiles } from './inputs.js';

for (const { file, text } of scenarioFiles()) {
  writeFileSync(join(import.meta.dirname, '..', file), text);
  console.log(`wrote ${file}`);
}
