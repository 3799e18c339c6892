import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { checkoutBody, subscriptionBody } from '../fixtures.js';
import { artifactsDir, probeBrowser } from '../test-support/browser.js';
import {
  ADMIN,
  adminToken,
  bearer,
  invitationLink,
  json,
  placeOrder,
  startTestShop,
  type TestShop,
} from '../test-support/shop.js';

/**
 * The admin pages and the customer portal in a real browser (headless
 * Chromium): an admin processes an order with a note and a notification
 * (ORD-4, ORD-5, NOT-2, NOT-3); a customer signs up from the invitation and
 * sees only her orders (CUS-1, CUS-3); a company contact sees the company's
 * orders (CUS-2); a customer closes a subscription with a listed reason
 * (SUB-4). Screenshots go to examples/shop-api/test-artifacts/.
 */
const probe = probeBrowser('shop browser tests');
const shots = artifactsDir();
// playwright-core has no web-first assertions: poll with vitest, generously (a loaded machine).
const WAIT = { timeout: 30_000, interval: 100 };

const olga = { id: 'cust-olga', name: 'Olga Petrova', email: 'olga@example.ru', language: 'ru' };
const ivan = { id: 'cust-ivan', name: 'Ivan Sidorov', email: 'ivan@example.ru', language: 'ru' };
const maryam = {
  id: 'cust-maryam',
  name: 'Maryam Karimi',
  email: 'maryam@example.ir',
  language: 'fa',
  companyId: 'parsian',
};
const reza = { id: 'cust-reza', name: 'Reza Ahmadi', email: 'reza@example.ir', language: 'fa', companyId: 'parsian' };

let shop: TestShop;
let browser: Browser;

const newPage = async (): Promise<Page> => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  return page;
};

