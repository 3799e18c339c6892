import type { AddressKind } from './recipient.js';
import type { MessageIntent } from './intent.js';
import type { RenderedMessage } from './render.js';

/**
 * A channel adapter carries one rendered message. It never throws for a
 * refusal: it says whether trying again can help (a 4xx SMTP reply, a
 * timeout, a 503) or not (a 5xx reply, a 400), and keeps the other side's
 * words for the record. A throw is treated as transient.
 */
export type OutboundMessage = Readonly<{
  intent: MessageIntent;
  rendered: RenderedMessage;
  /** Equal to intent.id: the Message-ID / request key the receiver deduplicates on. */
  idempotencyKey: string;
}>;

export type SendResult =
  | Readonly<{ kind: 'sent'; reply?: string; providerId?: string }>
  | Readonly<{ kind: 'failed'; retryable: boolean; reason: string }>;

export type ChannelAdapter = Readonly<{
  name: string;
  /** How the recipient's address must look; undefined: any text without control characters. */
  addressKind?: AddressKind;
  send: (message: OutboundMessage) => Promise<SendResult>;
  close?: () => Promise<void>;
}>;

export const sent = (reply?: string, providerId?: string): SendResult => ({
  kind: 'sent',
  ...(reply === undefined ? {} : { reply }),
  ...(providerId === undefined ? {} : { providerId }),
});
export const failed = (retryable: boolean, reason: string): SendResult => ({ kind: 'failed', retryable, reason });
