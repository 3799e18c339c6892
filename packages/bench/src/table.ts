import { median, type Measurement } from './harness.js';

/**
 * One line of the report: a measurement, and optionally its ratio against a
 * baseline measured in the same group (same run, interleaved rounds) with
 * the ratio it should reach.
 */
export type Row = Readonly<{
  label: string;
  measured: Measurement;
  unit: string;
  baseline?: Readonly<{ label: string; measured: Measurement }>;
  /** Lowest acceptable ratio measured / baseline. */
  target?: number;
}>;

export type Verdict = 'pass' | 'FAIL' | '';

export type Clock = 'wall' | 'cpu';

/**
 * The median of per-round ratios: round r of a case ran next to round r of
 * its baseline, so load that drifts over the run cancels out of each pair.
 */
export const ratioOf = (row: Row, clock: Clock = 'wall'): number | undefined => {
  if (row.baseline === undefined) return undefined;
  const mine = row.measured[clock];
  const theirs = row.baseline.measured[clock];
  const ratios = mine.samples.flatMap((value, round) => {
    const against = theirs.samples[round];
    return against === undefined || against === 0 ? [] : [value / against];
  });
  return ratios.length === 0 ? mine.median / theirs.median : median(ratios);
};

/** Decided on the wall-clock ratio; the CPU-time ratio is printed beside it as a cross-check. */
export const verdictOf = (row: Row): Verdict => {
  const ratio = ratioOf(row);
  if (ratio === undefined || row.target === undefined) return '';
  return ratio >= row.target ? 'pass' : 'FAIL';
};

const rate = (perSecond: number, unit: string): string => {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)} M ${unit}/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} k ${unit}/s`;
  return `${perSecond.toFixed(0)} ${unit}/s`;
};

const times = (ratio: number): string => `${ratio >= 10 ? ratio.toFixed(1) : ratio.toFixed(2)}x`;

/** A Markdown table, padded so it also reads well in a terminal. */
export const formatTable = (rows: readonly Row[]): string => {
  const header = [
    'benchmark',
    'throughput',
    '±',
    'baseline (same run)',
    'ratio',
    'ratio, CPU time',
    'target',
    'result',
  ];
  const cells = rows.map((row) => {
    const ratio = ratioOf(row);
    const cpuRatio = ratioOf(row, 'cpu');
    return [
      row.label,
      rate(row.measured.wall.median, row.unit),
      `${(row.measured.wall.spread * 100).toFixed(1)}%`,
      row.baseline?.label ?? '—',
      ratio === undefined ? '—' : times(ratio),
      cpuRatio === undefined ? '—' : times(cpuRatio),
      row.target === undefined ? '—' : `≥ ${times(row.target)}`,
      verdictOf(row) || '—',
    ];
  });
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((line) => (line[i] ?? '').length)));
  const line = (values: readonly string[]): string =>
    `| ${values.map((value, i) => value.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const rule = `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`;
  return [line(header), rule, ...cells.map(line)].join('\n');
};
