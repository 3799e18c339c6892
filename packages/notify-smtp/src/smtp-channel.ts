import { checkText, type ChannelAdapter, failed } from '@ordersource/notify';
import { messageIdFor } from './message-id.js';
import { smtpFailure, smtpSent } from './smtp-result.js';
import { createSmtpTransport, type SmtpSettings, type SmtpTransport } from './transport.js';

/**
 * E-mail over SMTP (nodemailer). Each message carries both parts, its
 * language (Content-Language) and the intent id as its Message-ID. Names
 * and subjects are checked for line breaks here too, whatever the caller
 * checked: a header is only ever written from clean text.
 */
export type SmtpChannelOptions = Readonly<{
  /** The shop's sender, e.g. { name: 'Demo shop', address: 'orders@shop.example' }. */
  from: Readonly<{ name?: string; address: string }>;
  /** Domain of the Message-IDs (default: the sender's domain). */
  messageIdDomain?: string;
  replyTo?: string;
  /** An open transport to share (the fax channel reuses the e-mail one), or settings to open one. */
  transport: SmtpTransport | SmtpSettings;
}>;

const isTransport = (t: SmtpTransport | SmtpSettings): t is SmtpTransport =>
  typeof (t as SmtpTransport).sendMail === 'function';

export const openTransport = (t: SmtpTransport | SmtpSettings): { transport: SmtpTransport; owned: boolean } =>
  isTransport(t) ? { transport: t, owned: false } : { transport: createSmtpTransport(t), owned: true };

/** The From header as nodemailer takes it: a bare address, or a name with it. */
export const senderOf = (
  from: Readonly<{ name?: string; address: string }>,
): string | { name: string; address: string } =>
  from.name === undefined ? from.address : { name: from.name, address: from.address };

export const smtpChannel = (options: SmtpChannelOptions): ChannelAdapter & { transport: SmtpTransport } => {
  const { transport, owned } = openTransport(options.transport);
  const domain = options.messageIdDomain ?? options.from.address.split('@')[1] ?? 'localhost';
  return {
    name: 'smtp',
    addressKind: 'email',
    transport,
    send: async ({ intent, rendered, idempotencyKey }) => {
      const unsafe =
        checkText('subject', rendered.subject) ??
        (intent.to.name === undefined ? undefined : checkText('to.name', intent.to.name));
      if (unsafe !== undefined) return failed(false, `${unsafe.field}: ${unsafe.rule}`);
      try {
        const info = await transport.sendMail({
          from: senderOf(options.from),
          to: intent.to.name === undefined ? intent.to.address : { name: intent.to.name, address: intent.to.address },
          ...(options.replyTo === undefined ? {} : { replyTo: options.replyTo }),
          subject: rendered.subject,
          text: rendered.text,
          html: rendered.html,
          messageId: messageIdFor(idempotencyKey, domain),
          headers: { 'Content-Language': rendered.language },
          // Message parts are text we rendered: nodemailer must never read a file or a URL named in them.
          disableFileAccess: true,
          disableUrlAccess: true,
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
