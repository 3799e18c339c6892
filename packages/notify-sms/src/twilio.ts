import type { SmsGatewayOptions } from './gateway.js';

/**
 * A ready mapping for Twilio's Programmable Messaging API shape: a form POST
 * of To, From and Body to /2010-04-01/Accounts/{AccountSid}/Messages.json
 * with HTTP Basic auth (account SID and auth token); the reply's "sid"
 * identifies the message. `baseUrl` points elsewhere for tests or for a
 * provider that copies this API.
 */
export type TwilioSettings = Readonly<{
  accountSid: string;
  authToken: string;
  /** A Twilio number in E.164, or a messaging service / alphanumeric sender. */
  from: string;
  baseUrl?: string;
  timeoutMs?: number;
}>;

const sidOf = (body: string): string | undefined => {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null && typeof (parsed as { sid?: unknown }).sid === 'string'
      ? (parsed as { sid: string }).sid
      : undefined;
  } catch {
    return undefined;
  }
};

export const twilioSms = (settings: TwilioSettings): SmsGatewayOptions => ({
  url: `${settings.baseUrl ?? 'https://api.twilio.com'}/2010-04-01/Accounts/${encodeURIComponent(settings.accountSid)}/Messages.json`,
  encoding: 'form',
  headers: { authorization: `Basic ${Buffer.from(`${settings.accountSid}:${settings.authToken}`).toString('base64')}` },
  fields: (message) => ({ To: message.to, From: settings.from, Body: message.text }),
  providerId: sidOf,
  ...(settings.timeoutMs === undefined ? {} : { timeoutMs: settings.timeoutMs }),
});
