import { ActorCodec, CommandMetadataCodec } from '@ordersource/core';
import { rowsOf, type FieldRow, type ShapeBook } from './codec-shape.js';
import { wireStreamKinds, type WireStreamKind } from './wire-commands.js';

/**
 * docs/wire-format.md, rendered from the codecs (scripts/wire-format.ts
 * writes it; a test fails when the file and the codecs disagree).
 */

const cell = (text: string): string => text.replace(/\|/g, '\\|');

const table = (rows: readonly FieldRow[], prefix = ''): string[] =>
  rows.length === 0
    ? ['No fields: `"data": {}`.']
    : [
        '| field | type | required |',
        '|---|---|---|',
        ...rows.map((r) => `| \`${prefix}${r.path}\` | ${cell(r.type)} | ${r.required ? 'yes' : 'no'} |`),
      ];

export const renderWireFormat = (kinds: readonly WireStreamKind[] = wireStreamKinds()): string => {
  const book: ShapeBook = new Map();
  const metadata = rowsOf(CommandMetadataCodec, book);
  const actor = rowsOf(ActorCodec, book);
  const out: string[] = [
    '# Wire format: every command of every stream kind',
    '',
    '<!-- Generated from the io-ts codecs by scripts/wire-format.ts; packages/cli/src/wire-format.test.ts',
    '     fails when a codec changes and this file does not. Regenerate: npx tsx scripts/wire-format.ts -->',
    '',
    'A command is JSON: `{ "type", "data", "metadata" }`. Every decoder is strict: a missing or',
    'mistyped field, a number out of range and a field the codec does not declare are refused with',
    "the field's path and the rule it broke, and nothing is written. The tables below list each",
    "command's `data`. A type such as `Money` or `Address` is defined under [Shared types](#shared-types);",
    'one such as `NonEmptyString`, `PositiveInteger` or `IsoInstant` is a refinement named after its rule.',
    '',
    '## Metadata',
    '',
    'Every command carries who asks, when, and an id that makes a retry harmless:',
    '',
    '<!-- prettier-ignore-start -->',
    ...table(metadata, 'metadata.'),
    '',
    '`Actor`:',
    '',
    ...table(actor),
    '<!-- prettier-ignore-end -->',
    '',
    '## JSON lines for `ordersource simulate`',
    '',
    'One JSON object per line. A command line names its stream and may leave the metadata to the',
    'simulator: `at` defaults to the virtual clock, `actor` to `{ "kind": "admin", "id": "cli" }`,',
    '`commandId` to one derived from the line number. A full `metadata` object is accepted instead.',
    '',
    '```json',
    '{ "stream": "order-o-1", "type": "ConfirmOfflinePayment", "data": {}, "at": "2026-11-01T11:00:00Z" }',
    '{ "stream": "receipts-o-1", "type": "RecordHandover", "data": { "handoverId": "h-1", "stage": "delivered" } }',
    '{ "advance": "PT24H" }',
    '{ "clock": "2026-11-10T00:00:00Z" }',
    '```',
    '',
    'A clock line moves the virtual clock (by an ISO-8601 duration, or to an instant) and runs',
    'everything that fell due meanwhile (timers of holds, payment expiries, renewals). Blank lines',
    'and lines starting with `//` are skipped.',
    '',
  ];
  for (const kind of kinds) {
    out.push(
      `## ${kind.title}: \`${kind.category}-<id>\``,
      '',
      `${kind.commands.length} commands, read from ${kind.source}.`,
      '',
    );
    for (const command of kind.commands) {
      out.push(`### ${kind.category} · ${command.type}`, '');
      if (command.data === undefined) {
        out.push(
          `The decoder accepts \`${command.type}\` but its data codec is not exported, so its fields cannot be`,
          'listed here; the decoder still checks them.',
          '',
        );
        continue;
      }
      out.push(
        '<!-- prettier-ignore-start -->',
        ...table(rowsOf(command.data, book)),
        '<!-- prettier-ignore-end -->',
        '',
      );
    }
  }
  out.push('## Shared types', '');
  for (const shape of [...book.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    out.push(
      `### ${shape.name}`,
      '',
      '<!-- prettier-ignore-start -->',
      ...table(shape.fields),
      '<!-- prettier-ignore-end -->',
      '',
    );
  }
  return out.join('\n');
};
