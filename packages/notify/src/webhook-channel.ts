import { failed, sent, type ChannelAdapter } from './channel.js';
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, signatureHeader } from './webhook-signature.js';

/**
 * A channel that POSTs each rendered message, signed, to the shop's own
 * endpoint. The intent id travels as the Idempotency-Key header (and in the
 * body), so the receiver can drop a retry of a request it already handled.
 * 2xx: sent. 408, 425, 429, 5xx, a timeout or a dropped connection: retried.
 * Any other status: refused for good, with the response in the record.
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

const RETRYABLE = new Set([408, 425, 429]);

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
    let response: Response;
    try {
      response = await fetch(options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: signatureHeader(options.secrets, timestamp, body),
          [IDEMPOTENCY_HEADER]: idempotencyKey,
          ...options.headers,
        },
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      const reason = error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : String(error);
      return failed(true, `webhook ${options.url}: ${reason}`);
    }
    const text = (await response.text().catch(() => '')).slice(0, 500);
    const reply = `${response.status} ${text}`.trim();
    if (response.ok) return sent(reply);
    return failed(response.status >= 500 || RETRYABLE.has(response.status), `webhook ${options.url}: ${reply}`);
  },
});
