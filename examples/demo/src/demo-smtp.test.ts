import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPgliteExecutor, createPostgresEventStore } from '@ordersource/postgres';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from './walk.js';

/**
 * Issue 12, "Done when": the demo sends the messages of one order's life to a
 * local SMTP server when one is configured (ORDERSOURCE_DEMO_SMTP). A real
 * SMTP server on loopback (smtp-server) receives them; mailparser reads them.
 */
describe('the demo with ORDERSOURCE_DEMO_SMTP (issue 12)', () => {
  const received: ParsedMail[] = [];
  let server: SMTPServer;
  let port = 0;
  beforeAll(async () => {
    server = new SMTPServer({
      logger: false,
      authOptional: true,
      onData: (stream, _session, callback) => {
        simpleParser(stream).then(
          (mail) => {
            received.push(mail);
            callback();
          },
          (error: Error) => callback(error),
        );
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const address = server.server.address();
    if (typeof address === 'object' && address !== null) port = address.port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("sends the order's e-mails in Russian and in Persian (right to left) to the configured server", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ordersource-demo-smtp-'));
    const executor = await createPgliteExecutor({ dataDir });
    const store = await createPostgresEventStore(executor);
    const lines: string[] = [];
    const before = process.env['ORDERSOURCE_DEMO_SMTP'];
    process.env['ORDERSOURCE_DEMO_SMTP'] = `smtp://127.0.0.1:${port}`;
    try {
      await runDemo(store, (line) => lines.push(line));
    } finally {
      if (before === undefined) delete process.env['ORDERSOURCE_DEMO_SMTP'];
      else process.env['ORDERSOURCE_DEMO_SMTP'] = before;
      await store.close();
      await executor.close();
      await rm(dataDir, { recursive: true, force: true });
    }
    const output = lines.join('\n');
    expect(output).toContain(`sent to smtp://127.0.0.1:${port}`);
    expect(output).not.toMatch(/[1-9]\d* failed/);
    // Persian subjects are in Arabic script (the shop's name inside may be Cyrillic); Russian ones are not.
    const persian = received.filter((m) => /[\u0600-\u06ff]/.test(m.subject ?? ''));
    const russian = received.filter((m) => !persian.includes(m) && /[а-яё]/i.test(m.subject ?? ''));
    expect(russian.length).toBeGreaterThan(0);
    expect(persian.length).toBe(russian.length);
    expect(persian.every((m) => typeof m.html === 'string' && m.html.includes('dir="rtl"'))).toBe(true);
    // One Message-ID per intent: nothing arrived twice.
    const ids = received.map((m) => m.messageId);
    expect(new Set(ids).size).toBe(ids.length);
    // What the demo said it sent is what the server got.
    const emails = [...output.matchAll(/\d+ sent \((\d+) by e-mail\), 0 failed/g)].map((m) => Number(m[1]));
    expect(emails).toHaveLength(2);
    expect(emails[0]! + emails[1]!).toBe(received.length);
  });
});
