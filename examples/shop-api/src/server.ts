import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { hashPassword, type ScryptParams } from '@ordersource/accounts';
import type { EventStore } from '@ordersource/core';
import { createApp } from './http/app.js';
import type { AdminAccount, ShopConfig } from './http/deps.js';
import { createRateLimiter } from './http/rate-limit.js';
import { createSessionStore } from './http/sessions.js';
import { createShop, type Shop, type ShopOptions } from './shop/shop.js';

/**
 * Start the shop on a store: the composition, the HTTP app and a Node HTTP
 * server on `port` (0 picks a free one). Used by main.ts, the tests and the
 * load run alike.
 */

export type StartOptions = Readonly<{
  store: EventStore;
  port?: number;
  host?: string;
  /** Admin user name -> password (hashed here with scrypt; only the hash is kept). */
  admins: Readonly<Record<string, string>>;
  webhookSecrets: readonly string[];
  notifier?: ShopOptions['notifier'];
  scrypt?: ScryptParams;
  config?: Partial<Omit<ShopConfig, 'admins' | 'webhookSecrets' | 'baseUrl'>>;
  /** The public URL (links in messages); default http://<host>:<port>. */
  baseUrl?: string;
  /**
   * Settle the policies and fire due timers every this many ms even when no
   * request comes (a 24-hour ORD-7 hold ends on time). Default off (tests).
   */
  tickMs?: number;
}>;

export type RunningShop = Readonly<{ url: string; shop: Shop; close: () => Promise<void> }>;

export const startShop = async (options: StartOptions): Promise<RunningShop> => {
  const host = options.host ?? '127.0.0.1';
  const admins: AdminAccount[] = [];
  for (const [username, password] of Object.entries(options.admins))
    admins.push({ username, name: username, passwordHash: await hashPassword(password, options.scrypt) });
  // The links in messages need the URL, known once the port is: the app is made right after listen.
  let handle: (request: Request, env: unknown) => Response | Promise<Response> = () =>
    new Response('starting', { status: 503 });
  const server = serve({
    fetch: (request, env) => handle(request, env),
    port: options.port ?? 0,
    hostname: host,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  const baseUrl = options.baseUrl ?? url;
  const config: ShopConfig = {
    baseUrl,
    admins,
    webhookSecrets: options.webhookSecrets,
    webhookToleranceSeconds: 300,
    secureCookies: baseUrl.startsWith('https:'),
    maxJsonBytes: 64 * 1024,
    maxFormBytes: 32 * 1024,
    loginLimit: { attempts: 10, windowMs: 60_000 },
    ...options.config,
  };
  const shop = createShop({
    store: options.store,
    baseUrl,
    notifier: options.notifier ?? { transport: 'console' },
    ...(options.scrypt === undefined ? {} : { scrypt: options.scrypt }),
  });
  const app = createApp({
    shop,
    sessions: createSessionStore(),
    config,
    loginLimiter: createRateLimiter(config.loginLimit.attempts, config.loginLimit.windowMs),
    addressLimiter: createRateLimiter(config.loginLimit.attempts * 10, config.loginLimit.windowMs),
  });
  // Requests in flight when the server closes finish before the store may be closed.
  const inFlight = new Set<Promise<Response>>();
  handle = (request, env) => {
    const answer = Promise.resolve(app.fetch(request, env));
    inFlight.add(answer);
    void answer.finally(() => inFlight.delete(answer)).catch(() => undefined);
    return answer;
  };
  const ticker =
    options.tickMs === undefined
      ? undefined
      : setInterval(() => {
          shop.settle().catch((error: unknown) => console.error('settling the shop:', error));
        }, options.tickMs);
  return {
    url,
    shop,
    close: async () => {
      if (ticker !== undefined) clearInterval(ticker);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled([...inFlight]);
      await shop.close();
    },
  };
};
