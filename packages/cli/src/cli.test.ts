// The binary as a user meets it: --help for every command, usage errors on
// stderr with exit 2 and no stack trace, simulate from stdin with rejected
// lines reported and the run going on (exit 1).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from './exit-codes.js';
import { runCli, runInProcess } from './test-support/run-cli.js';

const COMMANDS = [
  ['simulate'],
  ['inspect'],
  ['state'],
  ['migrate'],
  ['doctor'],
  ['projections'],
  ['projections', 'rebuild'],
  ['reactors'],
  ['reactors', 'status'],
  ['reactors', 'retry'],
];

const order = (extra: Record<string, unknown>) =>
  JSON.stringify({
    stream: 'receipts-o-1',
    type: 'RecordComposition',
    data: {
      orderId: 'o-1',
      changeId: 'placed',
      lines: [
        {
          lineId: 'l-1',
          name: 'Чай',
          quantity: 1,
          unit: 'шт',
          price: { amount: 50000, currency: 'RUB' },
          vat: 'vat20',
          subject: 'goods',
          kind: 'physical',
        },
      ],
    },
    at: '2026-11-01T10:00:00Z',
    ...extra,
  });

describe('ordersource (the binary)', () => {
  it('--help for every command, exit 0', async () => {
    const top = await runCli(['--help']);
    expect(top.code).toBe(EXIT.ok);
    for (const name of ['simulate', 'inspect', 'state', 'migrate', 'doctor', 'projections', 'reactors'])
      expect(top.stdout).toContain(`  ${name} `);
    for (const command of COMMANDS) {
      const help = await runInProcess([...command, '--help']);
      expect(help.code, command.join(' ')).toBe(EXIT.ok);
      expect(help.stdout).toContain(`Usage: ordersource ${command.join(' ')}`);
    }
    expect((await runInProcess(['simulate', '--help'])).stdout).toMatch(/Exit codes: 0 every command accepted, 1/);
    expect((await runInProcess(['doctor', '--help'])).stdout).toMatch(/13 parked events, 14 timers overdue/);
  });

  it('an unknown command or option, or a missing file: stderr, exit 2, no stack trace', async () => {
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(EXIT.usage);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/);
    const option = await runInProcess(['simulate', '-', '--colour']);
    expect(option.code).toBe(EXIT.usage);
    expect(option.stderr).toMatch(/unknown option '--colour'/);
    const missing = await runCli(['simulate', 'no-such-file.jsonl']);
    expect(missing.code).toBe(EXIT.usage);
    expect(missing.stderr).toBe('ordersource: cannot read "no-such-file.jsonl": no such file\n');
    for (const ran of [unknown, option, missing]) expect(ran.stderr).not.toMatch(/\n\s+at /);
  });

  it('simulate from stdin: bad lines are rejected with code, message and field paths, the run goes on, exit 1', async () => {
    const input = [
      order({ commandId: 'first' }),
      '{ not json',
      JSON.stringify({
        stream: 'receipts-o-1',
        type: 'RecordPayment',
        data: { movementId: 'p-1', amount: { amount: 1.5, currency: 'RUB' }, means: 'electronic', channel: 'online' },
        colour: 'red',
      }),
      JSON.stringify({
        stream: 'receipts-o-1',
        type: 'RecordPayment',
        data: { movementId: 'p-1', amount: { amount: 1.5, currency: 'RUB' }, means: 'electronic', channel: 'online' },
      }),
      JSON.stringify({ stream: 'basket-1', type: 'Anything', data: {} }),
      JSON.stringify({ advance: 'PT1H' }),
      JSON.stringify({
        stream: 'receipts-o-1',
        type: 'RecordPayment',
        data: { movementId: 'p-1', amount: { amount: 50000, currency: 'RUB' }, means: 'electronic', channel: 'online' },
      }),
      order({ commandId: 'first' }),
    ].join('\n');
    const ran = await runCli(['simulate', '-'], { stdin: input });
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(EXIT.rejected);
    const records = ran.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const rejected = records.filter((r) => r['kind'] === 'rejected');
    expect(rejected.map((r) => [r['line'], r['code']])).toEqual([
      [2, 'invalid-json'],
      [3, 'invalid-line'],
      [4, 'invalid-command'],
      [5, 'unknown-stream'],
    ]);
    expect(rejected[1]!['issues']).toEqual([{ path: 'colour', rule: 'unknown field' }]);
    expect(rejected[2]!['issues']).toEqual([{ path: 'data.amount.amount', rule: 'PositiveInteger' }]);
    expect(String(rejected[2]!['message'])).toMatch(/data\.amount\.amount: must be PositiveInteger \(got 1\.5\)/);
    // The run went on: the clock moved, the good payment was accepted and issued a receipt; the repeat of line 1 was a duplicate.
    expect(records.find((r) => r['kind'] === 'clock')).toEqual({
      line: 6,
      kind: 'clock',
      now: '2026-11-01T11:00:00.000Z',
    });
    const accepted = records.filter((r) => r['kind'] === 'accepted');
    expect(accepted.map((r) => [r['line'], r['duplicate']])).toEqual([
      [1, false],
      [7, false],
      [8, true],
    ]);
    expect(records.filter((r) => r['kind'] === 'receipt')).toHaveLength(1);
    expect(records.at(-1)).toMatchObject({ kind: 'summary', commands: 5, rejected: 4, receipts: 1 });
  });

  it('simulate --pretty: a table with the receipt as the register prints it, and a summary line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ordersource-pretty-'));
    const file = join(dir, 'in.jsonl');
    writeFileSync(
      file,
      `${order({})}\n${JSON.stringify({ stream: 'receipts-o-1', type: 'RecordPayment', data: { movementId: 'p-1', amount: { amount: 50000, currency: 'RUB' }, means: 'electronic', channel: 'online' }, at: '2026-11-01T11:00:00Z' })}\n`,
    );
    try {
      const ran = await runInProcess(['simulate', '--pretty', '--no-states', file]);
      expect(ran.code).toBe(EXIT.ok);
      expect(ran.stdout).toMatch(/^line {2}what/);
      expect(ran.stdout).toMatch(/^ {3}2 {2}receipt /m);
      expect(ran.stdout).toContain('| ПРЕДОПЛАТА 100% (prepayment, 1214=1)');
      expect(ran.stdout).not.toMatch(/ state /);
      expect(ran.stdout).toMatch(/2 lines, 2 commands \(0 rejected\), 2 events, 1 receipts/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
