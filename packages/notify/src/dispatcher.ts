import * as E from 'fp-ts/lib/Either.js';
import { backoffDelay, defaultBackoff, type BackoffOptions } from './backoff.js';
import type { Catalog } from './catalog.js';
import type { ChannelAdapter, SendResult } from './channel.js';
import type { Channel, MessageIntent } from './intent.js';
import type { LedgerEntry, SendLedger } from './ledger.js';
import { createMemoryLedger } from './ledger.js';
import { checkRecipient, checkText, describeRecipientProblem, type RecipientProblem } from './recipient.js';
import { renderMessage, type RenderedMessage } from './render.js';
import type { FormatOptions } from './values.js';

/**
 * The dispatcher makes one attempt at one intent: look it up in the ledger
 * (sent already: nothing is sent again), check the recipient, render, send
 * through the channel's adapter, then record. It decides what a failure
 * means (retry later with backoff, or dead-letter now) but does not wait or
 * queue: the memory queue and the PostgreSQL outbox do that, each in its own
 * way, around the same attempt.
 */
export type Failure = Readonly<{ reason: string; attempts: number; retryable: boolean }>;

export type DispatcherOptions = Readonly<{
  catalog: Catalog;
  channels: Partial<Readonly<Record<Channel, ChannelAdapter>>>;
  ledger?: SendLedger;
  /** Attempts before a transient failure becomes final (default 5). */
  maxAttempts?: number;
  backoff?: BackoffOptions;
  format?: FormatOptions;
  now?: () => string;
  /** NOT-3: record a send on its stream (for orders: `recordOnOrderStream`). Must be idempotent by intent id. */
  onSent?: (intent: MessageIntent, result: Extract<SendResult, { kind: 'sent' }>, at: string) => Promise<void>;
  /** A final failure: the intent is dead-lettered with the reason (an SMTP reply, a validation message). */
  onFailed?: (intent: MessageIntent, failure: Failure, at: string) => Promise<void>;
  /** ORD-4: keep the rendered message when the intent asks for a copy. */
  keepCopy?: (intent: MessageIntent, rendered: RenderedMessage) => Promise<void>;
}>;

export type AttemptOutcome =
  | Readonly<{ kind: 'sent'; reply?: string }>
  | Readonly<{ kind: 'duplicate'; entry: LedgerEntry }>
  | Readonly<{ kind: 'retry'; reason: string; delayMs: number }>
  | Readonly<{ kind: 'dead'; reason: string }>;

export type Dispatcher = Readonly<{
  /** One attempt; `attempt` is 1-based and counts this one. `final` forces a transient failure to be final. */
  attempt: (intent: MessageIntent, attempt: number, final?: boolean) => Promise<AttemptOutcome>;
  maxAttempts: number;
  backoff: (attempt: number) => number;
  ledger: SendLedger;
}>;

const recipientProblem = (intent: MessageIntent, adapter: ChannelAdapter): RecipientProblem | undefined => {
  if (adapter.addressKind === undefined)
    return intent.to.name === undefined ? undefined : checkText('to.name', intent.to.name);
  const checked = checkRecipient(intent.to, adapter.addressKind);
  return E.isLeft(checked) ? checked.left : undefined;
};

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export const createDispatcher = (options: DispatcherOptions): Dispatcher => {
  const ledger = options.ledger ?? createMemoryLedger();
  const maxAttempts = options.maxAttempts ?? 5;
  const backoff = options.backoff ?? defaultBackoff;
  const now = options.now ?? (() => new Date().toISOString());

  const recordSent = async (intent: MessageIntent, entry: Extract<LedgerEntry, { status: 'sent' }>) => {
    if (!entry.recorded) {
      await options.onSent?.(
        intent,
        { kind: 'sent', ...(entry.reply === undefined ? {} : { reply: entry.reply }) },
        entry.at,
      );
      await ledger.put(intent.id, { ...entry, recorded: true });
    }
  };

  const die = async (
    intent: MessageIntent,
    reason: string,
    attempts: number,
    retryable: boolean,
  ): Promise<AttemptOutcome> => {
    const at = now();
    await ledger.put(intent.id, { status: 'failed', at, reason, recorded: false });
    await options.onFailed?.(intent, { reason, attempts, retryable }, at);
    await ledger.put(intent.id, { status: 'failed', at, reason, recorded: true });
    return { kind: 'dead', reason };
  };

  const retryOrDie = (intent: MessageIntent, reason: string, attempt: number, final: boolean) =>
    final || attempt >= maxAttempts
      ? die(intent, `${reason} (after ${attempt} attempt${attempt === 1 ? '' : 's'})`, attempt, true)
      : Promise.resolve<AttemptOutcome>({ kind: 'retry', reason, delayMs: backoffDelay(attempt, backoff) });

  const attempt = async (intent: MessageIntent, attemptNo: number, final = false): Promise<AttemptOutcome> => {
    const known = await ledger.get(intent.id);
    // `sending`: a crash came between the channel and the ledger. Whether it went out is unknown, so it
    // is sent again with the same idempotency key, for the receiver to drop if it has it.
    if (known !== undefined && known.status !== 'sending') {
      // Sent before (or failed for good): never again. Only a recording that did not happen is made up.
      try {
        if (known.status === 'sent') await recordSent(intent, known);
        else if (!known.recorded) await die(intent, known.reason, attemptNo, false);
      } catch (error) {
        return retryOrDie(intent, `recording failed: ${describe(error)}`, attemptNo, final);
      }
      return { kind: 'duplicate', entry: known };
    }
    const adapter = options.channels[intent.channel];
    if (adapter === undefined)
      return die(intent, `no adapter configured for the ${intent.channel} channel`, attemptNo, false);
    const recipient = recipientProblem(intent, adapter);
    if (recipient !== undefined) return die(intent, describeRecipientProblem(recipient), attemptNo, false);
    const rendered = renderMessage(options.catalog, intent, options.format);
    if (E.isLeft(rendered))
      return die(
        intent,
        `template ${rendered.left.template} (${rendered.left.language}): ${rendered.left.message}`,
        attemptNo,
        false,
      );

    let result: SendResult;
    await ledger.put(intent.id, { status: 'sending', at: now(), attempt: attemptNo });
    try {
      result = await adapter.send({ intent, rendered: rendered.right, idempotencyKey: intent.id });
    } catch (error) {
      result = { kind: 'failed', retryable: true, reason: describe(error) };
    }
    if (result.kind === 'failed')
      return result.retryable
        ? retryOrDie(intent, result.reason, attemptNo, final)
        : die(intent, result.reason, attemptNo, false);

    const entry = {
      status: 'sent',
      at: now(),
      recorded: false,
      ...(result.reply === undefined ? {} : { reply: result.reply }),
    } as const;
    await ledger.put(intent.id, entry);
    try {
      if (intent.keepCopy) await options.keepCopy?.(intent, rendered.right);
      await recordSent(intent, entry);
    } catch (error) {
      // The message went out; only the bookkeeping is retried (the ledger stops a second send).
      return retryOrDie(intent, `sent, but recording failed: ${describe(error)}`, attemptNo, final);
    }
    return { kind: 'sent', ...(result.reply === undefined ? {} : { reply: result.reply }) };
  };

  return { attempt, maxAttempts, backoff: (n) => backoffDelay(n, backoff), ledger };
};
