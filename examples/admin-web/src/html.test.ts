import { describe, expect, it } from 'vitest';
import { html, toString, trusted } from './html.js';
import { dirOf, languages, pageLanguage, wordsFor } from './i18n.js';

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
