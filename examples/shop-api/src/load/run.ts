import autocannon from 'autocannon';
import { newId, type EventStore } from '@ordersource/core';
import { signatureHeader } from '@ordersource/notify';
import { checkoutBody } from '../fixtures.js';
import { startShop } from '../server.js';

/**
 * The load run (issue 16): N concurrent clients on loopback, each placing an
 * order and paying it through the signed provider webhook, for a bounded
 * time, with autocannon. Then the store is read back: every order the API
 * acknowledged (201) must be stored exactly once, and paid once.
 */

export type LoadOptions = Readonly<{ store: EventStore; connections: number; seconds: number }>;

export type LoadReport = Readonly<{
  connections: number;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  latencyMs: Readonly<{ p50: number; p90: number; p99: number; max: number }>;
  errors: number;
  timeouts: number;
  non2xx: number;
  acknowledged: number;
  paid: number;
  /** Acknowledged orders whose OrderPlaced is not in the store exactly once (must be 0). */
  missingOrDuplicated: number;
  /** Orders stored whose answer the client never got (cut off by the end of the run): allowed, reported. */
  storedNotAcknowledged: number;
  /** Acknowledged payments not recorded exactly once (must be 0). */
  paymentsNotOnce: number;
}>;

const SECRET = 'load-run-webhook-secret';

export const runLoad = async (options: LoadOptions): Promise<LoadReport> => {
  const running = await startShop({
    store: options.store,
    admins: {},
    webhookSecrets: [SECRET],
    notifier: { transport: 'outbox' },
  });
  const acknowledged = new Set<string>();
  const paid = new Set<string>();
  const run = `load-${newId().slice(-8)}`;
  let n = 0;
  try {
    const result = await autocannon({
      url: running.url,
      connections: options.connections,
      duration: options.seconds,
      timeout: 30,
      requests: [
        {
          method: 'POST',
          path: '/api/orders',
          setupRequest: (request, ctx: object) => {
            const context = ctx as Record<string, unknown>;
            const orderId = `${run}-${++n}`;
            context['orderId'] = orderId;
            const customer = {
              id: `cust-${orderId}`,
              name: 'Load Tester',
              email: `${orderId}@load.example`,
              language: 'en',
            };
            return {
              ...request,
              headers: { 'content-type': 'application/json', 'idempotency-key': orderId },
              body: JSON.stringify(checkoutBody({ orderId, orderNumber: orderId, customer })),
            };
          },
          onResponse: (status, _body, ctx: object) => {
            const context = ctx as Record<string, unknown>;
            if (status === 201) acknowledged.add(String(context['orderId']));
          },
        },
        {
          method: 'POST',
          path: '/webhooks/payments',
          setupRequest: (request, ctx: object) => {
            const context = ctx as Record<string, unknown>;
            const orderId = String(context['orderId']);
            const body = JSON.stringify({
              id: `evt-${orderId}`,
              type: 'payment.sale',
              data: {
                orderId,
                paymentId: `${orderId}-pay`,
                amount: { amount: 700_000, currency: 'RUB' },
                providerReference: `psp-${orderId}`,
                message: 'Approved',
              },
            });
            return {
              ...request,
              headers: {
                'content-type': 'application/json',
                'ordersource-signature': signatureHeader([SECRET], Math.floor(Date.now() / 1000), body),
              },
              body,
            };
          },
          onResponse: (status, _body, ctx: object) => {
            const context = ctx as Record<string, unknown>;
            if (status === 200) paid.add(String(context['orderId']));
          },
        },
      ],
    });
    // Read back what the store holds for this run: one OrderPlaced and one sale per acknowledged order.
    const placed = new Map<string, number>();
    const sales = new Map<string, number>();
    for await (const e of options.store.readAll(undefined, { streamPrefix: `order-${run}-` })) {
      const orderId = e.streamId.slice('order-'.length);
      if (e.event.type === 'OrderPlaced') placed.set(orderId, (placed.get(orderId) ?? 0) + 1);
      if (e.event.type === 'PaymentCaptured') sales.set(orderId, (sales.get(orderId) ?? 0) + 1);
    }
    return {
      connections: options.connections,
      seconds: options.seconds,
      requests: result.requests.total,
      requestsPerSecond: Math.round(result.requests.average),
      latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      acknowledged: acknowledged.size,
      paid: paid.size,
      missingOrDuplicated: [...acknowledged].filter((id) => placed.get(id) !== 1).length,
      storedNotAcknowledged: [...placed.keys()].filter((id) => !acknowledged.has(id)).length,
      paymentsNotOnce: [...paid].filter((id) => sales.get(id) !== 1).length,
    };
  } finally {
    await running.close();
  }
};

export const describeReport = (r: LoadReport): string =>
  [
    `${r.connections} clients for ${r.seconds} s on loopback: ${r.requests} requests, ${r.requestsPerSecond} req/s`,
    `latency p50 ${r.latencyMs.p50} ms, p90 ${r.latencyMs.p90} ms, p99 ${r.latencyMs.p99} ms, max ${r.latencyMs.max} ms`,
    `errors ${r.errors}, timeouts ${r.timeouts}, non-2xx ${r.non2xx}`,
    `orders acknowledged ${r.acknowledged}, paid ${r.paid}; not stored exactly once: ${r.missingOrDuplicated} orders, ${r.paymentsNotOnce} payments; stored but unanswered: ${r.storedNotAcknowledged}`,
  ].join('\n');
