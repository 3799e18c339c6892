import { money } from '@ordersource/core';
import * as E from 'fp-ts/lib/Either.js';
import { KIND_TAG, OPERATION_TAG, SUBJECT_TAG, VAT_BASIS_POINTS, type VatCode } from './kinds.js';
import type { Receipt, ReceiptItem } from './receipt.js';
import type { ReceiptStatus } from './state.js';
import { positionVat, receiptVat } from './vat.js';

/** What the register said about a receipt, as far as printing goes. */
export type RenderState = Readonly<{
  status?: ReceiptStatus;
  fiscalSign?: string;
  acceptedMarks?: readonly string[];
}>;

/**
 * A plain-text rendering of a receipt, close to what the register prints, for
 * logs, the example and people reading tests. Marked goods show [M+] once the
 * register verified the code, [M] before (REC-6).
 */

const OPERATION_LABEL: Readonly<Record<Receipt['operation'], string>> = {
  income: 'ПРИХОД (income)',
  'income-return': 'ВОЗВРАТ ПРИХОДА (income return)',
};

const METHOD_LABEL: Readonly<Record<number, string>> = {
  1: 'ПРЕДОПЛАТА 100%',
  2: 'ЧАСТИЧНАЯ ПРЕДОПЛАТА',
  3: 'АВАНС',
  4: 'ПОЛНЫЙ РАСЧЕТ',
  5: 'ЧАСТИЧНЫЙ РАСЧЕТ И КРЕДИТ',
  6: 'ПЕРЕДАЧА В КРЕДИТ',
  7: 'ОПЛАТА КРЕДИТА',
};

const VAT_LABEL: Readonly<Record<VatCode, string>> = {
  none: 'БЕЗ НДС',
  vat0: 'НДС 0%',
  vat5: 'НДС 5%',
  vat7: 'НДС 7%',
  vat10: 'НДС 10%',
  vat20: 'НДС 20%',
  vat22: 'НДС 22%',
  vat5_105: 'НДС 5/105',
  vat7_107: 'НДС 7/107',
  vat10_110: 'НДС 10/110',
  vat20_120: 'НДС 20/120',
  vat22_122: 'НДС 22/122',
};

const amountOf = (m: { amount: number; currency: string }): string => money.format(m);

const mark = (item: ReceiptItem, accepted: readonly string[]): string =>
  item.markingCode === undefined ? '' : accepted.includes(item.markingCode) ? ' [M+]' : ' [M]';

/** The position's VAT (tag 1200), for the rates that have one. */
const itemVat = (item: ReceiptItem): string => {
  if (VAT_BASIS_POINTS[item.vat] === 0) return '';
  const vat = positionVat(item);
  return E.isRight(vat) ? ` ${amountOf(vat.right)}` : ' (VAT out of range)';
};

export const renderItem = (item: ReceiptItem, index: number, acceptedMarks: readonly string[] = []): string[] => {
  const lines = [
    `${index + 1}. ${item.name}${mark(item, acceptedMarks)}`,
    `   ${item.quantity} ${item.unit} x ${amountOf(item.price)} = ${amountOf(item.amount)}  ${VAT_LABEL[item.vat]}` +
      `${itemVat(item)}  1212=${SUBJECT_TAG[item.subject]} 1214=${item.paymentMethod}`,
  ];
  // The GS separators of a marking code are invisible: show them.
  if (item.markingCode !== undefined) lines.push(`   КМ: ${item.markingCode.replaceAll('\u001d', '<GS>')}`);
  return lines;
};

/**
 * The receipt totals per rate (tags 1102..1107): the VAT of each rate's total,
 * or for 0% and no VAT the amount itself.
 */
const vatLines = (receipt: Receipt): string[] => {
  const lines = receiptVat(receipt.items);
  if (E.isLeft(lines)) return [`  VAT totals out of range: ${lines.left.message}`];
  return lines.right.map((line) => {
    const tag = line.tag === undefined ? '' : ` (${line.tag})`;
    const zero = VAT_BASIS_POINTS[line.rate] === 0;
    const label = line.rate === 'none' ? 'СУММА БЕЗ НДС' : zero ? 'СУММА С НДС 0%' : `СУММА ${VAT_LABEL[line.rate]}`;
    return `  ${label}${tag} ${amountOf(zero ? line.gross : line.vat)}`;
  });
};

export const renderReceipt = (receipt: Receipt, record?: RenderState): string => {
  const accepted = record?.acceptedMarks ?? [];
  const { payments } = receipt;
  const out = [
    `КАССОВЫЙ ЧЕК  ${OPERATION_LABEL[receipt.operation]}  1054=${OPERATION_TAG[receipt.operation]}`,
    `${METHOD_LABEL[KIND_TAG[receipt.kind]] ?? receipt.kind} (${receipt.kind}, 1214=${receipt.paymentMethod})`,
    `id ${receipt.receiptId}  at ${receipt.issuedAt}`,
    ...receipt.items.flatMap((item, index) => renderItem(item, index, accepted)),
    `ИТОГ ${amountOf(receipt.total)}`,
    ...vatLines(receipt),
  ];
  if (payments.cash.amount > 0) out.push(`  НАЛИЧНЫМИ (1031) ${amountOf(payments.cash)}`);
  if (payments.electronic.amount > 0) out.push(`  БЕЗНАЛИЧНЫМИ (1081) ${amountOf(payments.electronic)}`);
  if (payments.prepayment.amount > 0) out.push(`  ЗАЧЕТ ПРЕДОПЛАТЫ (1215) ${amountOf(payments.prepayment)}`);
  if (payments.credit.amount > 0) out.push(`  ПОСТОПЛАТА (1216) ${amountOf(payments.credit)}`);
  for (const offset of receipt.offsets) out.push(`  offsets ${offset.receiptId}: ${amountOf(offset.amount)}`);
  if (record?.status === 'accepted' && record.fiscalSign !== undefined) out.push(`ФП ${record.fiscalSign}`);
  return out.join('\n');
};
