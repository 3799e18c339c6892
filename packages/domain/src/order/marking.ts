import { refine } from '@ordersource/core';
import * as t from 'io-ts';
import type { ShipmentLine } from './events.js';
import type { OrderLine } from './values.js';

/**
 * Marked goods (REC-6, issue 9.5): every unit of a marked line carries its
 * own marking code (Честный ЗНАК), scanned off the unit when it is packed
 * and shipped (`ShipOrder` lines' `markingCodes`), because a storefront does
 * not know which unit of the warehouse a customer will get. The closing
 * receipt lists one position per unit with its code; a return names the
 * codes that came back. The order's codes of a line are the codes of its
 * shipments, in shipment order: both the order decider (pricing a return) and
 * the receipts adapter (positions) index a unit by its place in that list.
 */

/**
 * A scanned marking code as the scanner gives it: printable ASCII (the GS1
 * character set) and the GS separator (U+001D) between its fields, 8 to 512
 * characters. No spaces: a code with a space was typed, not scanned.
 */
const GS = '\u001d';

export const MarkingCodeCodec = refine(
  t.string,
  (s) =>
    s.length >= 8 &&
    s.length <= 512 &&
    [...s].every((ch) => ch === GS || (ch.charCodeAt(0) >= 0x21 && ch.charCodeAt(0) <= 0x7e)),
  'MarkingCode(8-512 printable ASCII characters or GS separators, no spaces)',
);

/** Codes of units, each unit once. */
export const MarkingCodesCodec = refine(
  t.array(MarkingCodeCodec),
  (codes) => new Set(codes).size === codes.length,
  'MarkingCodes(each code once: one code per unit)',
);

/** The same, read-only (the receipts model's lines and returns). */
export const ReadonlyMarkingCodesCodec = refine(
  t.readonlyArray(MarkingCodeCodec),
  (codes) => new Set(codes).size === codes.length,
  'MarkingCodes(each code once: one code per unit)',
);

/**
 * A marked-goods line: `marked: true`, or an event written before issue 9.5
 * with the one `markingCode` a line had then.
 */
export const isMarked = (line: Pick<OrderLine, 'marked' | 'markingCode'>): boolean =>
  line.marked === true || line.markingCode !== undefined;

type Shipped = Readonly<{ lines: readonly ShipmentLine[] }>;

/**
 * The codes of a line's units, in shipment order. A line of one unit written
 * before issue 9.5 and shipped without codes keeps its one `markingCode`
 * (then it was that unit's code); a longer legacy line never had a code per
 * unit, so its codes are only what its shipments scanned.
 */
export const lineCodesOf = (line: OrderLine, shipments: readonly Shipped[]): string[] => {
  const codes = shipments.flatMap((shipment) =>
    shipment.lines.flatMap((entry) => (entry.lineId === line.lineId ? (entry.markingCodes ?? []) : [])),
  );
  if (codes.length > 0 || line.markingCode === undefined || line.qty !== 1) return codes;
  const shipped = shipments.some((shipment) => shipment.lines.some((entry) => entry.lineId === line.lineId));
  return shipped ? [line.markingCode] : [];
};

/** Every code shipped on the order (any line), for the "one unit, one code" check. */
export const shippedCodesOf = (shipments: readonly Shipped[]): Set<string> =>
  new Set(shipments.flatMap((shipment) => shipment.lines.flatMap((entry) => entry.markingCodes ?? [])));

/**
 * The price of each returned unit of a marked line: a line's net total that
 * does not divide by its quantity prices its first `cheap` units at `unit`
 * and the rest one minor unit dearer (`net-prices.ts`); a marked unit is
 * placed by its code's index in the line's codes.
 */
export const isDearUnit = (codes: readonly string[], code: string, cheap: number): boolean =>
  codes.indexOf(code) >= cheap;
