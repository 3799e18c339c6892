import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChangeKind, ChangeStep, OrderChangeNotification } from '@ordersource/domain/changes';
import { describeProblem, loadCatalog, type Catalog } from './catalog.js';
import { intentsForChangeNotification } from './change-intents.js';
import type { MessageIntent } from './intent.js';
import { builtInLanguages } from './languages.js';
import type { ShopContacts } from './order-intents.js';
import { renderMessage } from './render.js';
import { builtInTemplates } from './templates/all.js';

const loaded = loadCatalog(builtInTemplates);
const catalog = (): Catalog => {
  if (E.isLeft(loaded)) throw new Error(loaded.left.map(describeProblem).join('\n'));
  return loaded.right;
};

const shop: ShopContacts = {
  shopName: 'Demo shop',
  admin: { name: 'Shop admin', email: 'orders@shop.example', language: 'en' },
  orderUrl: (id) => `https://shop.example/portal/orders/${id}`,
  adminUrl: (id) => `https://shop.example/admin/orders/${id}`,
};

const notification = (over: Partial<OrderChangeNotification> = {}): OrderChangeNotification => ({
  kind: 'order-change',
  audience: 'customer',
  step: 'requested',
  changeKind: 'return',
  changeId: 'chg-1',
  orderId: 'ord-1',
  orderNumber: 'SO-1042',
  at: '2026-12-01T10:00:00Z',
  email: 'olga@example.com',
  language: 'ru',
  reasons: ['Не подошёл размер', 'Брак'],
  ...over,
});

const withoutEmail = ({ email: _email, ...rest }: OrderChangeNotification): OrderChangeNotification => rest;
const withoutLanguage = ({ language: _language, ...rest }: OrderChangeNotification): OrderChangeNotification => rest;

const one = (n: OrderChangeNotification, id = 'ntf-1'): MessageIntent => {
  const built = intentsForChangeNotification({ id, notification: n }, shop, { customerName: 'Olga Petrova' });
  expect(built.skipped).toEqual([]);
  expect(built.intents).toHaveLength(1);
  return built.intents[0] as MessageIntent;
};

const render = (intent: MessageIntent) => {
  const rendered = renderMessage(catalog(), intent);
  if (E.isLeft(rendered)) throw new Error(`${intent.template} (${intent.language}): ${rendered.left.message}`);
  return rendered.right;
};

const customerSteps: readonly ChangeStep[] = ['requested', 'confirmed', 'declined', 'canceled', 'received', 'applied'];

