import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulate, type SimRecord } from '@ordersource/cli';

export const ROOT = join(import.meta.dirname, '..');

/** Every input file of this example (seed 003's receipts scenarios, the order walk-through). */
export const inputFiles = (): string[] => [...jsonlIn('receipts'), ...jsonlIn('orders')];

const jsonlIn = (dir: string): string[] =>
  existsSync(join(ROOT, dir))
    ? readdirSync(join(ROOT, dir))
        .filter((f) => f.endsWith('.jsonl') && !f.endsWith('.expected.jsonl'))
        .sort()
        .map((f) => `${dir}/${f}`)
    : [];

export const expectedFileOf = (input: string): string => input.replace(/\.jsonl$/, '.expected.jsonl');

/** What `ordersource simulate <input>` prints, computed in this process. */
export const simulateFile = async (input: string): Promise<{ text: string; records: SimRecord[] }> => {
  const lines: string[] = [];
  const records: SimRecord[] = [];
  const summary = await simulate(readFileSync(join(ROOT, input), 'utf8').split('\n'), (record) => {
    records.push(record);
    lines.push(JSON.stringify(record));
  });
  lines.push(JSON.stringify(summary));
  return { text: `${lines.join('\n')}\n`, records };
};
