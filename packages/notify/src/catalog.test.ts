import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeProblem, loadCatalog, type Catalog } from './catalog.js';
import { builtInLanguages } from './languages.js';
import { renderMessage } from './render.js';
import { builtInTemplates } from './templates/all.js';
import type { TemplateVars } from './values.js';

const loadedOnce = loadCatalog(builtInTemplates);
const catalog = (): Catalog => {
  if (E.isLeft(loadedOnce)) throw new Error(loadedOnce.left.map(describeProblem).join('\n'));
  return loadedOnce.right;
};

const confirmation: TemplateVars = {
  customerName: 'Olga Petrova',
  orderNumber: 'SO-1001',
  placedAt: { date: '2026-11-01T10:00:00Z' },
  itemCount: 5,
  total: { money: { amount: 700000, currency: 'RUB' } },
  shopName: 'Demo shop',
  inviteUrl: 'https://shop.example/invite?a=1&b=2',
};

const render = (template: string, language: string, vars: TemplateVars) => {
  const rendered = renderMessage(catalog(), { template, language, vars });
  if (E.isLeft(rendered)) throw new Error(rendered.left.message);
  return rendered.right;
};

describe('templates load checked (issue 12: a missing variable fails when loaded)', () => {
  it('every built-in template compiles in en, vi, fr, zh-Hant, ru and fa', () => {
    const c = catalog();
    expect(c.templates.size).toBe(17);
    for (const template of c.templates.values())
      expect([...template.languages.keys()].sort()).toEqual([...builtInLanguages].sort());
  });

  it('a shop override that references a variable the intent lacks fails at load, naming template, language, part and variable', () => {
    const loaded = loadCatalog(builtInTemplates, {
      'order-update': { ru: { subject: 'Заказ {$orderNumber}: {$trackingUrl2}' } },
    });
    expect(E.isLeft(loaded)).toBe(true);
    if (E.isLeft(loaded))
      expect(loaded.left.map(describeProblem)).toEqual([
        expect.stringMatching(
          /^template order-update \(ru\) subject: references \$trackingUrl2, which intents for order-update do not carry/,
        ),
      ]);
  });

  it('an optional variable outside its "when" paragraph, bad syntax, an unknown template and an incomplete new language are all reported', () => {
    const loaded = loadCatalog(builtInTemplates, {
      'order-update': { fr: { body: ['Suivi : {$tracking}'] } },
      receipt: { vi: { sms: ['{$amount'] } },
      'no-such-template': { en: { subject: 'x' } },
      'account-invitation': { de: { subject: 'Konto bei {$shopName}' } },
    });
    if (E.isRight(loaded)) throw new Error('expected problems');
    const text = loaded.left.map(describeProblem).join('\n');
    expect(text).toContain(
      'template order-update (fr) body[0]: uses optional variable $tracking outside a paragraph that appears only "when: tracking"',
    );
    expect(text).toContain('template receipt (vi) sms[0]: not valid MessageFormat 2');
    expect(text).toContain('template no-such-template (*) *: overrides a template that does not exist');
    expect(text).toContain('template account-invitation (de) body: missing (a new language needs all three parts)');
  });

  it('a shop overrides one part of one language and adds a language; the rest stays built in', () => {
    const loaded = loadCatalog(builtInTemplates, {
      'account-invitation': {
        ru: { subject: 'Добро пожаловать в {$shopName}' },
        de: {
          subject: 'Ihr Konto bei {$shopName}',
          body: ['Hallo {$customerName}: {$inviteUrl}'],
          sms: ['{$inviteUrl}'],
        },
      },
    });
    if (E.isLeft(loaded)) throw new Error(loaded.left.map(describeProblem).join('\n'));
    const vars = { customerName: 'Olga', shopName: 'Demo', inviteUrl: 'https://x.example/i' };
    const ru = renderMessage(loaded.right, { template: 'account-invitation', language: 'ru', vars });
    const de = renderMessage(loaded.right, { template: 'account-invitation', language: 'de-AT', vars });
    expect(E.isRight(ru) && ru.right.subject).toBe('Добро пожаловать в Demo');
    expect(E.isRight(ru) && ru.right.text).toContain('Нужны только имя, e-mail и пароль.');
    expect(E.isRight(de) && de.right.language).toBe('de');
    expect(E.isRight(de) && de.right.text).toBe('Hallo Olga: https://x.example/i');
  });
});

