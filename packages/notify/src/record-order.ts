import { derivedId, systemActor, type HandlerError } from '@ordersource/core';
import type { RecordNotificationSent } from '@ordersource/domain';
import type * as E from 'fp-ts/lib/Either.js';
import type { MessageIntent } from './intent.js';

/**
 * NOT-3 / ORD-5: each message that really went out is recorded on its order
 * stream with the domain's `RecordNotificationSent`, so the status history
 * shows the channel and the time. The command id derives from the intent
 * id, so recording twice (a retry after the store timed out) appends nothing.
 */
export type OrderCommandSink = Readonly<{
  handle: (streamId: string, command: RecordNotificationSent) => Promise<E.Either<HandlerError, unknown>>;
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
