import { describe, expect, it } from 'vitest';
import { uuidV7 } from './uuid-v7.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The 48-bit millisecond timestamp an id carries. */
const msOf = (id: string): number => Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);

describe('uuidV7 (event ids of the command handler)', () => {
  it('is a uuid v7 of variant 10, unique and strictly increasing, over many pool refills', () => {
    const before = Date.now();
    const ids = Array.from({ length: 20_000 }, () => uuidV7());
    const after = Date.now();
    expect(ids.filter((id) => !UUID_V7.test(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i++) expect((ids[i - 1] as string) < (ids[i] as string)).toBe(true);
    // At most 4,096 ids per millisecond borrow from the future: 20,000 ids stay within a few ms of the clock.
    expect(msOf(ids[0] as string)).toBeGreaterThanOrEqual(before);
    expect(msOf(ids[ids.length - 1] as string)).toBeLessThanOrEqual(after + Math.ceil(ids.length / 2048));
  });

  it('carries 62 random bits: no two processes share ids (every random hex digit takes many values)', () => {
    const ids = Array.from({ length: 4_000 }, () => uuidV7());
    // Positions of rand_b's fully random hex digits (after the variant digit).
    const positions = [20, 21, 22, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35];
    for (const at of positions) expect(new Set(ids.map((id) => id[at])).size).toBe(16);
    // The variant digit holds two random bits.
    expect(new Set(ids.map((id) => id[19]))).toEqual(new Set(['8', '9', 'a', 'b']));
  });
});