describe.skipIf(probe.skip)('the shop in a browser', () => {
  beforeAll(async () => {
    shop = await startTestShop();
    const admin = await adminToken(shop.url);
    for (const [id, customer] of [
      ['SO-2001', olga],
      ['SO-2002', ivan],
      ['SO-2003', reza],
    ] as const) {
      const placed = await placeOrder(
        shop.url,
        checkoutBody({ orderId: id, orderNumber: id, customer, offline: true, remark: 'Leave at the door' }),
      );
      expect(placed.response.status, JSON.stringify(placed.body)).toBe(201);
    }
    const company = (type: string, data: unknown) =>
      fetch(`${shop.url}/api/companies/parsian/commands/${type}`, json(data, bearer(admin)));
    expect((await company('RegisterCompany', { companyId: 'parsian', name: 'Parsian Trading' })).status).toBe(200);
    expect((await company('AddCompanyContact', { customerId: maryam.id })).status).toBe(200);
    // Maryam's own order: she becomes a guest customer with an invitation.
    await placeOrder(
      shop.url,
      checkoutBody({ orderId: 'SO-2004', orderNumber: 'SO-2004', customer: maryam, offline: true }),
    );
    const sub = await fetch(`${shop.url}/api/subscriptions`, json(subscriptionBody('sub-olga', olga), bearer(admin)));
    expect(sub.status, await sub.clone().text()).toBe(201);
    if (probe.skip) return;
    browser = await chromium.launch({ executablePath: probe.executablePath, headless: true, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    await shop?.stop();
  });

  it('an admin processes an order with a note and an e-mail; the history shows it newest first with what was sent (ORD-4, ORD-5, NOT-3)', async () => {
    const page = await newPage();
    await page.goto(`${shop.url}/admin/login`);
    await page.getByLabel('User name').fill(ADMIN.username);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/admin\/orders$/);
    await page.getByLabel('Payment (PAY-2)').selectOption('pending');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByRole('link', { name: 'SO-2001' }).click();
    await page.waitForURL(/\/admin\/orders\/SO-2001$/);
    await page.screenshot({ path: join(shots, 'admin-order-before.png'), fullPage: true });

    const form = page.locator('form[action$="/actions/ProcessOrder"]');
    await form.getByLabel('New status').fill('Packed, ready for the courier');
    await form.getByLabel('Fulfillment status').selectOption('processed');
    await form.getByLabel('Note', { exact: true }).fill('Your parcel leaves tomorrow morning.');
    await form.getByLabel('Customer sees the note').check();
    await form.getByLabel('Notify by e-mail').check();
    await form.getByLabel('Mail language').selectOption('ru');
    await form.getByLabel('Keep a copy of the mail').check();
    await form.getByLabel('Loyalty points').fill('70');
    await form.getByLabel('Points approved').check();
    await form.getByLabel('Carrier').fill('CDEK');
    await form.getByLabel('Tracking reference').fill('CDEK-1029384756');
    await form.getByRole('button', { name: 'Process order' }).click();
    await page.waitForURL(/\/admin\/orders\/SO-2001$/);

    await expect.poll(() => page.getByRole('status').innerText(), WAIT).toContain('OrderProcessed');
    await expect
      .poll(async () => (await page.getByTestId('process-status').innerText()).trim(), WAIT)
      .toBe('Packed, ready for the courier');
    const history = page.locator('table', { has: page.locator('caption', { hasText: 'Status history' }) });
    // Newest first: the e-mail that went out (NOT-3), then the change that sent it (ORD-5).
    const rows = history.locator('tbody tr');
    await expect.poll(() => rows.nth(0).innerText(), WAIT).toContain('customer notified by email');
    await expect.poll(() => rows.nth(0).innerText(), WAIT).toContain('✓ sent');
    const processed = rows.nth(1);
    await expect.poll(() => processed.innerText(), WAIT).toContain('Packed, ready for the courier');
    await expect.poll(() => processed.innerText(), WAIT).toContain('Your parcel leaves tomorrow morning.');
    await expect.poll(() => processed.innerText(), WAIT).toContain('(customer sees it)');
    await expect.poll(() => processed.innerText(), WAIT).toContain('mail language ru');
    expect(Date.parse((await rows.nth(0).locator('td').first().innerText()).trim())).toBeGreaterThanOrEqual(
      Date.parse((await processed.locator('td').first().innerText()).trim()),
    );
    const sent = shop.shop.notifier
      .sentFor('SO-2001')
      .filter((m) => m.audience === 'customer' && m.channel === 'email');
    const update = sent.find((m) => m.text.includes('Your parcel leaves tomorrow morning.'));
    expect(update?.language).toBe('ru');
    expect(update?.keptCopy).toBe(true);
    await expect.poll(() => page.locator('details summary', { hasText: update!.subject }).count(), WAIT).toBe(1);
    await page.screenshot({ path: join(shots, 'admin-order-processed.png'), fullPage: true });
    await page.screenshot({ path: join(shots, 'admin-order-processed-top.png') });

    // A payment link with its QR code (PAY-3) on the same page.
    const pay = page.locator('form[action$="/actions/ConfirmOfflinePayment"]');
    await pay.getByRole('button', { name: 'Mark paid' }).click();
    await page.waitForURL(/\/admin\/orders\/SO-2001$/);
    await expect.poll(() => page.getByRole('status').innerText(), WAIT).toContain('Mark paid');
    await page.context().close();
  });

  it('a customer signs up from the invitation in her confirmation and sees only her orders (CUS-1, CUS-3)', async () => {
    const page = await newPage();
    await page.goto(invitationLink(shop.shop, 'SO-2002'));
    await page.getByLabel('Пароль').fill('ivan-password-1');
    await page.screenshot({ path: join(shots, 'portal-signup-ru.png'), fullPage: true });
    await page.getByRole('button', { name: 'Создать учётную запись' }).click();
    await page.waitForURL(/\/portal$/);
    await expect.poll(() => page.locator('html').getAttribute('lang'), WAIT).toBe('ru');
    await page.getByRole('link', { name: 'SO-2002' }).waitFor({ state: 'visible' });
    for (const other of ['SO-2001', 'SO-2003', 'SO-2004'])
      await expect.poll(() => page.getByRole('link', { name: other }).count(), WAIT).toBe(0);
    await page.screenshot({ path: join(shots, 'portal-my-orders-ru.png'), fullPage: true });
    await page.getByRole('link', { name: 'SO-2002' }).click();
    await page.getByTestId('order-status').waitFor({ state: 'visible' });
    // Another customer's order answers like one that does not exist.
    const other = await page.goto(`${shop.url}/portal/orders/SO-2001`);
    expect(other?.status()).toBe(404);
    await page.context().close();
  });

  it('a company contact sees the company’s orders, in Persian, right to left (CUS-2)', async () => {
    const page = await newPage();
    await page.goto(invitationLink(shop.shop, 'SO-2004'));
    await expect.poll(() => page.locator('html').getAttribute('dir'), WAIT).toBe('rtl');
    await page.getByLabel('گذرواژه').fill('maryam-password-1');
    await page.getByRole('button', { name: 'ساخت حساب کاربری' }).click();
    await page.waitForURL(/\/portal$/);
    await page.getByRole('link', { name: 'SO-2004' }).waitFor({ state: 'visible' });
    // Her own list holds her own order; the company's are on their own page.
    await expect.poll(() => page.getByRole('link', { name: 'SO-2003' }).count(), WAIT).toBe(0);
    await page.getByRole('link', { name: 'سفارش‌های شرکت من' }).click();
    await page.waitForURL(/\/portal\/company$/);
    await expect.poll(() => page.locator('html').getAttribute('dir'), WAIT).toBe('rtl');
    await page.getByRole('link', { name: 'SO-2003' }).waitFor({ state: 'visible' });
    for (const other of ['SO-2001', 'SO-2002'])
      await expect.poll(() => page.getByRole('link', { name: other }).count(), WAIT).toBe(0);
    await page.screenshot({ path: join(shots, 'portal-company-orders-fa.png'), fullPage: true });
    await page.context().close();
  });

  it('a customer closes her subscription with a listed reason; the admin sees the reason (SUB-4)', async () => {
    const page = await newPage();
    // Olga has no account yet: she signs up from her confirmation first, then logs in like any day.
    await page.goto(invitationLink(shop.shop, 'SO-2001'));
    await page.getByLabel('Пароль').fill('olga-password-1');
    await page.getByRole('button', { name: 'Создать учётную запись' }).click();
    await page.waitForURL(/\/portal$/);
    await page.getByRole('button', { name: /Выйти/ }).click();
    await page.waitForURL(/\/portal\/login/);
    await page.getByLabel('Эл. почта').fill(olga.email);
    await page.getByLabel('Пароль').fill('olga-password-1');
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.waitForURL(/\/portal$/);
    await page.getByRole('link', { name: 'Мои подписки' }).click();
    const row = page.locator('tr[data-subscription="sub-olga"]');
    await expect
      .poll(async () => (await row.getByTestId('subscription-status').innerText()).trim(), WAIT)
      .toBe('Действует');
    // Only the listed reasons: a select, no free-text field.
    await expect.poll(() => row.locator('input[type="text"], textarea').count(), WAIT).toBe(0);
    await row.getByLabel('Причина').selectOption('too-expensive');
    await row.getByRole('button', { name: 'Закрыть подписку' }).click();
    await page.waitForURL(/\/portal\/subscriptions$/);
    await expect.poll(() => row.getByTestId('subscription-status').innerText(), WAIT).toContain('Закрыта');
    await expect
      .poll(() => row.getByTestId('subscription-status').innerText(), WAIT)
      .toContain('Subscription is too expensive');
    await page.screenshot({ path: join(shots, 'portal-subscription-closed-ru.png'), fullPage: true });
    await page.context().close();

    const adminPage = await newPage();
    await adminPage.goto(`${shop.url}/admin/login`);
    await adminPage.getByLabel('User name').fill(ADMIN.username);
    await adminPage.getByLabel('Password').fill(ADMIN.password);
    await adminPage.getByRole('button', { name: 'Log in' }).click();
    await adminPage.goto(`${shop.url}/admin/subscriptions`);
    await expect
      .poll(() => adminPage.locator('tr', { hasText: 'sub-olga' }).innerText(), WAIT)
      .toContain('Subscription is too expensive');
    await adminPage.context().close();
  });
});
