import type { Hono } from 'hono';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { decode, derivedId, NonEmptyString, PositiveMoneyCodec, strict, type Actor } from '@ordersource/core';
import { SIGNATURE_HEADER, verifyWebhook } from '@ordersource/notify';
import { etagOf, sendProblem, type Deps } from './deps.js';
import { problem, problemOfError } from './problem.js';

/**
 * The payment provider's webhook (PAY-1, ORD-2, ORD-3, PAY-5): a signed
 * event says what happened to a payment, and becomes the order command that
 * records it. The signature is HMAC-SHA256 over "<timestamp>.<raw body>" in
 * the `Ordersource-Signature` header (t=<unix seconds>,v1=<hex>), checked
 * against the raw bytes before anything is parsed; a timestamp outside the
 * tolerance window is refused, so a captured request cannot be replayed
 * later. The provider's event id is the idempotency key: the command id
 * derives from it, so a retry (or a replay inside the window) appends nothing
 * and is answered 200 with `duplicate: true`.
 */

export const ProviderEventTypeCodec = t.keyof(
  {
    'payment.authorized': null,
    'payment.captured': null,
    'payment.sale': null,
    'payment.failed': null,
    'payment.voided': null,
    'payment.expired': null,
    'payment.refunded': null,
    // Issue 9.3: asynchronous outcomes.
    'payment.action_required': null,
    'capture.failed': null,
    'refund.succeeded': null,
    'refund.failed': null,
    'refund.reversed': null,
    'dispute.opened': null,
    'dispute.won': null,
    'dispute.lost': null,
  },
  'ProviderEventType',
);

export const ProviderEventCodec = strict(
  t.strict(
    {
      id: NonEmptyString,
      type: ProviderEventTypeCodec,
      data: t.intersection([
        t.strict({ orderId: NonEmptyString, paymentId: NonEmptyString }),
        t.exact(
          t.partial({
            amount: PositiveMoneyCodec,
            providerReference: NonEmptyString,
            message: t.string,
            refundId: NonEmptyString,
            disputeId: NonEmptyString,
            url: NonEmptyString,
          }),
        ),
      ]),
    },
    'ProviderEvent',
  ),
);
export type ProviderEvent = t.TypeOf<typeof ProviderEventCodec>;

const decodeProviderEvent = decode(ProviderEventCodec, 'payment provider event');

const provider: Actor = { kind: 'provider', id: 'example-psp', name: 'Example payment provider' };

/** The order command an event stands for. */
export const commandOf = (event: ProviderEvent): { type: string; data: Record<string, unknown> } => {
  const { paymentId, amount, providerReference, message, refundId, disputeId, url } = event.data;
  // The provider's event id travels with the command: a re-delivery is a no-op in the order too (issue 9.3).
  const provided = {
    providerEventId: event.id,
    ...(providerReference === undefined ? {} : { providerReference }),
    ...(message === undefined ? {} : { providerMessage: message }),
  };
  const refund = refundId ?? `refund-${event.id}`;
  const dispute = disputeId ?? `dispute-${paymentId}`;
  const withAmount = amount === undefined ? {} : { amount };
  switch (event.type) {
    case 'payment.authorized':
      return { type: 'AuthorizePayment', data: { paymentId, ...withAmount, ...provided } };
    case 'payment.captured':
      return { type: 'CapturePayment', data: { paymentId, ...withAmount, ...provided } };
    case 'payment.sale':
      return { type: 'RecordSale', data: { paymentId, ...withAmount, ...provided } };
    case 'payment.failed':
      return { type: 'FailPayment', data: { paymentId, ...provided } };
    case 'payment.voided':
      return { type: 'VoidPayment', data: { paymentId, ...provided } };
    case 'payment.expired':
      return { type: 'ExpirePayment', data: { paymentId, ...provided } };
    case 'payment.refunded':
      return {
        type: 'RefundPayment',
        data: { paymentId, refundId: refund, ...withAmount, ...provided },
      };
    case 'payment.action_required':
      return { type: 'RequireCustomerAction', data: { paymentId, ...(url === undefined ? {} : { url }), ...provided } };
    case 'capture.failed':
      return { type: 'FailCapture', data: { paymentId, ...provided } };
    case 'refund.succeeded':
      return { type: 'ConfirmRefund', data: { refundId: refund, paymentId, ...withAmount, ...provided } };
    case 'refund.failed':
      return { type: 'FailRefund', data: { refundId: refund, paymentId, ...provided } };
    case 'refund.reversed':
      return { type: 'ReverseRefund', data: { refundId: refund, paymentId, ...withAmount, ...provided } };
    case 'dispute.opened':
      return { type: 'OpenDispute', data: { disputeId: dispute, paymentId, ...withAmount, ...provided } };
    case 'dispute.won':
    case 'dispute.lost':
      return {
        type: 'CloseDispute',
        data: {
          disputeId: dispute,
          outcome: event.type === 'dispute.won' ? 'won' : 'lost',
          paymentId,
          ...withAmount,
          ...provided,
        },
      };
  }
};

export const WEBHOOK_PATH = '/webhooks/payments';

export const registerWebhook = (app: Hono, deps: Deps): void => {
  app.post(WEBHOOK_PATH, async (c) => {
    const raw = await c.req.text();
    const now = deps.config.nowSeconds?.() ?? Math.floor(Date.now() / 1000);
    const verified = verifyWebhook(c.req.header(SIGNATURE_HEADER), raw, {
      secrets: deps.config.webhookSecrets,
      now,
      toleranceSeconds: deps.config.webhookToleranceSeconds,
    });
    if (E.isLeft(verified))
      return sendProblem(
        c,
        problem(
          verified.left.kind === 'outside-window' ? 400 : 401,
          `webhook-${verified.left.kind}`,
          'Webhook signature refused',
          verified.left.message,
        ),
      );
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return sendProblem(c, problem(400, 'malformed-json', 'The body is not JSON', 'a signed body that is not JSON'));
    }
    const event = decodeProviderEvent(body);
    if (E.isLeft(event)) return sendProblem(c, problemOfError(event.left));
    const command = commandOf(event.right);
    const handled = await deps.shop.orderCommand(event.right.data.orderId, command, {
      commandId: derivedId('provider-event', event.right.id),
      actor: provider,
      at: new Date(now * 1000).toISOString(),
    });
    if (E.isLeft(handled)) return sendProblem(c, problemOfError(handled.left));
    c.header('etag', etagOf(handled.right.version));
    return c.json({
      received: event.right.id,
      command: command.type,
      duplicate: handled.right.duplicate,
      events: handled.right.events.map((e) => e.type),
    });
  });
};
