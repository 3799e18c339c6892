import { failed, sent, type SendResult } from '@ordersource/notify';

/**
 * What an SMTP outcome means for the dispatcher. A 5xx reply is the server
 * refusing for good (unknown mailbox, policy): dead-letter it with the reply.
 * A 4xx reply (greylisting, a full queue, "421 shutting down") and anything
 * without a reply (refused connection, timeout, dropped socket) can succeed
 * later: retry. An authentication failure is a configuration error and will
 * not heal by retrying either.
 */
type SmtpError = Error & { responseCode?: number; response?: string; code?: string };

export const smtpFailure = (error: unknown): SendResult => {
  const e = (error instanceof Error ? error : new Error(String(error))) as SmtpError;
  const reply = e.response ?? e.message;
  if (e.code === 'EAUTH') return failed(false, `SMTP authentication failed: ${reply}`);
  if (typeof e.responseCode === 'number') return failed(e.responseCode < 500, `SMTP ${reply}`);
  return failed(true, `SMTP ${e.code === undefined ? '' : `${e.code}: `}${e.message}`);
};

export const smtpSent = (info: { response?: unknown; messageId?: unknown }): SendResult =>
  sent(
    typeof info.response === 'string' ? info.response : undefined,
    typeof info.messageId === 'string' ? info.messageId : undefined,
  );
