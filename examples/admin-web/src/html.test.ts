import { describe, expect, it } from 'vitest';
import { html, toString, trusted } from './html.js';
import { adminOrdersPage } from './admin-pages.js';
import { dirOf, financialStatusLabel, financialStatuses, languages, pageLanguage, wordsFor } from './i18n.js';

describe('html', () => {
  it('escapes every interpolated string, in text and in attributes; Html passes as is', () => {
    const hostile = `"><script>alert('x')</script>\``;
    const out = toString(
      html`<a title="${hostile}">${hostile}</a>${trusted('<b>ours</b>')}${[1, html`<i>${hostile}</i>`]}`,
    );
    expect(out).not.toContain('<script>');
    expect(out).toContain('&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&#96;');
    expect(out).toContain('<b>ours</b>');
    expect(out).toContain('1<i>&quot;');
  });

  it('leaves out null, undefined and booleans', () => {
    expect(toString(html`[${null}${undefined}${false}${true}]`)).toBe('[]');
  });
});

describe('i18n', () => {
  it('has every word in the six languages; Persian is right to left, the others left to right', () => {
    const keys = Object.keys(wordsFor('en'));
    for (const language of languages) {
      expect(Object.keys(wordsFor(language))).toEqual(keys);
      expect(dirOf(language)).toBe(language === 'fa' ? 'rtl' : 'ltr');
    }
    expect(pageLanguage('fa-IR')).toBe('fa');
    expect(pageLanguage('zh-TW')).toBe('zh-Hant');
    expect(pageLanguage('de')).toBe('en');
    expect(wordsFor('ru').myOrders).toBe('Мои заказы');
  });
});

describe('the order list filter (PAY-2, issue 9)', () => {
  const ctx = { csrf: 'c', adminName: 'Ann' };

  it('PAY-2: offers every financial status, the money facts of issue 9 too, labelled in each of the six languages', () => {
    for (const status of ['disputed', 'charged_back', 'over_refunded', 'overpaid', 'expired'] as const)
      expect(financialStatuses).toContain(status);
    for (const language of languages)
      for (const status of financialStatuses) {
        const label = financialStatusLabel(status, language);
        expect(label.length, `${language} ${status}`).toBeGreaterThan(0);
        // Translated, not the English label left in (the English page is the reference).
        if (language !== 'en') expect(label, `${language} ${status}`).not.toBe(financialStatusLabel(status, 'en'));
      }
    const out = toString(adminOrdersPage(ctx, [], { financialStatus: 'over_refunded' }));
    for (const status of financialStatuses) expect(out).toContain(`<option value="${status}"`);
    expect(out).toContain('<option value="over_refunded"  selected>Over-refunded</option>');
  });

  it('PAY-2: the labels follow the admin language; the values stay the API filter values', () => {
    const out = toString(adminOrdersPage({ ...ctx, language: 'ru' }, [], {}));
    expect(out).toContain('<option value="charged_back" >Чарджбэк</option>');
    expect(out).toContain('<option value="disputed" >Оспаривается (чарджбэк)</option>');
  });
});
