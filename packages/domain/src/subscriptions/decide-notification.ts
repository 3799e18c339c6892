import type { SubscriptionCommandData } from './commands.js';
import { fail, ok, type Ctx, type Decision } from './decision.js';
import type { SubscriptionState } from './state.js';

/**
 * NOT-3: record what the notifier did. It already happened, so it is not
 * refused for a closed or paused subscription; only a customer may not write
 * the shop's own report, and a failure must say why.
 */
export const recordNotification = (
  _state: SubscriptionState,
  ctx: Ctx,
  data: SubscriptionCommandData<'RecordSubscriptionNotification'>,
): Decision => {
  if (ctx.actor.kind === 'customer') return fail('forbidden', "a customer does not record the shop's notifications");
  if (data.outcome === 'failed' && data.reason === undefined)
    return fail('reason-required', 'a failed notification needs the reason it failed');
  return ok({ type: 'SubscriptionNotificationRecorded', data: { at: ctx.at, ...data } });
};
