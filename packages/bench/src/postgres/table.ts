import { median, type DbMeasurement } from './measure.js';

/** One line of the PostgreSQL report, optionally against a baseline from the same run. */
export type DbRow = Readonly<{
  label: string;
  measured: DbMeasurement;
  unit: string;
  baseline?: Readonly<{ label: string; measured: DbMeasurement }>;
  /** Lowest acceptable ratio measured / baseline. */
  target?: number;
}>;

/** The median of per-round ratios: round r of a case ran next to round r of its baseline. */
export const ratioOf = (row: DbRow): number | undefined => {
  if (row.baseline === undefined) return undefined;
  const theirs = row.baseline.measured.samples;
  const ratios = row.measured.samples.flatMap((value, round) => {
    const against = theirs[round];
    return against === undefined || against === 0 ? [] : [value / against];
  });
  return ratios.length === 0 ? row.measured.median / row.baseline.measured.median : median(ratios);
};

const rate = (perSecond: number, unit: string): string =>
  perSecond >= 1e3 ? `${(perSecond / 1e3).toFixed(1)} k ${unit}/s` : `${perSecond.toFixed(0)} ${unit}/s`;

const times = (ratio: number): string => `${ratio.toFixed(2)}x`;

/** A Markdown table, padded so it also reads well in a terminal. */
export const formatDbTable = (rows: readonly DbRow[]): string => {
  const header = ['benchmark', 'throughput', '±', 'baseline (same run)', 'ratio', 'target', 'result'];
  const cells = rows.map((row) => {
    const ratio = ratioOf(row);
    return [
      row.label,
      rate(row.measured.median, row.unit),
      `${(row.measured.spread * 100).toFixed(1)}%`,
      row.baseline?.label ?? '—',
      ratio === undefined ? '—' : times(ratio),
      row.target === undefined ? '—' : `≥ ${times(row.target)}`,
      ratio === undefined || row.target === undefined ? '—' : ratio >= row.target ? 'pass' : 'FAIL',
    ];
  });
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((line) => (line[i] ?? '').length)));
  const line = (values: readonly string[]): string =>
    `| ${values.map((value, i) => value.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const rule = `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`;
  return [line(header), rule, ...cells.map(line)].join('\n');
};
