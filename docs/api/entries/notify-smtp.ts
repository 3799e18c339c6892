/**
 * E-mail and e-mail-to-fax channels for @ordersource/notify over SMTP with nodemailer: TLS, auth, pooled connections, DKIM.
 *
 * @module @ordersource/notify-smtp
 */
export * from '../../../packages/notify-smtp/src/index.js';
