// Writes docs/wire-format.md from the io-ts codecs of every command.
//   npx tsx --conditions=source scripts/wire-format.ts          write it
//   npx tsx --conditions=source scripts/wire-format.ts --check  exit 1 when it is stale
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderWireFormat } from '../packages/cli/src/wire-format.js';

export const WIRE_DOC = join(resolve(import.meta.dirname, '..'), 'docs/wire-format.md');

/** True when the file on disk is what the codecs render. */
export const wireFormatIsCurrent = (text: string = renderWireFormat()): boolean =>
  existsSync(WIRE_DOC) && readFileSync(WIRE_DOC, 'utf8') === text;

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const text = renderWireFormat();
  if (process.argv.includes('--check')) {
    if (!wireFormatIsCurrent(text)) {
      console.error('docs/wire-format.md is stale: run npx tsx --conditions=source scripts/wire-format.ts');
      process.exit(1);
    }
    console.log('docs/wire-format.md is current');
  } else {
    writeFileSync(WIRE_DOC, text);
    console.log(`wrote docs/wire-format.md (${text.split('\n').length} lines)`);
  }
}
