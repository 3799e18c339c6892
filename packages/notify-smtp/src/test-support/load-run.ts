// Load run (issue 12): N intents through the dispatcher and the memory queue
// to a real SMTP server on loopback, over pooled connections. Prints
// messages/s and the duplicates the server saw. Not a test: run it by hand,
//   npx -y pnpm@10 --filter @ordersource/notify-smtp run bench:load [count]
import * as E from 'fp-ts/lib/Either.js';
import {
  builtInTemplates,
  createDispatcher,
  createMemoryQueue,
  describeProblem,
  loadCatalog,
  type MessageIntent,
} from '@ordersource/notify';
import { messageIdFor } from '../message-id.js';
import { smtpChannel } from '../smtp-channel.js';
import { startLoopbackSmtp } from './loopback-smtp.js';

const count = Number(process.argv[2] ?? 10_000);
const languages = ['en', 'vi', 'fr', 'zh-Hant', 'ru', 'fa'];
const catalog = loadCatalog(builtInTemplates);
if (E.isLeft(catalog)) throw new Error(catalog.left.map(describeProblem).join('\n'));

const smtp = await startLoopbackSmtp({ parse: false });
const email = smtpChannel({
  from: { name: 'Demo shop', address: 'orders@shop.example' },
  transport: {
    host: '127.0.0.1',
    port: smtp.port,
    maxConnections: 8,
    maxMessages: 1_000,
    tls: { rejectUnauthorized: false },
  },
});
const dispatcher = createDispatcher({
  catalog: catalog.right,
  channels: { email },
  backoff: { baseMs: 20, maxMs: 500, random: Math.random },
});
const queue = createMemoryQueue(dispatcher, { concurrency: 16 });

const intent = (i: number): MessageIntent => ({
  id: `load-${i}/email`,
  template: 'order-confirmation',
  channel: 'email',
  audience: 'customer',
  to: { address: `customer${i}@example.com`, name: `Customer ${i}` },
  language: languages[i % languages.length] ?? 'en',
  vars: {
    customerName: `Customer ${i}`,
    orderNumber: `SO-${100000 + i}`,
    placedAt: { date: '2026-11-01T10:00:00Z' },
    itemCount: 1 + (i % 7),
    total: { money: { amount: 1999 + i, currency: 'EUR' } },
    shopName: 'Demo shop',
    inviteUrl: `https://shop.example/invite/${i}`,
  },
  keepCopy: false,
});

const started = performance.now();
queue.enqueue(...Array.from({ length: count }, (_, i) => intent(i)));
const stats = await queue.drain();
const seconds = (performance.now() - started) / 1000;
await email.close?.();
await smtp.stop();

const ids = smtp.received.map((r) => r.mail.messageId);
const unique = new Set(ids);
const missing = Array.from({ length: count }, (_, i) => messageIdFor(`load-${i}/email`, 'shop.example')).filter(
  (id) => !unique.has(id),
);
console.log(
  JSON.stringify({
    intents: count,
    seconds: Number(seconds.toFixed(2)),
    messagesPerSecond: Math.round(count / seconds),
    received: ids.length,
    duplicates: ids.length - unique.size,
    lost: missing.length,
    stats,
    node: process.version,
  }),
);
if (ids.length !== unique.size || missing.length > 0) process.exitCode = 1;
