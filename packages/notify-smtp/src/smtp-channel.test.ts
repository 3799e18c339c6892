import { generateKeyPairSync } from 'node:crypto';
import {
  builtInTemplates,
  createDispatcher,
  createMemoryQueue,
  describeProblem,
  loadCatalog,
  type Catalog,
  type Failure,
  type MessageIntent,
} from '@ordersource/notify';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailToFaxChannel } from './fax-channel.js';
import { messageIdFor } from './message-id.js';
import { smtpChannel } from './smtp-channel.js';
import { startLoopbackSmtp, type LoopbackSmtp } from './test-support/loopback-smtp.js';

const loaded = loadCatalog(builtInTemplates);
const catalog = (): Catalog => {
  if (E.isLeft(loaded)) throw new Error(loaded.left.map(describeProblem).join('\n'));
  return loaded.right;
};

const update = (id: string, language: string, overrides: Partial<MessageIntent> = {}): MessageIntent => ({
  id,
  template: 'order-update',
  channel: 'email',
  audience: 'customer',
  to: { address: 'olga@example.ru', name: 'Olga Petrova' },
  language,
  vars: {
    customerName: 'Olga Petrova',
    orderNumber: 'SO-1001',
    status: language === 'fa' ? 'ارسال شد' : 'отправлен',
    shopName: 'Demo shop',
    note: 'Courier <b>calls</b> first & rings twice',
    tracking: 'CDEK CDEK-1029384756',
  },
  keepCopy: false,
  ...overrides,
});

const auth = { user: 'shop', pass: 's3cret' };
const fast = { baseMs: 10, maxMs: 100, random: Math.random };

