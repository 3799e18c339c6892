/**
 * A verdict for a growth curve (issue 18: "flat as history grows"): the
 * figure at the largest size against the one at the smallest, pass when it
 * stays within `limit` (a cost, lower is better: `at most`; a rate, higher is
 * better: `at least`). The sizes grow 100x or more, so a limit of 3x tells a
 * flat curve from one that grows with them.
 */
export const flatVerdict = (
  label: string,
  points: readonly (readonly [size: number, value: number])[],
  limit: Readonly<{ atMost: number } | { atLeast: number }>,
): string => {
  const first = points[0];
  const last = points[points.length - 1];
  if (first === undefined || last === undefined || first === last) return `${label}: not measured`;
  const ratio = last[1] / first[1];
  const pass = 'atMost' in limit ? ratio <= limit.atMost : ratio >= limit.atLeast;
  const target = 'atMost' in limit ? `<= ${limit.atMost}x` : `>= ${limit.atLeast}x`;
  const size = (n: number) => n.toLocaleString('en-US');
  return `${label}, at ${size(last[0])} against ${size(first[0])}: ${ratio.toFixed(2)}x (target ${target}): ${pass ? 'pass' : 'FAIL'}`;
};
