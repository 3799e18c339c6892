import { postClassified, type ChannelAdapter } from '@ordersource/notify';

/**
 * SMS through an HTTP gateway. Most providers take one POST per message,
 * as JSON or as an HTML form, with the number, the sender and the text under
 * their own field names; `fields` maps our message onto them. Numbers are
 * E.164 (the dispatcher refuses anything else before a request is made),
 * and the intent id goes out as the request key header for gateways that
 * deduplicate on it.
 */
export type SmsMessage = Readonly<{ to: string; text: string; language: string; idempotencyKey: string }>;

export type SmsGatewayOptions = Readonly<{
  url: string;
  encoding: 'json' | 'form';
  fields: (message: SmsMessage) => Readonly<Record<string, string | number | boolean>>;
  /** Credentials and the like, e.g. { authorization: 'Bearer …' }. */
  headers?: Readonly<Record<string, string>>;
  /** Default "Idempotency-Key". */
  idempotencyHeader?: string;
  timeoutMs?: number;
  /** The provider's message id from a 2xx body, for the record. */
  providerId?: (body: string) => string | undefined;
}>;

const formBody = (fields: Readonly<Record<string, string | number | boolean>>): string =>
  new URLSearchParams(Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)])).toString();

export const smsGatewayChannel = (options: SmsGatewayOptions): ChannelAdapter => ({
  name: 'sms-gateway',
  addressKind: 'e164',
  send: async ({ intent, rendered, idempotencyKey }) => {
    const fields = options.fields({
      to: intent.to.address,
      text: rendered.sms,
      language: rendered.language,
      idempotencyKey,
    });
    return postClassified(
      {
        url: options.url,
        headers: {
          ...options.headers,
          'content-type': options.encoding === 'json' ? 'application/json' : 'application/x-www-form-urlencoded',
          [options.idempotencyHeader ?? 'idempotency-key']: idempotencyKey,
        },
        body: options.encoding === 'json' ? JSON.stringify(fields) : formBody(fields),
        timeoutMs: options.timeoutMs ?? 10_000,
      },
      options.providerId,
    );
  },
});
