// Done-when of issue 15: `ordersource simulate` reproduces the fiscal-receipt
// scenarios of seed 003 (RetailCRM, 54-FZ; REC-1..REC-8) from JSON input alone.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulate as simulateReceipts, type Receipt } from '@ordersource/domain/receipts';
import { describe, expect, it } from 'vitest';
import { expectedFileOf, inputFiles, ROOT, simulateFile } from './expected.js';
import { scenarioFiles } from './inputs.js';

const BIN = join(ROOT, '../../packages/cli/bin/ordersource.js');

/** Runs the real binary: argv, optional stdin; resolves with stdout, stderr and the exit code. */
const run = (
  args: readonly string[],
  stdin?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });

/** Instants compared as instants: the runtime's clock writes "…T00:00:00.000Z" where a script wrote "…T00:00:00Z". */
const normal = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value), (_key, v: unknown) =>
    typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(v) ? new Date(v).toISOString() : v,
  );

describe('examples/cli-simulate: seed 003 from JSON alone', () => {
  it('has one input file per seed scenario, as the scenarios are written today', () => {
    const files = scenarioFiles();
    expect(files.length).toBe(10);
    for (const { file, text } of files) expect(readFileSync(join(ROOT, file), 'utf8'), file).toBe(text);
  });

  for (const input of inputFiles())
    it(`${input}: prints exactly ${expectedFileOf(input)}`, async () => {
      const { text } = await simulateFile(input);
      expect(text).toBe(readFileSync(join(ROOT, expectedFileOf(input)), 'utf8'));
    });

  for (const { file, scenario } of scenarioFiles())
    it(`${scenario.name} (${scenario.rules.join(', ')}): the receipts are the ones the receipts decider issues`, async () => {
      const { records } = await simulateFile(file);
      const printed = records.filter((r) => r.kind === 'receipt').map((r) => r.receipt as Receipt);
      const direct = simulateReceipts(scenario.commands).state;
      const expected = direct.issued.map((id) => direct.receipts[id]?.receipt);
      expect(printed.length).toBeGreaterThan(0);
      expect(normal(printed)).toEqual(normal(expected));
      // A command the decider refuses is printed as rejected, with its code.
      const refusedDirect = simulateReceipts(scenario.commands).outcomes.filter((o) => o.result._tag === 'Left').length;
      expect(records.filter((r) => r.kind === 'rejected').length).toBe(refusedDirect);
    });

  it('the binary prints the same from a file (exit 0) and from stdin (exit 1 when a line is rejected)', async () => {
    const file = 'receipts/advance-advance-delivery.jsonl';
    const byFile = await run(['simulate', file]);
    expect(byFile.stderr).toBe('');
    expect(byFile.code).toBe(0);
    expect(byFile.stdout).toBe(readFileSync(join(ROOT, expectedFileOf(file)), 'utf8'));

    const late = 'receipts/courier-collects-the-difference.jsonl';
    const byStdin = await run(['simulate', '-'], readFileSync(join(ROOT, late), 'utf8'));
    expect(byStdin.code).toBe(1);
    expect(byStdin.stdout).toBe(readFileSync(join(ROOT, expectedFileOf(late)), 'utf8'));
    const rejected = byStdin.stdout
      .split('\n')
      .filter((l) => l.includes('"kind":"rejected"'))
      .map((l) => JSON.parse(l) as { code: string; type: string });
    expect(rejected.map((r) => [r.type, r.code])).toEqual([['RecordComposition', 'order-locked']]);
  }, 60_000);
});
