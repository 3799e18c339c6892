import { checkText, failed, type ChannelAdapter } from '@ordersource/notify';
import { messageIdFor } from './message-id.js';
import { openTransport, senderOf } from './smtp-channel.js';
import { smtpFailure, smtpSent } from './smtp-result.js';
import type { SmtpSettings, SmtpTransport } from './transport.js';

/**
 * NOT-1 (ec2Biz "傳真文件"): the admin's new-order alert by fax, through an
 * e-mail-to-fax gateway: the number, without its "+", at the gateway's
 * domain (`4951234567@fax.example.net`), the subject as the cover line and
 * the plain text as the page. It shares the e-mail channel's SMTP transport.
 */
export type EmailToFaxOptions = Readonly<{
  gatewayDomain: string;
  from: Readonly<{ name?: string; address: string }>;
  transport: SmtpTransport | SmtpSettings;
  messageIdDomain?: string;
}>;

export const faxAddress = (e164: string, gatewayDomain: string): string =>
  `${e164.replace(/^\+/, '')}@${gatewayDomain}`;

export const emailToFaxChannel = (options: EmailToFaxOptions): ChannelAdapter => {
  const { transport, owned } = openTransport(options.transport);
  const domain = options.messageIdDomain ?? options.from.address.split('@')[1] ?? 'localhost';
  return {
    name: 'email-to-fax',
    addressKind: 'e164',
    send: async ({ intent, rendered, idempotencyKey }) => {
      // The cover line is a header, like the e-mail channel's subject: no line breaks in it.
      const unsafe = checkText('subject', rendered.subject);
      if (unsafe !== undefined) return failed(false, `${unsafe.field}: ${unsafe.rule}`);
      try {
        const info = await transport.sendMail({
          from: senderOf(options.from),
          to: faxAddress(intent.to.address, options.gatewayDomain),
          subject: rendered.subject,
          text: rendered.text,
          messageId: messageIdFor(idempotencyKey, domain),
          headers: { 'Content-Language': rendered.language },
        });
        return smtpSent(info);
      } catch (error) {
        return smtpFailure(error);
      }
    },
    close: async () => {
      if (owned) transport.close();
    },
  };
};
