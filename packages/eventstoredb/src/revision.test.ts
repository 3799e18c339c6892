import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectationOf, revisionToVersion, versionOf, versionToRevision } from './revision.js';

describe('revisions: the server counts from 0, "no stream" is its own state', () => {
  it('maps the port expectations to the server expectations', () => {
    expect(expectationOf('any')).toBe('any');
    expect(expectationOf('no-stream')).toBe('no_stream');
    expect(expectationOf('exists')).toBe('stream_exists');
    expect(expectationOf(-1)).toBe('no_stream');
    expect(expectationOf(0)).toBe(0n);
    expect(expectationOf(41)).toBe(41n);
  });

  it('a current state of no_stream is version -1; a revision is the version', () => {
    expect(versionOf('no_stream')).toBe(-1);
    expect(versionOf(0n)).toBe(0);
    expect(versionOf(2n)).toBe(2);
  });

  it('versions and revisions convert both ways for every safe version', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (version) => {
        expect(revisionToVersion(versionToRevision(version))).toBe(version);
      }),
      { numRuns: 1_000 },
    );
  });

  it('refuses a revision a number cannot hold instead of rounding it', () => {
    expect(() => revisionToVersion(2n ** 53n)).toThrow(expect.objectContaining({ kind: 'decode' }));
    expect(() => revisionToVersion(-1n)).toThrow(expect.objectContaining({ kind: 'decode' }));
  });
});