describe('e-mail over SMTP to a real server on loopback (issue 12)', () => {
  let smtp: LoopbackSmtp;
  beforeAll(async () => {
    smtp = await startLoopbackSmtp({ auth });
  });
  afterAll(async () => {
    await smtp.stop();
  });

  const channel = (extra: Partial<Parameters<typeof smtpChannel>[0]> = {}) =>
    smtpChannel({
      from: { name: 'Demo shop', address: 'orders@shop.example' },
      transport: {
        host: '127.0.0.1',
        port: smtp.port,
        requireTLS: true,
        auth,
        tls: { rejectUnauthorized: false },
        maxConnections: 4,
        connectionTimeoutMs: 2_000,
      },
      ...extra,
    });

  it('sends both parts with language, direction and the intent id as Message-ID, over STARTTLS with AUTH and DKIM', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const email = smtpChannel({
      from: { name: 'Demo shop', address: 'orders@shop.example' },
      transport: {
        host: '127.0.0.1',
        port: smtp.port,
        requireTLS: true,
        auth,
        tls: { rejectUnauthorized: false },
        dkim: {
          domainName: 'shop.example',
          keySelector: 'mail',
          privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        },
      },
    });
    const dispatcher = createDispatcher({ catalog: catalog(), channels: { email }, backoff: fast });
    const queue = createMemoryQueue(dispatcher);
    queue.enqueue(update('o-1/ship/email', 'ru'), update('o-1/ship-fa/email', 'fa'));
    expect(await queue.drain()).toMatchObject({ sent: 2, dead: 0 });
    await email.close?.();

    const byId = new Map(smtp.received.map((r) => [r.mail.messageId, r]));
    const ru = byId.get(messageIdFor('o-1/ship/email', 'shop.example'));
    const fa = byId.get(messageIdFor('o-1/ship-fa/email', 'shop.example'));
    if (ru === undefined || fa === undefined) throw new Error(`not received: ${[...byId.keys()].join(', ')}`);
    expect(ru.secure).toBe(true);
    expect(ru.user).toBe('shop');
    expect(ru.mail.subject).toBe('Заказ SO-1001: отправлен');
    expect(ru.mail.headers.get('content-language')).toBe('ru');
    expect(ru.mail.to && !Array.isArray(ru.mail.to) && ru.mail.to.value[0]).toEqual({
      address: 'olga@example.ru',
      name: 'Olga Petrova',
    });
    expect(ru.mail.text).toContain('Комментарий Demo shop: Courier <b>calls</b> first & rings twice');
    expect(ru.mail.html).toContain('<html lang="ru" dir="ltr">');
    expect(ru.mail.html).toContain('<bdi>Courier &lt;b&gt;calls&lt;/b&gt; first &amp; rings twice</bdi>');
    expect(ru.raw.replace(/\r?\n[ \t]+/g, ' ')).toMatch(/^DKIM-Signature: .*d=shop\.example; .*s=mail;/im);
    expect(fa.mail.headers.get('content-language')).toBe('fa');
    expect(fa.mail.html).toContain('<html lang="fa" dir="rtl">');
    expect(fa.mail.html).toContain('<bdi>Olga Petrova</bdi> عزیز، سلام');
    expect(fa.mail.text).toContain('\u2068SO-1001\u2069');
  });

  it('a 5xx reply dead-letters with the reply recorded; a 4xx retries; an injected name fails alone; the others flow', async () => {
    smtp.received.length = 0;
    const greylisted = new Map<string, number>();
    smtp.refuse = (messageId) => {
      if (messageId === messageIdFor('refused/email', 'shop.example'))
        return { code: 550, message: '5.1.1 <nobody@example.ru>: mailbox unavailable' };
      if (messageId === messageIdFor('greylisted/email', 'shop.example')) {
        const n = (greylisted.get(messageId) ?? 0) + 1;
        greylisted.set(messageId, n);
        if (n < 3) return { code: 451, message: '4.7.1 greylisted, try again later' };
      }
      return undefined;
    };
    const failures = new Map<string, Failure>();
    const email = channel();
    const dispatcher = createDispatcher({
      catalog: catalog(),
      channels: { email },
      backoff: fast,
      onFailed: async (intent, failure) => void failures.set(intent.id, failure),
    });
    const queue = createMemoryQueue(dispatcher);
    queue.enqueue(
      update('refused/email', 'ru'),
      update('greylisted/email', 'fr'),
      update('inject/email', 'en', { to: { address: 'olga@example.ru', name: 'Olga\r\nBcc: victim@example.net' } }),
      update('fine/email', 'vi'),
    );
    const stats = await queue.drain();
    await email.close?.();
    smtp.refuse = () => undefined;
    expect(stats).toMatchObject({ sent: 2, dead: 2, retries: 2 });
    expect(failures.get('refused/email')?.reason).toMatch(
      /^SMTP 550 5\.1\.1 <nobody@example\.ru>: mailbox unavailable/,
    );
    expect(failures.get('refused/email')?.retryable).toBe(false);
    expect(failures.get('inject/email')?.reason).toBe(
      'to.name: must not contain line breaks or control characters (header injection) (got "Olga\\r\\nBcc: victim@example.net")',
    );
    expect(greylisted.get(messageIdFor('greylisted/email', 'shop.example'))).toBe(3);
    expect(smtp.received.map((r) => r.mail.messageId).sort()).toEqual(
      [messageIdFor('fine/email', 'shop.example'), messageIdFor('greylisted/email', 'shop.example')].sort(),
    );
    expect(smtp.received.some((r) => /victim/.test(r.raw))).toBe(false);
  });

  it('the SMTP server stops mid-run and comes back: 0 intents lost, 0 delivered twice', async () => {
    smtp.received.length = 0;
    const email = channel();
    const dispatcher = createDispatcher({
      catalog: catalog(),
      channels: { email },
      backoff: { baseMs: 20, maxMs: 200, random: Math.random },
      maxAttempts: 50,
    });
    const queue = createMemoryQueue(dispatcher, { concurrency: 8 });
    const total = 300;
    const ids = Array.from({ length: total }, (_, i) => `restart-${i}/email`);
    let restarted: Promise<void> | undefined;
    queue.onOutcome(() => {
      if (restarted === undefined && smtp.received.length >= 80)
        restarted = (async () => {
          await smtp.stop();
          await new Promise((resolve) => setTimeout(resolve, 300));
          await smtp.start();
        })();
    });
    queue.enqueue(...ids.map((id, i) => update(id, ['ru', 'fa', 'en', 'vi', 'fr', 'zh-Hant'][i % 6] ?? 'en')));
    const stats = await queue.drain();
    await restarted;
    await email.close?.();
    expect(restarted).toBeDefined();
    expect(stats.retries).toBeGreaterThan(0);
    const received = smtp.received.map((r) => r.mail.messageId);
    const expected = ids.map((id) => messageIdFor(id, 'shop.example'));
    expect(new Set(received).size).toBe(received.length); // 0 delivered twice
    expect([...received].sort()).toEqual([...expected].sort()); // 0 lost
    expect(stats).toMatchObject({ sent: total, dead: 0 });
  });

  it('NOT-1: the admin alert by fax through an e-mail-to-fax gateway on the same transport', async () => {
    smtp.received.length = 0;
    const email = channel();
    const fax = emailToFaxChannel({
      gatewayDomain: 'fax.example.net',
      from: { address: 'orders@shop.example' },
      transport: email.transport,
    });
    const failures: string[] = [];
    const dispatcher = createDispatcher({
      catalog: catalog(),
      channels: { email, fax },
      onFailed: async (_i, f) => void failures.push(f.reason),
    });
    const queue = createMemoryQueue(dispatcher);
    const alert = (id: string, address: string): MessageIntent => ({
      id,
      template: 'new-order-alert',
      channel: 'fax',
      audience: 'admin',
      to: { address },
      language: 'zh-Hant',
      vars: {
        orderNumber: 'SO-1001',
        customerName: 'Olga Petrova',
        placedAt: { date: '2026-11-01T10:00:00Z' },
        itemCount: 5,
        total: { money: { amount: 700000, currency: 'RUB' } },
      },
      keepCopy: false,
    });
    const injected: MessageIntent = {
      ...alert('injected/fax', '+74951234568'),
      vars: { ...alert('x', '+1').vars, customerName: 'Olga\r\nBcc: spy@evil.example' },
    };
    queue.enqueue(alert('alert/fax', '+74951234567'), alert('bad/fax', '8-495-123'), injected);
    await queue.drain();
    await email.close?.();
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]?.mail;
    expect(mail?.to && !Array.isArray(mail.to) && mail.to.value[0]?.address).toBe('74951234567@fax.example.net');
    expect(mail?.subject).toBe('新訂單 SO-1001:Olga Petrova');
    expect(mail?.text).toContain('共 5 件商品');
    expect(failures).toEqual([
      expect.stringContaining('to.address: must be an E.164 phone number'),
      expect.stringContaining('subject'),
    ]);
  });
});