describe('order-change messages (issue 17, NOT-1, NOT-2)', () => {
  it('the customer of a return reads each step in English with its own subject', () => {
    const subjects = customerSteps.map(
      (step) => render(one(notification({ step, language: 'en', reasons: ['Too small'], reason: 'Worn' }))).subject,
    );
    expect(subjects).toEqual([
      'Order SO-1042: we received your return request',
      'Order SO-1042: your return is accepted',
      'Order SO-1042: your return request was declined',
      'Order SO-1042: return canceled',
      'Order SO-1042: we received your return',
      'Order SO-1042: refund made',
    ]);
  });

  it('and in Russian, with the reasons as the shop labelled them, joined in her language', () => {
    const requested = render(one(notification({ step: 'requested' })));
    expect(requested.subject).toBe('Заказ SO-1042: мы получили вашу заявку (возврат)');
    expect(requested.text).toBe(
      [
        'Здравствуйте, Olga Petrova!',
        'Ваша заявка (возврат) по заказу SO-1042 зарегистрирована. Мы скоро ответим.',
        'Причина: Не подошёл размер и Брак.',
        'Следить здесь: https://shop.example/portal/orders/ord-1',
      ].join('\n\n'),
    );
    const applied = render(one(notification({ step: 'applied' })));
    expect(applied.subject).toBe('Заказ SO-1042: деньги возвращены');
    expect(applied.text).toContain('Мы вернули деньги за возвращённые товары.');
    const declined = render(one(notification({ step: 'declined', reason: 'Товар был в употреблении' })));
    expect(declined.subject).toBe('Заказ SO-1042: ваша заявка (возврат) отклонена');
    expect(declined.text).toContain('Причина: Товар был в употреблении');
    expect(declined.sms).toBe('Demo shop: заявка (возврат) по заказу SO-1042 отклонена. Товар был в употреблении');
  });

  it('every step renders in every built-in language, with the order number, the kind, the reasons and a subject of its own', () => {
    const kinds: readonly ChangeKind[] = ['return', 'exchange', 'claim', 'edit'];
    for (const language of builtInLanguages)
      for (const changeKind of kinds) {
        const subjects = new Set<string>();
        for (const step of customerSteps) {
          const intent = one(
            notification({ step, changeKind, language, reasons: ['R-one', 'R-two'], note: 'N-note', reason: 'Y-why' }),
          );
          const message = render(intent);
          expect(message.language).toBe(language);
          expect(message.subject).toContain('SO-1042');
          expect(message.text).toContain('SO-1042');
          expect(message.text).toContain('Olga Petrova');
          expect(message.html).not.toContain('{$');
          expect(message.text).toContain(intent.vars['changeKind'] as string);
          if (step === 'requested' || step === 'confirmed') {
            expect(message.text).toContain('R-one');
            expect(message.text).toContain('R-two');
          }
          if (step === 'confirmed') expect(message.text).toContain('N-note');
          if (step === 'declined' || step === 'canceled') expect(message.text).toContain('Y-why');
          subjects.add(message.subject);
        }
        expect(subjects.size).toBe(customerSteps.length);
      }
  });

  it('the shop hears of a customer request and of a failed application, in its own language, with a link', () => {
    const alert = one(withoutEmail(notification({ audience: 'admin', step: 'requested' })));
    expect(alert.to).toEqual({ address: 'orders@shop.example', name: 'Shop admin' });
    expect(alert.audience).toBe('admin');
    const request = render(alert);
    expect(request.subject).toBe('Order SO-1042: a return request waits for your answer');
    expect(request.text).toContain('Customer: Olga Petrova');
    expect(request.text).toContain('Reason: Не подошёл размер and Брак.');
    expect(request.text).toContain('Open it: https://shop.example/admin/orders/ord-1');
    const failed = render(
      one(notification({ audience: 'admin', step: 'failed', reason: 'refund-exceeds-captured: too much' })),
    );
    expect(failed.subject).toBe('Order SO-1042: the return could not be applied');
    expect(failed.text).toContain('Why: refund-exceeds-captured: too much');
    for (const language of builtInLanguages) {
      const local = intentsForChangeNotification(
        { id: 'n', notification: notification({ audience: 'admin', step: 'requested' }) },
        { ...shop, admin: { ...shop.admin, language } },
      ).intents[0] as MessageIntent;
      expect(render(local).subject).toContain('SO-1042');
      expect(render(local).language).toBe(language);
    }
  });

  it('an unknown language falls back to English; zh-TW reads Traditional Chinese; fa-IR is right to left', () => {
    const sw = render(one(notification({ language: 'sw', step: 'received' })));
    expect(sw.language).toBe('en');
    expect(sw.subject).toBe('Order SO-1042: we received your return');
    const zh = render(one(notification({ language: 'zh-TW', step: 'applied', changeKind: 'exchange' })));
    expect(zh.language).toBe('zh-Hant');
    expect(zh.subject).toBe('訂單 SO-1042:換貨完成');
    const fa = render(one(notification({ language: 'fa-IR', step: 'confirmed' })));
    expect(fa.dir).toBe('rtl');
    expect(fa.subject).toBe('سفارش \u2068SO-1042\u2069: درخواست \u2068مرجوعی\u2069 شما پذیرفته شد');
    const none = render(one(withoutLanguage(notification({ step: 'canceled' }))));
    expect(none.language).toBe('en');
  });

  it('nothing for a step nobody is told of, and a customer without an e-mail address is skipped with why', () => {
    const none = (n: OrderChangeNotification) => intentsForChangeNotification({ id: 'x', notification: n }, shop);
    expect(none(notification({ step: 'begun' }))).toEqual({ intents: [], skipped: [] });
    expect(none(notification({ audience: 'admin', step: 'confirmed' }))).toEqual({ intents: [], skipped: [] });
    expect(none(withoutEmail(notification()))).toEqual({
      intents: [],
      skipped: [{ channel: 'email', reason: 'no e-mail address for the customer' }],
    });
  });

  it('ids are the notification id plus the channel, the same on every re-run; recorded on the order as "<kind> <step>" (NOT-3)', () => {
    const n = notification({ step: 'received' });
    const first = one(n, 'ntf-received');
    expect(first.id).toBe('ntf-received/email');
    expect(one(n, 'ntf-received')).toEqual(first);
    expect(first.record).toEqual({ streamId: 'order-ord-1', about: 'return received' });
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.constantFrom(...customerSteps),
        fc.constantFrom<ChangeKind>('return', 'exchange', 'claim', 'edit'),
        fc.constantFrom('en', 'vi', 'fr', 'zh-Hant', 'ru', 'fa', 'de', 'zh-TW', 'pt-BR', 'x-bad-tag!'),
        fc.array(fc.string({ minLength: 1 }), { maxLength: 3 }),
        (id, step, changeKind, language, reasons) => {
          const n2 = notification({ step, changeKind, language, reasons });
          const a = intentsForChangeNotification({ id, notification: n2 }, shop);
          const b = intentsForChangeNotification({ id, notification: n2 }, shop);
          const intent = a.intents[0] as MessageIntent;
          return (
            JSON.stringify(a) === JSON.stringify(b) &&
            intent.id === `${id}/email` &&
            E.isRight(renderMessage(catalog(), intent))
          );
        },
      ),
      { numRuns: 1000 },
    );
  });
});
