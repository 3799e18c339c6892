import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher } from './dispatcher.js';
import { createMemoryQueue } from './memory-queue.js';
import { builtInCatalog, invitation } from './test-support/fixtures.js';
import { webhookChannel } from './webhook-channel.js';
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, signatureHeader, verifyWebhook } from './webhook-signature.js';

/**
 * Issue 12: signed webhooks against a real HTTP server on loopback that
 * verifies every request with the shipped verifier, fails the first
 * attempts, times out once, and deduplicates on the request key.
 */
type Captured = { header: string | undefined; body: string; key: string | undefined; at: number };

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });

describe('signed webhooks (HMAC-SHA256 over timestamp.body, replay window, two secrets)', () => {
  const OLD = 'whsec_old_0123456789';
  const NEW = 'whsec_new_9876543210';
  let server: Server;
  let url: string;
  const requests: Captured[] = [];
  const handled = new Map<string, unknown>();
  const rejected: string[] = [];
  let attempts = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      void readBody(req).then((body) => {
        const header = req.headers[SIGNATURE_HEADER] as string | undefined;
        const key = req.headers[IDEMPOTENCY_HEADER] as string | undefined;
        requests.push({ header, body, key, at: Math.floor(Date.now() / 1000) });
        // The receiver accepts both secrets while the shop rotates from OLD to NEW.
        const verified = verifyWebhook(header, body, { secrets: [NEW, OLD], now: Math.floor(Date.now() / 1000) });
        if (E.isLeft(verified)) {
          rejected.push(verified.left.kind);
          res.writeHead(401).end(verified.left.message);
          return;
        }
        attempts++;
        if (attempts <= 2) {
          res.writeHead(503).end('busy');
          return;
        }
        if (attempts === 3) {
          // Handled, but the answer comes after the sender gave up: its retry must not be handled twice.
          if (key !== undefined) handled.set(key, JSON.parse(body));
          setTimeout(() => res.writeHead(200).end('late'), 2_500);
          return;
        }
        if (key !== undefined && !handled.has(key)) handled.set(key, JSON.parse(body));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/ordersource`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('recovers from two 503s and a timeout; the receiver verifies every request and handles the message once', async () => {
    const webhook = webhookChannel({ url, secrets: [NEW, OLD], timeoutMs: 1_000 });
    const dispatcher = createDispatcher({
      catalog: builtInCatalog(),
      channels: { email: webhook },
      backoff: { baseMs: 5, maxMs: 20, random: Math.random },
    });
    const queue = createMemoryQueue(dispatcher);
    queue.enqueue(invitation('hook-1/email', { language: 'fa' }));
    expect(await queue.drain()).toEqual({ sent: 1, duplicates: 0, retries: 3, dead: 0 });
    expect(requests).toHaveLength(4);
    expect(new Set(requests.map((r) => r.key))).toEqual(new Set(['hook-1/email']));
    expect(rejected).toEqual([]);
    expect([...handled.keys()]).toEqual(['hook-1/email']);
    expect(handled.get('hook-1/email')).toMatchObject({
      id: 'hook-1/email',
      language: 'fa',
      dir: 'rtl',
      channel: 'email',
    });
  });

  it('the verifier refuses a replay outside the window, a changed body, a retired secret and a missing header', () => {
    const captured = requests[0];
    if (captured === undefined) throw new Error('no request captured');
    const now = captured.at;
    expect(E.isRight(verifyWebhook(captured.header, captured.body, { secrets: [OLD], now }))).toBe(true);
    const replay = verifyWebhook(captured.header, captured.body, { secrets: [NEW, OLD], now: now + 301 });
    expect(E.isLeft(replay) && replay.left.kind).toBe('outside-window');
    const tampered = verifyWebhook(captured.header, captured.body.replace('hook-1', 'hook-2'), {
      secrets: [NEW, OLD],
      now,
    });
    expect(E.isLeft(tampered) && tampered.left.kind).toBe('bad-signature');
    const retired = verifyWebhook(signatureHeader([OLD], now, 'x'), 'x', { secrets: [NEW], now });
    expect(E.isLeft(retired) && retired.left.kind).toBe('bad-signature');
    expect(E.isLeft(verifyWebhook(undefined, 'x', { secrets: [NEW], now }))).toBe(true);
    const malformed = verifyWebhook('t=abc,v1=zz', 'x', { secrets: [NEW], now });
    expect(E.isLeft(malformed) && malformed.left.kind).toBe('malformed-signature');
  });

  it('a request signed only with a secret the receiver dropped is refused (401) and dead-letters with the reply', async () => {
    const webhook = webhookChannel({ url, secrets: ['whsec_unknown'], timeoutMs: 500 });
    const reasons: string[] = [];
    const dispatcher = createDispatcher({
      catalog: builtInCatalog(),
      channels: { email: webhook },
      onFailed: async (_intent, failure) => void reasons.push(failure.reason),
    });
    const queue = createMemoryQueue(dispatcher);
    queue.enqueue(invitation('hook-2/email'));
    expect(await queue.drain()).toMatchObject({ sent: 0, dead: 1 });
    expect(reasons).toEqual([`POST ${url}: 401 no signature matches an accepted secret`]);
  });
});
