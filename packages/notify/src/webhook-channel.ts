import type { ChannelAdapter } from './channel.js';
import { postClassified } from './http-send.js';
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, signatureHeader } from './webhook-signature.js';

/**
 * A channel that POSTs each rendered message, signed, to the shop's own
 * endpoint, for shops that route messages themselves. Register it for any
 * channel (`channels: { email: webhookChannel(...) }`). The intent id travels
 * as the Idempotency-Key header and in the body, so the receiver drops a
 * retry of a request it already handled.
 */
export type WebhookOptions = Readonly<{
  url: string;
  /** Active secrets; two while rotating. */
  secrets: readonly string[];
  timeoutMs?: number;
  headers?: Readonly<Record<string, string>>;
  /** Unix seconds (tests). */
  now?: () => number;
}>;

export const webhookChannel = (options: WebhookOptions): ChannelAdapter => ({
  name: 'webhook',
  send: async ({ intent, rendered, idempotencyKey }) => {
    const body = JSON.stringify({
      id: idempotencyKey,
      channel: intent.channel,
      audience: intent.audience,
      template: intent.template,
      to: intent.to,
      language: rendered.language,
      dir: rendered.dir,
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      sms: rendered.sms,
    });
    const timestamp = options.now?.() ?? Math.floor(Date.now() / 1000);
    return postClassified({
      url: options.url,
      headers: {
        ...options.headers,
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: signatureHeader(options.secrets, timestamp, body),
        [IDEMPOTENCY_HEADER]: idempotencyKey,
      },
      body,
      timeoutMs: options.timeoutMs ?? 10_000,
    });
  },
});
