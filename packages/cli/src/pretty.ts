import { renderReceipt, type Receipt } from '@ordersource/domain/receipts';
import type { SimRecord, SimSummary } from './simulate.js';

/**
 * `--pretty`: the simulation as a table a person reads, one row per record,
 * receipts printed as the register would print them.
 */

const short = (value: unknown, max = 90): string => {
  const text = JSON.stringify(value) ?? '';
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
};

const row = (line: number | string, what: string, stream: string, detail: string): string =>
  `${String(line).padStart(4)}  ${what.padEnd(15)} ${stream.padEnd(28)} ${detail}`;

export const prettyHeader = (): string => `${row('line', 'what', 'stream', 'detail')}\n${'-'.repeat(100)}`;

export const prettyRecord = (r: SimRecord): string => {
  switch (r.kind) {
    case 'clock':
      return row(r.line, 'clock', '', `now ${r.now}`);
    case 'accepted':
      return row(r.line, r.duplicate ? 'duplicate' : 'accepted', r.stream, `${r.type} -> version ${r.version}`);
    case 'rejected':
      return [
        row(r.line, 'REJECTED', r.stream ?? '', `${r.type ?? ''} ${r.code}: ${r.message}`),
        ...r.issues.map((i) => row('', '', '', `  ${i.path === '' ? '(input)' : i.path}: ${i.rule}`)),
      ].join('\n');
    case 'event':
      return row(r.line, 'event', `${r.stream}@${r.version}`, `${r.type}${r.by === 'input' ? '' : ` (by ${r.by})`}`);
    case 'policy':
      return row(r.line, 'policy', r.stream, `${r.reactor} -> ${r.type}${r.duplicate ? ' (duplicate)' : ''}`);
    case 'policy-refused':
      return row(r.line, 'policy refused', r.stream, `${r.reactor} -> ${r.type}: ${r.code}: ${r.message}`);
    case 'timer':
      return row(
        r.line,
        'timer',
        r.stream,
        `${r.type} ${r.key}: ${r.outcome}${r.error === undefined ? '' : ` (${r.error})`}`,
      );
    case 'notification':
      return row(r.line, 'notification', r.cause.stream, `${r.reactor}: ${short(r.notification)}`);
    case 'parked':
      return row(r.line, 'PARKED', r.stream, `${r.consumer}: ${r.error}`);
    case 'receipt':
      return `${row(r.line, 'receipt', r.stream, '')}\n${renderReceipt(r.receipt as Receipt)
        .split('\n')
        .map((l) => `        | ${l}`)
        .join('\n')}`;
    case 'state':
      return row(r.line, 'state', `${r.stream}@${r.version}`, short(r.state));
  }
};

export const prettySummary = (s: SimSummary): string =>
  `${'-'.repeat(100)}\n${s.lines} lines, ${s.commands} commands (${s.rejected} rejected), ${s.events} events, ` +
  `${s.receipts} receipts, ${s.notifications} notifications, ${s.policyRefusals} policy refusals; clock ${s.now}`;