describe('rendering (NOT-1, NOT-2, PAY-6, CUS-1)', () => {
  it('money and dates through Intl, plurals through MessageFormat, in the reader language', () => {
    const ru = render('order-confirmation', 'ru', confirmation);
    expect(ru.subject).toBe('Заказ SO-1001 подтверждён: Demo shop');
    expect(ru.text).toContain('В заказе 5 товаров на сумму 7\u00a0000,00\u00a0₽.');
    expect(ru.text).toContain('1 ноября 2026');
    expect(render('order-confirmation', 'ru', { ...confirmation, itemCount: 2 }).text).toContain('2 товара');
    expect(render('order-confirmation', 'ru', { ...confirmation, itemCount: 21 }).text).toContain('21 товар на');
    expect(render('order-confirmation', 'en', { ...confirmation, itemCount: 1 }).text).toContain('It holds 1 item;');
    expect(render('order-confirmation', 'fr', confirmation).text).toContain('7\u202f000,00\u00a0RUB');
    // CUS-1: the confirmation carries the invitation only when the shop gives a link.
    expect(render('order-confirmation', 'en', confirmation).text).toContain('Create your account');
    const { inviteUrl: _omit, ...noInvite } = confirmation;
    expect(render('order-confirmation', 'en', noInvite).text).not.toContain('Create your account');
  });

  it('amounts are exact for any integer minor units (never through a float)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (amount) => {
        const text = render('receipt', 'en', {
          customerName: 'A',
          orderNumber: 'N',
          shopName: 'S',
          amount: { money: { amount, currency: 'USD' } },
        }).text;
        const digits = String(amount).padStart(3, '0');
        const expected = `${BigInt(digits.slice(0, -2)).toLocaleString('en')}.${digits.slice(-2)}`;
        return text.includes(`$${expected}`);
      }),
      { numRuns: 1000 },
    );
  });

  it('Persian is right to left: dir="rtl" on the HTML, <bdi> and FSI..PDI around names and numbers', () => {
    const fa = render('order-confirmation', 'fa-IR', confirmation);
    expect(fa.language).toBe('fa');
    expect(fa.dir).toBe('rtl');
    expect(fa.html).toContain('<html lang="fa" dir="rtl">');
    expect(fa.html).toContain('<body dir="rtl"');
    expect(fa.html).toContain('<p><bdi>Olga Petrova</bdi> عزیز، سلام</p>');
    expect(fa.text).toContain('\u2068Olga Petrova\u2069 عزیز');
    expect(fa.text).toContain('\u2068SO-1001\u2069');
    // Left-to-right text stays free of marks unless a value is right to left.
    const en = render('order-confirmation', 'en', { ...confirmation, customerName: 'سارا' });
    expect(en.dir).toBe('ltr');
    expect(en.text).toContain('Hello \u2068سارا\u2069,');
    expect(en.text).toContain('order SO-1001 of');
  });

  it('every variable is escaped in the HTML part; the text part keeps it as written', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom(...builtInLanguages), (name, language) => {
        const rendered = render('account-invitation', language, {
          customerName: name,
          shopName: '<Shop & Co>',
          inviteUrl: 'https://x.example/?a="1"',
        });
        const html = rendered.html;
        // Nothing of the input reaches the HTML as markup: only our tags remain.
        const tags = [...html.matchAll(/<\/?([a-z!]+)/g)].map((m) => m[1]);
        return (
          tags.every((t) => ['!doctype', 'html', 'head', 'meta', 'title', 'body', 'p', 'bdi'].includes(t ?? '')) &&
          html.includes('&lt;Shop &amp; Co&gt;') &&
          html.includes('?a=&quot;1&quot;')
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('Traditional Chinese for zh-TW and zh-Hant-HK; an unknown language falls back to English', () => {
    expect(render('order-confirmation', 'zh-TW', confirmation).language).toBe('zh-Hant');
    expect(render('order-confirmation', 'zh-Hant-HK', confirmation).subject).toBe('訂單 SO-1001 已確認:Demo shop');
    expect(render('order-confirmation', 'sw', confirmation).language).toBe('en');
  });

  it('a missing required variable or an unknown one is a render error, not a crash', () => {
    const { total: _t, ...missing } = confirmation;
    const r = renderMessage(catalog(), { template: 'order-confirmation', language: 'fa', vars: missing });
    expect(r).toEqual(
      E.left({
        kind: 'render-failed',
        template: 'order-confirmation',
        language: 'fa',
        message: 'missing variable $total',
      }),
    );
    const u = renderMessage(catalog(), {
      template: 'order-confirmation',
      language: 'en',
      vars: { ...confirmation, tracking: 'x' },
    });
    expect(E.isLeft(u) && u.left.message).toBe('unknown variable $tracking');
  });

  it('an order update carries the note, tracking and dates only when given (ORD-4, FUL-2)', () => {
    const base = { customerName: 'Olga', orderNumber: 'SO-1', status: 'отправлен', shopName: 'Demo' };
    const bare = render('order-update', 'ru', base);
    expect(bare.text).toBe('Здравствуйте, Olga!\n\nСтатус вашего заказа SO-1: отправлен.');
    const full = render('order-update', 'ru', {
      ...base,
      note: 'Курьер позвонит.',
      tracking: 'CDEK CDEK-1',
      shipDate: { date: '2026-11-03T09:00:00Z' },
    });
    expect(full.text).toContain('Комментарий Demo: Курьер позвонит.');
    expect(full.text).toContain('Трек-номер: CDEK CDEK-1');
    expect(full.text).toContain('Дата отправки: 3 ноября 2026');
    expect(full.sms).toBe('Demo: заказ SO-1: отправлен. Курьер позвонит. Трек-номер: CDEK CDEK-1');
  });
});
