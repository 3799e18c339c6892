/**
 * A small SVG line chart for docs/performance.md: a few series over a
 * logarithmic x axis (stream lengths 1k, 10k, 100k), so growth figures can be
 * read at a glance. Plain text out, no dependencies.
 */

export type Series = Readonly<{ name: string; colour: string; points: readonly (readonly [number, number])[] }>;

export type Chart = Readonly<{ title: string; xLabel: string; yLabel: string; series: readonly Series[] }>;

const WIDTH = 760;
const HEIGHT = 360;
const LEFT = 70;
const RIGHT = 300;
const TOP = 40;
const BOTTOM = 50;

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const niceMax = (value: number): number => {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((step) => step * power).find((candidate) => candidate >= value) ?? 10 * power;
};

const format = (value: number): string =>
  value >= 1000
    ? `${(value / 1000).toLocaleString('en-US')}k`
    : value.toLocaleString('en-US', { maximumFractionDigits: 2 });

export const lineChart = (chart: Chart): string => {
  const xs = chart.series.flatMap((series) => series.points.map(([x]) => x));
  const ys = chart.series.flatMap((series) => series.points.map(([, y]) => y));
  const [xMin, xMax] = [Math.log10(Math.min(...xs)), Math.log10(Math.max(...xs))];
  const yMax = niceMax(Math.max(...ys));
  const plotWidth = WIDTH - LEFT - RIGHT;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const px = (x: number): number => LEFT + ((Math.log10(x) - xMin) / Math.max(xMax - xMin, 1e-9)) * plotWidth;
  const py = (y: number): number => TOP + plotHeight - (y / yMax) * plotHeight;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${LEFT}" y="22" font-size="14" font-weight="bold">${escape(chart.title)}</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const y = (yMax * i) / 4;
    parts.push(
      `<line x1="${LEFT}" x2="${LEFT + plotWidth}" y1="${py(y)}" y2="${py(y)}" stroke="#ddd"/>`,
      `<text x="${LEFT - 6}" y="${py(y) + 4}" text-anchor="end">${format(y)}</text>`,
    );
  }
  for (const x of [...new Set(xs)].sort((a, b) => a - b))
    parts.push(
      `<line x1="${px(x)}" x2="${px(x)}" y1="${TOP}" y2="${TOP + plotHeight}" stroke="#eee"/>`,
      `<text x="${px(x)}" y="${TOP + plotHeight + 16}" text-anchor="middle">${format(x)}</text>`,
    );
  parts.push(
    `<text x="${LEFT + plotWidth / 2}" y="${HEIGHT - 12}" text-anchor="middle">${escape(chart.xLabel)}</text>`,
    `<text x="16" y="${TOP + plotHeight / 2}" text-anchor="middle" transform="rotate(-90 16 ${TOP + plotHeight / 2})">${escape(chart.yLabel)}</text>`,
    `<rect x="${LEFT}" y="${TOP}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#888"/>`,
  );
  chart.series.forEach((series, i) => {
    const points = series.points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
    parts.push(`<polyline fill="none" stroke="${series.colour}" stroke-width="2" points="${points}"/>`);
    for (const [x, y] of series.points)
      parts.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${series.colour}"/>`);
    const ly = TOP + 10 + i * 20;
    parts.push(
      `<line x1="${LEFT + plotWidth + 12}" x2="${LEFT + plotWidth + 32}" y1="${ly}" y2="${ly}" stroke="${series.colour}" stroke-width="2"/>`,
      `<text x="${LEFT + plotWidth + 38}" y="${ly + 4}">${escape(series.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
};
