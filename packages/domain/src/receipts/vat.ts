import { money, type Money, type MoneyError } from '@ordersource/core';
import * as E from 'fp-ts/lib/Either.js';
import { VAT_BASIS_POINTS, type VatCode } from './kinds.js';
import type { ReceiptItem } from './receipt.js';

/**
 * The VAT amounts a 54-FZ receipt carries, on two levels that are computed
 * differently and need not agree to the kopeck (issue 8.8, docs/receipts.md "VAT"):
 *
 * - per position: tag 1200 (VAT of the position) = the VAT included in the
 *   position's amount (price x quantity), rounded half up to the kopeck; tag 1198
 *   (VAT of one unit) likewise from the unit price;
 * - per receipt: tags 1102..1107 (one per rate) = the VAT included in the sum of
 *   the amounts of every position at that rate, rounded once. Tags 1104 (0%) and
 *   1105 (no VAT) carry that sum itself, there is no VAT to state.
 *
 * Rounding per position and summing differs from rounding the rate's total by
 * at most floor(n / 2) kopecks for n positions of the rate: both values are
 * given to the register, each by its own rule.
 */

/** One rate's line of the receipt totals (tags 1102..1107). */
export type ReceiptVatLine = Readonly<{
  rate: VatCode;
  /**
   * The FFD tag of the receipt total for this rate. Absent for the rates of
   * 2025-2026 (5%, 7%, 22% and their calculated rates): registers name their
   * fields themselves (T-Kassa, for example: "vat5", "vat105").
   */
  tag?: number;
  /** How many positions are at this rate. */
  positions: number;
  /** Sum of the positions' amounts (tag 1043) at this rate: the base of `vat`, and the value of 1104/1105. */
  gross: Money;
  /** VAT included in `gross`, rounded once (0 for 0% and no VAT). */
  vat: Money;
  /** Sum of the positions' own VAT (tag 1200): within floor(positions / 2) kopecks of `vat`. */
  positionsVat: Money;
}>;

/** Tags of the receipt totals per rate (FFD 1.05/1.2, table of receipt attributes). */
export const RECEIPT_VAT_TAG: Readonly<Partial<Record<VatCode, number>>> = {
  vat20: 1102,
  vat10: 1103,
  vat0: 1104,
  none: 1105,
  vat20_120: 1106,
  vat10_110: 1107,
};

/** Tag 1200: VAT included in the position's amount, rounded half up to the minor unit. */
export const positionVat = (item: Pick<ReceiptItem, 'amount' | 'vat'>): E.Either<MoneyError, Money> =>
  money.includedTax(item.amount, VAT_BASIS_POINTS[item.vat]);

/** Tag 1198: VAT included in one unit's price. `unitVat x quantity` need not equal tag 1200. */
export const unitVat = (item: Pick<ReceiptItem, 'price' | 'vat'>): E.Either<MoneyError, Money> =>
  money.includedTax(item.price, VAT_BASIS_POINTS[item.vat]);

/** The receipt totals per rate, in the order the rates first appear among the positions. */
export const receiptVat = (
  items: readonly Pick<ReceiptItem, 'amount' | 'vat'>[],
): E.Either<MoneyError, readonly ReceiptVatLine[]> => {
  const byRate = new Map<VatCode, Pick<ReceiptItem, 'amount' | 'vat'>[]>();
  for (const item of items) {
    const group = byRate.get(item.vat);
    if (group === undefined) byRate.set(item.vat, [item]);
    else group.push(item);
  }
  const lines: ReceiptVatLine[] = [];
  for (const [rate, group] of byRate) {
    const currency = group[0]!.amount.currency;
    const gross = money.sum(
      currency,
      group.map((item) => item.amount),
    );
    if (E.isLeft(gross)) return gross;
    const total = money.includedTax(gross.right, VAT_BASIS_POINTS[rate]);
    if (E.isLeft(total)) return total;
    const perPosition: Money[] = [];
    for (const item of group) {
      const own = positionVat(item);
      if (E.isLeft(own)) return own;
      perPosition.push(own.right);
    }
    const positionsVat = money.sum(currency, perPosition);
    if (E.isLeft(positionsVat)) return positionsVat;
    const tag = RECEIPT_VAT_TAG[rate];
    lines.push({
      rate,
      ...(tag === undefined ? {} : { tag }),
      positions: group.length,
      gross: gross.right,
      vat: total.right,
      positionsVat: positionsVat.right,
    });
  }
  return E.right(lines);
};
