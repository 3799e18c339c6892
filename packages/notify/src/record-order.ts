import { derivedId, systemActor, type HandlerError } from '@ordersource/core';
import type { SubscriptionCommandOf } from '@ordersource/domain/subscriptions';
import type { RecordNotificationFailed, RecordNotificationSent } from '@ordersource/domain';
import type * as E from 'fp-ts/lib/Either.js';
import type { Failure } from './dispatcher.js';
import type { MessageIntent } from './intent.js';

/**
 * NOT-3 / ORD-5: each message that really went out is recorded on its order
 * stream with the domain's `RecordNotificationSent`, so the status history
 * shows the channel and the time. The command id derives from the intent
 * id, so recording twice (a retry after the store timed out) appends nothing.
 */
export type OrderCommandSink = Readonly<{
  handle: (
    streamId: string,
    command: RecordNotificationSent | RecordNotificationFailed,
  ) => Promise<E.Either<HandlerError, unknown>>;
}>;

export const recordNotificationCommand = (intent: MessageIntent, at: string): RecordNotificationSent => ({
  type: 'RecordNotificationSent',
  data: {
    notificationId: intent.id,
    audience: intent.audience,
    channels: [intent.channel],
    ...(intent.record?.about === undefined ? {} : { about: intent.record.about }),
  },
  metadata: { commandId: derivedId('notify', intent.id), actor: systemActor('notifier'), at },
});

/** `onSent` for the dispatcher: intents without `record`, or for other streams, are left to the caller. */
export const recordOnOrderStream =
  (orders: OrderCommandSink, streamPrefix = 'order-') =>
  async (intent: MessageIntent, _result: unknown, at: string): Promise<void> => {
    const streamId = intent.record?.streamId;
    if (streamId === undefined || !streamId.startsWith(streamPrefix)) return;
    const handled = await orders.handle(streamId, recordNotificationCommand(intent, at));
    if (handled._tag === 'Left') throw new Error(`recording ${intent.id} on ${streamId}: ${handled.left.message}`);
  };

/**
 * NOT-3 / ORD-5, the other half: a message that finally failed (a 5xx, an
 * address that is not one, retries used up) is recorded on its order with
 * `RecordNotificationFailed`, so the history says what was NOT sent and why,
 * and an admin can reach the customer another way. Idempotent like the send.
 */
export const recordFailureCommand = (
  intent: MessageIntent,
  failure: Failure,
  at: string,
): RecordNotificationFailed => ({
  type: 'RecordNotificationFailed',
  data: {
    notificationId: intent.id,
    channel: intent.channel,
    template: intent.template,
    // The domain refuses blank strings: an intent with no address still names what it lacked.
    recipient: intent.to.address.trim() === '' ? '(no address)' : intent.to.address,
    reason: failure.reason.trim() === '' ? '(no reason given)' : failure.reason,
    audience: intent.audience,
    attempts: Math.max(1, failure.attempts),
  },
  metadata: { commandId: derivedId('notify-failed', intent.id), actor: systemActor('notifier'), at },
});

/** `onFailed` for the dispatcher: records the final failure on the intent's order stream. */
export const recordFailureOnOrderStream =
  (orders: OrderCommandSink, streamPrefix = 'order-') =>
  async (intent: MessageIntent, failure: Failure, at: string): Promise<void> => {
    const streamId = intent.record?.streamId;
    if (streamId === undefined || !streamId.startsWith(streamPrefix)) return;
    const handled = await orders.handle(streamId, recordFailureCommand(intent, failure, at));
    if (handled._tag === 'Left')
      throw new Error(`recording the failure of ${intent.id} on ${streamId}: ${handled.left.message}`);
  };

type RecordSubscriptionNotification = SubscriptionCommandOf<'RecordSubscriptionNotification'>;

/** Where a subscription's notifications are recorded (the subscription handler, or the runtime's). */
export type SubscriptionCommandSink = Readonly<{
  handle: (streamId: string, command: RecordSubscriptionNotification) => Promise<E.Either<HandlerError, unknown>>;
}>;

export const recordSubscriptionNotificationCommand = (
  intent: MessageIntent,
  outcome: Readonly<{ sent: true } | { sent: false; failure: Failure }>,
  at: string,
): RecordSubscriptionNotification => ({
  type: 'RecordSubscriptionNotification',
  data: {
    notificationId: intent.id,
    channel: intent.channel,
    template: intent.template,
    outcome: outcome.sent ? 'sent' : 'failed',
    ...(intent.to.address.trim() === '' ? {} : { recipient: intent.to.address }),
    ...(outcome.sent
      ? {}
      : { reason: outcome.failure.reason.trim() === '' ? '(no reason given)' : outcome.failure.reason }),
  },
  metadata: {
    commandId: derivedId(outcome.sent ? 'notify' : 'notify-failed', intent.id),
    actor: systemActor('notifier'),
    at,
  },
});

/**
 * NOT-3 on subscription streams: `onSent` and `onFailed` for the dispatcher
 * that record on `subscription-…` streams what `recordOnOrderStream` and
 * `recordFailureOnOrderStream` record on orders. Other streams are left alone,
 * so both pairs can be chained.
 */
export const recordOnSubscriptionStream = (subscriptions: SubscriptionCommandSink, streamPrefix = 'subscription-') => {
  const record = async (
    intent: MessageIntent,
    outcome: Parameters<typeof recordSubscriptionNotificationCommand>[1],
    at: string,
  ) => {
    const streamId = intent.record?.streamId;
    if (streamId === undefined || !streamId.startsWith(streamPrefix)) return;
    const handled = await subscriptions.handle(streamId, recordSubscriptionNotificationCommand(intent, outcome, at));
    if (handled._tag === 'Left') throw new Error(`recording ${intent.id} on ${streamId}: ${handled.left.message}`);
  };
  return {
    onSent: (intent: MessageIntent, _result: unknown, at: string) => record(intent, { sent: true }, at),
    onFailed: (intent: MessageIntent, failure: Failure, at: string) => record(intent, { sent: false, failure }, at),
  };
};
