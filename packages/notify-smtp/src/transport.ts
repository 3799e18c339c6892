import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';

/**
 * The SMTP connection settings a shop configures: the submission server,
 * TLS (implicit on 465, or STARTTLS required), credentials, a pool of
 * reused connections, and DKIM signing when a key is given.
 */
export type SmtpSettings = Readonly<{
  host: string;
  port: number;
  /** Implicit TLS (port 465). Otherwise STARTTLS is used when offered, and required with `requireTLS`. */
  secure?: boolean;
  requireTLS?: boolean;
  auth?: Readonly<{ user: string; pass: string }>;
  /** Reuse connections (default true): at most `maxConnections`, each for `maxMessages`. */
  pool?: boolean;
  maxConnections?: number;
  maxMessages?: number;
  /** Extra TLS options, e.g. a private CA: `{ ca }`; `rejectUnauthorized: false` only in tests. */
  tls?: Readonly<{ ca?: string | Buffer; rejectUnauthorized?: boolean; servername?: string }>;
  dkim?: Readonly<{ domainName: string; keySelector: string; privateKey: string }>;
  connectionTimeoutMs?: number;
  socketTimeoutMs?: number;
}>;

export type SmtpTransport = Transporter<SMTPPool.SentMessageInfo>;

export const createSmtpTransport = (settings: SmtpSettings): SmtpTransport =>
  nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure ?? settings.port === 465,
    requireTLS: settings.requireTLS ?? false,
    ...(settings.auth === undefined ? {} : { auth: { user: settings.auth.user, pass: settings.auth.pass } }),
    pool: settings.pool ?? true,
    maxConnections: settings.maxConnections ?? 5,
    maxMessages: settings.maxMessages ?? 100,
    ...(settings.tls === undefined ? {} : { tls: { ...settings.tls } }),
    ...(settings.dkim === undefined ? {} : { dkim: { ...settings.dkim } }),
    connectionTimeout: settings.connectionTimeoutMs ?? 10_000,
    greetingTimeout: settings.connectionTimeoutMs ?? 10_000,
    socketTimeout: settings.socketTimeoutMs ?? 30_000,
  } as SMTPPool.Options);
