import type { OrderEvent } from './events.js';
import type { Notify } from './values.js';

/**
 * NOT-2: a status update reaches the customer in her language. When a change
 * asks to notify (e-mail or SMS) and names no language (neither `notify.language`
 * nor, on "process order", `mailLanguage`), the decider records the customer's
 * language from the checkout. It is written into the event, not looked up
 * later, so the notification reactor stays a pure function of one event.
 */
export const inCustomerLanguage = (event: OrderEvent, language: string | undefined): OrderEvent => {
  if (language === undefined || !('notify' in event.data)) return event;
  const data = event.data as { notify?: Notify; mailLanguage?: string };
  const notify = data.notify;
  if (notify === undefined || (!notify.email && !notify.sms)) return event;
  if (notify.language !== undefined || data.mailLanguage !== undefined) return event;
  return { ...event, data: { ...event.data, notify: { ...notify, language } } } as OrderEvent;
};
