// Writes <input>.expected.jsonl for every input file (review the diff before committing):
//   npx -y pnpm@10 --filter @ordersource/example-cli-simulate expected
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectedFileOf, inputFiles, ROOT, simulateFile } from './expected.js';

for (const input of inputFiles()) {
  const { text } = await simulateFile(input);
  writeFileSync(join(ROOT, expectedFileOf(input)), text);
  console.log(`wrote ${expectedFileOf(input)}`);
}
