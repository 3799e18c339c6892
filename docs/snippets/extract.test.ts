import { describe, expect, it } from 'vitest';
import { extractSnippets } from './extract.js';

describe('snippet extraction', () => {
  it("a block's hidden setup is the comment right before its fence, never an earlier block's", () => {
    const markdown = [
      '<!-- snippet-setup',
      'const first = 1;',
      '-->',
      '',
      '```ts',
      'first;',
      '```',
      '',
      'Prose between the blocks.',
      '',
      '<!-- snippet-setup',
      'const second = 2;',
      '-->',
      '',
      '```ts',
      'second;',
      '```',
    ].join('\n');
    const { snippets, problems } = extractSnippets('doc.md', markdown);
    expect(problems).toEqual([]);
    expect(snippets.map((s) => s.setup.trim())).toEqual(['const first = 1;', 'const second = 2;']);
  });
});
