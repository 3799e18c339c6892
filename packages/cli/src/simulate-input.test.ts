import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDuration, parseLine, rawCommand } from './simulate-input.js';

describe('simulate input lines', () => {
  it('durations: ISO-8601 and shorthand, nonsense refused', () => {
    expect(parseDuration('PT24H')).toBe(86_400_000);
    expect(parseDuration('P1DT2H30M')).toBe(95_400_000);
    expect(parseDuration('P2W')).toBe(1_209_600_000);
    expect(parseDuration('PT0.5S')).toBe(500);
    expect(parseDuration('25h')).toBe(90_000_000);
    expect(parseDuration('90m')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    for (const bad of ['P', 'PT', '1 day', '-PT1H', 'P1H', ''] as const)
      expect(parseDuration(bad), bad).toBeUndefined();
  });

  it('a command line takes its metadata from at/actor/commandId, else the clock and defaults', () => {
    const parsed = parseLine('{"stream":"order-o-1","type":"ConfirmOrder","data":{}}', 3);
    expect(parsed.kind).toBe('command');
    if (parsed.kind !== 'command') return;
    expect(rawCommand(parsed, '2026-11-01T10:00:00.000Z')).toEqual({
      type: 'ConfirmOrder',
      data: {},
      metadata: { commandId: 'line-3', actor: { kind: 'admin', id: 'cli' }, at: '2026-11-01T10:00:00.000Z' },
    });
  });

  it('names every problem of a bad line, with its path', () => {
    const parsed = parseLine('{"stream":"","at":"tomorrow","metadata":{},"extra":1}', 1);
    expect(parsed.kind).toBe('bad');
    if (parsed.kind !== 'bad') return;
    expect(parsed.issues.map((i) => i.path)).toEqual(['extra', 'stream', 'at', 'metadata']);
    expect(parseLine('{"advance":"soon"}', 2)).toMatchObject({ kind: 'bad', issues: [{ path: 'advance' }] });
    expect(parseLine('{"clock":"2026-13-01"}', 2)).toMatchObject({ kind: 'bad', issues: [{ path: 'clock' }] });
    expect(parseLine('[1]', 2)).toMatchObject({ kind: 'bad', code: 'invalid-line' });
  });

  it('law: parseLine never throws, whatever the line (1,000 runs)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (text) => {
          const parsed = parseLine(text, 1);
          expect(['command', 'advance', 'clock', 'bad', 'skip']).toContain(parsed.kind);
        },
      ),
      { numRuns: 1_000 },
    );
  });
});
