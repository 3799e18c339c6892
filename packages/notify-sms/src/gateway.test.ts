import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  builtInTemplates,
  createDispatcher,
  createMemoryQueue,
  describeProblem,
  loadCatalog,
  type Catalog,
  type MessageIntent,
} from '@ordersource/notify';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smsGatewayChannel } from './gateway.js';
import { twilioSms } from './twilio.js';

const loaded = loadCatalog(builtInTemplates);
const catalog = (): Catalog => {
  if (E.isLeft(loaded)) throw new Error(loaded.left.map(describeProblem).join('\n'));
  return loaded.right;
};

const sms = (id: string, to: string, language = 'ru'): MessageIntent => ({
  id,
  template: 'order-update',
  channel: 'sms',
  audience: 'customer',
  to: { address: to, name: 'Olga Petrova' },
  language,
  vars: {
    customerName: 'Olga Petrova',
    orderNumber: 'SO-1001',
    status: 'отправлен',
    shopName: 'Demo',
    tracking: 'CDEK-1',
  },
  keepCopy: false,
});

type Seen = {
  path: string | undefined;
  auth: string | undefined;
  key: string | undefined;
  type: string | undefined;
  body: string;
};

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });

describe('SMS through an HTTP gateway on loopback (issue 12, NOT-2)', () => {
  let server: Server;
  let base: string;
  const seen: Seen[] = [];
  let twilioCalls = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      void readBody(req).then((body) => {
        seen.push({
          path: req.url,
          auth: req.headers.authorization,
          key: req.headers['idempotency-key'] as string | undefined,
          type: req.headers['content-type'],
          body,
        });
        if (req.url?.startsWith('/2010-04-01/')) {
          twilioCalls++;
          if (twilioCalls === 1) return void res.writeHead(503).end('{"message":"Service unavailable"}');
          if (twilioCalls === 2) return void setTimeout(() => res.writeHead(201).end('{"sid":"SMlate"}'), 2_000);
          return void res
            .writeHead(201, { 'content-type': 'application/json' })
            .end('{"sid":"SM123","status":"queued"}');
        }
        const parsed = JSON.parse(body) as { phone: string };
        if (parsed.phone.endsWith('0000')) return void res.writeHead(400).end('{"error":"number not reachable"}');
        res.writeHead(200).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("Twilio's API shape: a form POST with Basic auth; a 503 and a timeout are retried, the third attempt is sent once", async () => {
    const channel = smsGatewayChannel(
      twilioSms({ accountSid: 'AC123', authToken: 'tok', from: '+15005550006', baseUrl: base, timeoutMs: 800 }),
    );
    const sent: (string | undefined)[] = [];
    const dispatcher = createDispatcher({
      catalog: catalog(),
      channels: { sms: channel },
      backoff: { baseMs: 5, maxMs: 20, random: Math.random },
      onSent: async (_intent, result) => void sent.push(result.reply),
    });
    const queue = createMemoryQueue(dispatcher);
    queue.enqueue(sms('o-1/ship/sms', '+79990000001'));
    expect(await queue.drain()).toEqual({ sent: 1, duplicates: 0, retries: 2, dead: 0 });
    const calls = seen.filter((s) => s.path?.startsWith('/2010-04-01/'));
    expect(calls).toHaveLength(3);
    for (const call of calls) {
      expect(call.path).toBe('/2010-04-01/Accounts/AC123/Messages.json');
      expect(call.auth).toBe(`Basic ${Buffer.from('AC123:tok').toString('base64')}`);
      expect(call.type).toBe('application/x-www-form-urlencoded');
      expect(call.key).toBe('o-1/ship/sms');
      const form = new URLSearchParams(call.body);
      expect(form.get('To')).toBe('+79990000001');
      expect(form.get('From')).toBe('+15005550006');
      expect(form.get('Body')).toBe('Demo: заказ SO-1001: отправлен. Трек-номер: CDEK-1');
    }
    expect(sent).toEqual(['201 {"sid":"SM123","status":"queued"}']);
  });

  it('a JSON gateway of its own shape; a 400 dead-letters with the reply; a number that is not E.164 never leaves', async () => {
    seen.length = 0;
    const channel = smsGatewayChannel({
      url: `${base}/api/send`,
      encoding: 'json',
      headers: { authorization: 'Bearer k' },
      fields: (m) => ({ phone: m.to, message: m.text, lang: m.language, ref: m.idempotencyKey }),
    });
    const reasons = new Map<string, string>();
    const dispatcher = createDispatcher({
      catalog: catalog(),
      channels: { sms: channel },
      onFailed: async (intent, failure) => void reasons.set(intent.id, failure.reason),
    });
    const queue = createMemoryQueue(dispatcher);
    queue.enqueue(
      sms('ok/sms', '+84912345678', 'vi'),
      sms('unreachable/sms', '+84900000000', 'vi'),
      sms('local/sms', '0912 345 678', 'vi'),
    );
    expect(await queue.drain()).toMatchObject({ sent: 1, dead: 2 });
    expect(seen.map((s) => JSON.parse(s.body) as unknown)).toEqual([
      {
        phone: '+84912345678',
        message: 'Demo: đơn hàng SO-1001: отправлен. Mã vận đơn: CDEK-1',
        lang: 'vi',
        ref: 'ok/sms',
      },
      {
        phone: '+84900000000',
        message: 'Demo: đơn hàng SO-1001: отправлен. Mã vận đơn: CDEK-1',
        lang: 'vi',
        ref: 'unreachable/sms',
      },
    ]);
    expect(reasons.get('unreachable/sms')).toBe(`POST ${base}/api/send: 400 {"error":"number not reachable"}`);
    expect(reasons.get('local/sms')).toMatch(/^to\.address: must be an E\.164 phone number/);
  });
});
