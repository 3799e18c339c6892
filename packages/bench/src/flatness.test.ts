import { describe, expect, it } from 'vitest';
import { flatVerdict } from './flatness.js';

describe('flatVerdict', () => {
  it('compares the largest size with the smallest, for a cost and for a rate', () => {
    const flat = [
      [1_000, 1.2],
      [10_000, 1.1],
      [100_000, 2.5],
    ] as const;
    expect(flatVerdict('load', flat, { atMost: 3 })).toBe('load, at 100,000 against 1,000: 2.08x (target <= 3x): pass');
    expect(
      flatVerdict(
        'load',
        [
          [1_000, 1],
          [100_000, 20],
        ],
        { atMost: 3 },
      ),
    ).toMatch(/20\.00x .*: FAIL$/);
    expect(
      flatVerdict(
        'appends',
        [
          [10_000, 4_000],
          [10_000_000, 2_000],
        ],
        { atLeast: 0.8 },
      ),
    ).toMatch(/0\.50x \(target >= 0\.8x\): FAIL$/);
    expect(
      flatVerdict(
        'appends',
        [
          [10_000, 4_000],
          [10_000_000, 5_000],
        ],
        { atLeast: 0.8 },
      ),
    ).toMatch(/: pass$/);
  });

  it('says when there is no curve to judge', () => {
    expect(flatVerdict('load', [], { atMost: 3 })).toBe('load: not measured');
    expect(flatVerdict('load', [[1, 1]], { atMost: 3 })).toBe('load: not measured');
  });
});
