import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { appCss, appJs } from '@ordersource/example-admin-web';
import { registerApiRoutes } from './api-routes.js';
import { registerChangeRoutes } from './change-routes.js';
import { sendProblem, type Deps } from './deps.js';
import { openApiDocument } from './openapi.js';
import { registerPageRoutes } from './page-routes.js';
import { registerRefundGoodsRoutes } from './refund-goods.js';
import { problem } from './problem.js';
import { registerWebhook, WEBHOOK_PATH } from './webhook.js';

/**
 * The whole HTTP surface on Hono: security headers on every answer, body
 * size limits before anything is parsed (JSON, forms, the webhook), the JSON
 * API, the webhook, the pages, /openapi.json and /health. Anything that goes
 * wrong is answered as a problem document, never a stack trace.
 */
export const createApp = (deps: Deps): Hono => {
  const app = new Hono();

  app.use('*', async (c, next) => {
    await next();
    c.header('x-content-type-options', 'nosniff');
    c.header('referrer-policy', 'same-origin');
    c.header('x-frame-options', 'DENY');
    c.header(
      'content-security-policy',
      "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
  });

  const tooLarge = (limit: number) => (c: Context) =>
    sendProblem(c, problem(413, 'body-too-large', 'The body is too large', `at most ${limit} bytes are accepted`));
  app.use('/api/*', bodyLimit({ maxSize: deps.config.maxJsonBytes, onError: tooLarge(deps.config.maxJsonBytes) }));
  app.use(WEBHOOK_PATH, bodyLimit({ maxSize: deps.config.maxJsonBytes, onError: tooLarge(deps.config.maxJsonBytes) }));
  for (const prefix of ['/admin/*', '/portal/*'])
    app.use(prefix, bodyLimit({ maxSize: deps.config.maxFormBytes, onError: tooLarge(deps.config.maxFormBytes) }));

  const { document } = openApiDocument();
  app.get('/openapi.json', (c) => c.json(document));
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.get('/assets/app.css', (c) => c.body(appCss, 200, { 'content-type': 'text/css; charset=utf-8' }));
  app.get('/assets/app.js', (c) => c.body(appJs, 200, { 'content-type': 'text/javascript; charset=utf-8' }));
  app.get('/', (c) => c.redirect('/portal/login', 303));

  registerApiRoutes(app, deps);
  registerChangeRoutes(app, deps);
  registerRefundGoodsRoutes(app, deps);
  registerWebhook(app, deps);
  registerPageRoutes(app, deps);

  app.notFound((c) =>
    sendProblem(c, problem(404, 'not-found', 'Not found', `no route for ${c.req.method} ${c.req.path}`)),
  );
  app.onError((error, c) => {
    console.error(`${c.req.method} ${c.req.path}:`, error);
    return sendProblem(c, problem(500, 'internal-error', 'Internal error', 'the server failed; the error was logged'));
  });
  return app;
};
