import { describe, expect, it } from 'vitest';
import { toString } from './html.js';
import { languages } from './i18n.js';
import { refundWords } from './refund-words.js';
import {
  assignGoodsAction,
  assignGoodsLines,
  refundsAwaitingGoodsPanel,
  type RefundsAwaitingGoodsView,
} from './refunds-panel.js';

/** Issue 9 (PAY-5, REC-7): the admin order page's panel of refunds awaiting goods. */

const rub = (kopecks: number) => ({ amount: kopecks, currency: 'RUB' });
const view: RefundsAwaitingGoodsView = {
  orderId: 'o-1',
  currency: 'RUB',
  needsAttention: true,
  since: '2026-11-05T09:30:00.000Z',
  openRefunds: [{ movementId: 'o-1-pay:refund-dash-1', amount: rub(150_000), means: 'electronic' }],
  unreceiptedRefund: 0,
  returnable: [
    { lineId: 'l1', name: 'Running shoes', unit: 'шт', price: rub(479_452), quantity: 1 },
    { lineId: 'l2~1', name: 'Sport socks', unit: 'pair', price: rub(47_946), quantity: 1 },
    {
      lineId: 'l3',
      name: 'Boots',
      unit: 'pair',
      price: rub(700_000),
      quantity: 2,
      markingCodes: ['CODE-0001', 'CODE-0002'],
    },
  ],
};
const ctx = { csrf: 'csrf-1', nonce: 'n-1' };

describe('refunds awaiting goods: the panel (issue 9)', () => {
  it('PAY-5/REC-7: one form per open refund, posting to its route with the CSRF token; a field per position, codes for marked goods', () => {
    const out = toString(refundsAwaitingGoodsPanel(ctx, view));
    expect(out).toContain(`action="${assignGoodsAction('o-1', 'o-1-pay:refund-dash-1')}"`);
    expect(assignGoodsAction('o-1', 'o-1-pay:refund-dash-1')).toBe(
      '/admin/orders/o-1/refunds/o-1-pay%3Arefund-dash-1/goods',
    );
    expect(out).toContain('name="_csrf" value="csrf-1"');
    expect(out).toContain('name="_nonce" value="n-1"');
    expect(out).toContain('name="qty.l1"');
    expect(out).toContain('name="qty.l2~1"');
    expect(out).not.toContain('name="qty.l3"');
    expect(out).toContain('name="code.l3.0"');
    expect(out).toContain('name="code.l3.1"');
    expect(out).toContain('1500.00 RUB');
  });

  it('the posted form becomes the command lines: quantities as numbers, marked units by the codes ticked, untouched positions left out', () => {
    expect(assignGoodsLines(view.returnable, { 'qty.l1': '1', 'qty.l2~1': '', 'code.l3.1': '1' })).toEqual([
      { lineId: 'l1', qty: 1 },
      { lineId: 'l3', qty: 1, markingCodes: ['CODE-0002'] },
    ]);
    // Not a whole number: passed on as written, for the codec to refuse naming the field.
    expect(assignGoodsLines(view.returnable, { 'qty.l1': '1.5' })).toEqual([{ lineId: 'l1', qty: '1.5' }]);
    expect(assignGoodsLines(view.returnable, { 'qty.l1': '0' })).toEqual([]);
  });

  it('money refunded beyond any receipt is shown with nothing to assign; nothing at all when the order needs no attention', () => {
    const out = toString(
      refundsAwaitingGoodsPanel(ctx, { ...view, openRefunds: [], returnable: [], unreceiptedRefund: 100_000 }),
    );
    expect(out).toContain('data-testid="unreceipted-refund"');
    expect(out).not.toContain('<form');
    expect(toString(refundsAwaitingGoodsPanel(ctx, { ...view, needsAttention: false }))).toBe('');
    expect(toString(refundsAwaitingGoodsPanel(ctx, undefined))).toBe('');
  });

  it('labels in every language of the pages, translated; the panel follows the admin language (Persian right to left)', () => {
    const keys = Object.keys(refundWords.en);
    for (const language of languages) {
      expect(Object.keys(refundWords[language])).toEqual(keys);
      for (const key of keys) {
        const word = refundWords[language][key as keyof (typeof refundWords)['en']];
        expect(word.length, `${language} ${key}`).toBeGreaterThan(0);
        if (language !== 'en')
          expect(word, `${language} ${key}`).not.toBe(refundWords.en[key as keyof (typeof refundWords)['en']]);
      }
    }
    const ru = toString(refundsAwaitingGoodsPanel({ ...ctx, language: 'ru' }, view));
    expect(ru).toContain('lang="ru"');
    expect(ru).toContain(refundWords.ru.title);
    expect(ru).toContain(refundWords.ru.assign);
    const fa = toString(refundsAwaitingGoodsPanel({ ...ctx, language: 'fa' }, view));
    expect(fa).toContain('dir="rtl"');
  });
});
