import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { checkoutBody } from '../fixtures.js';
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
 * Issue 17 in a real browser (headless Chromium): Olga asks for a return of
 * two pairs of socks from her order page in the portal, in Russian, with a
 * reason from the catalog; the admin confirms it to store credit and
 * receives the socks on the order page; Olga's page shows the return done
 * and her store credit (CUS-3, REC-7). Screenshots in test-artifacts/.
 */
const probe = probeBrowser('return browser test');
const shots = artifactsDir();
const WAIT = { timeout: 30_000, interval: 100 };
const olga = { id: 'cust-olga', name: 'Olga Petrova', email: 'olga@example.ru', language: 'ru' };

let shop: TestShop;
let browser: Browser;

const newPage = async (): Promise<Page> => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  return page;
};

describe.skipIf(probe.skip)('a return in the browser', () => {
  beforeAll(async () => {
    shop = await startTestShop();
    const admin = await adminToken(shop.url);
    await placeOrder(
      shop.url,
      checkoutBody({ orderId: 'SO-3001', orderNumber: 'SO-3001', customer: olga, offline: true }),
    );
    for (const [type, body] of [
      ['ConfirmOfflinePayment', {}],
      ['ShipOrder', { shipmentId: 's-3001' }],
      ['MarkDelivered', {}],
    ] as const) {
      const response = await fetch(`${shop.url}/api/orders/SO-3001/commands/${type}`, json(body, bearer(admin)));
      expect(response.status, await response.clone().text()).toBe(200);
    }
    await shop.shop.notifier.drain();
    if (probe.skip) return;
    browser = await chromium.launch({ executablePath: probe.executablePath, headless: true, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    await shop?.stop();
  });

  it('Olga requests a return in the portal; the admin confirms to store credit and receives; she sees her credit', async () => {
    const portal = await newPage();
    await portal.goto(invitationLink(shop.shop, 'SO-3001'));
    await portal.getByLabel('Пароль').fill('olga-password-1');
    await portal.getByRole('button', { name: 'Создать учётную запись' }).click();
    await portal.waitForURL(/\/portal$/);
    await portal.getByRole('link', { name: 'SO-3001' }).click();
    const form = portal.locator('form[action$="/returns"]');
    await form.getByLabel(/Sport socks/).fill('2');
    await form.getByLabel('Причина').selectOption('wrong-size');
    await portal.screenshot({ path: join(shots, 'portal-return-request-ru.png'), fullPage: true });
    await form.getByRole('button', { name: 'Отправить заявку' }).click();
    await portal.waitForURL(/\/portal\/orders\/SO-3001$/);
    await expect.poll(() => portal.getByRole('status').innerText(), WAIT).toContain('Заявка на возврат отправлена');
    await expect
      .poll(async () => (await portal.getByTestId('change-status').innerText()).trim(), WAIT)
      .toBe('Заявка отправлена');

    const admin = await newPage();
    await admin.goto(`${shop.url}/admin/login`);
    await admin.getByLabel('User name').fill(ADMIN.username);
    await admin.getByLabel('Password').fill(ADMIN.password);
    await admin.getByRole('button', { name: 'Log in' }).click();
    await admin.waitForURL(/\/admin\/orders$/);
    await admin.goto(`${shop.url}/admin/orders/SO-3001`);
    const confirm = admin.locator('form[action$="/actions/ConfirmOrderChange"]');
    await confirm.getByLabel('Refund to').selectOption('store-credit');
    await confirm.getByRole('button', { name: 'Confirm' }).click();
    await admin.waitForURL(/\/admin\/orders\/SO-3001/);
    await expect.poll(() => admin.getByRole('status').innerText(), WAIT).toContain('OrderChangeConfirmed');
    const receive = admin.locator('form[action$="/actions/ReceiveReturn"]');
    await receive.getByLabel('Condition').selectOption('sellable');
    await receive.getByRole('button', { name: 'Receive the return' }).click();
    await admin.waitForURL(/\/admin\/orders\/SO-3001/);
    await expect.poll(() => admin.getByTestId('change-status').innerText(), WAIT).toContain('Done');
    await admin.screenshot({ path: join(shots, 'admin-return-received.png'), fullPage: true });
    await admin.context().close();

    const refunded = (await shop.shop.order('SO-3001'))!.state.payments.reduce((s, p) => s + p.refunded, 0);
    expect(refunded).toBeGreaterThan(0);
    await portal.reload();
    await expect
      .poll(async () => (await portal.getByTestId('change-status').innerText()).trim(), WAIT)
      .toBe('Выполнен');
    await expect
      .poll(async () => (await portal.getByTestId('store-credit').innerText()).replace(/\D/g, ''), WAIT)
      .toBe(String(refunded));
    await portal.screenshot({ path: join(shots, 'portal-return-done-ru.png'), fullPage: true });
    await portal.context().close();
  });
});
