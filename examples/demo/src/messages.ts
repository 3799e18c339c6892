import {
  builtInTemplates,
  consoleChannel,
  createDispatcher,
  createMemoryQueue,
  describeProblem,
  intentsForNotification,
  loadCatalog,
  type ChannelAdapter,
  type MessageIntent,
} from '@ordersource/notify';
import { smtpChannel } from '@ordersource/notify-smtp';
import type { OrderState } from '@ordersource/domain';
import * as E from 'fp-ts/lib/Either.js';
import type { NotificationOut } from '@ordersource/runtime';

/**
 * The messages of one order's life (NOT-1 confirmation and admin alert,
 * NOT-2 status updates), rendered in Russian and in Persian and printed; or
 * sent to an SMTP server when ORDERSOURCE_DEMO_SMTP names one
 * ("smtp://127.0.0.1:2525"). The same intents in two languages get ids of
 * their own, since each is a message of its own.
 */

const shop = {
  shopName: 'Беговой клуб',
  admin: { name: 'Ann', email: 'orders@shop.example', phone: '+79990000099', language: 'ru' },
  orderUrl: (orderId: string) => `https://shop.example/orders/${orderId}`,
  inviteUrl: () => 'https://shop.example/account/invite',
  trackingUrl: (carrier: string, reference: string) =>
    carrier === 'CDEK' ? `https://www.cdek.ru/tracking?order_id=${reference}` : undefined,
};

const channelsFor = (
  smtpUrl: string | undefined,
  log: (line: string) => void,
): Record<'email' | 'sms', ChannelAdapter> => {
  if (smtpUrl === undefined) {
    const console = consoleChannel((text) => {
      for (const line of text.split('\n')) log(`    ${line}`);
    });
    return { email: console, sms: console };
  }
  const url = new URL(smtpUrl);
  const email = smtpChannel({
    from: { name: shop.shopName, address: 'orders@shop.example' },
    transport: { host: url.hostname, port: Number(url.port || 25), pool: false, tls: { rejectUnauthorized: false } },
  });
  return { email, sms: consoleChannel((text) => log(`    ${text.replaceAll('\n', '\n    ')}`)) };
};

export const printMessages = async (
  notifications: readonly Readonly<{ out: NotificationOut; order: OrderState }>[],
  log: (line: string) => void,
  smtpUrl: string | undefined = process.env['ORDERSOURCE_DEMO_SMTP'],
): Promise<void> => {
  const catalog = loadCatalog(builtInTemplates);
  if (E.isLeft(catalog)) throw new Error(catalog.left.map(describeProblem).join('\n'));
  const channels = channelsFor(smtpUrl, log);
  const dispatcher = createDispatcher({
    catalog: catalog.right,
    channels,
    onFailed: async (intent, failure) => log(`    ✗ ${intent.id}: ${failure.reason}`),
  });
  const queue = createMemoryQueue(dispatcher, { concurrency: 1 });
  // The queue's counts add up over its life: report each language's own.
  let sentBefore = 0;
  let deadBefore = 0;
  for (const language of ['ru', 'fa']) {
    // The runtime's notifications are typed (DomainNotification): no guessing at their shape.
    // Order-change notifications have their own templates (docs/order-changes.md); this demo makes no changes.
    const intents: MessageIntent[] = notifications.flatMap(({ out, order }) => {
      const notification = out.notification;
      if (notification.kind === 'order-change') return [];
      return intentsForNotification({ id: out.id, notification }, order, shop).intents.map((intent) => ({
        ...intent,
        id: `${intent.id}/${language}`,
        language,
      }));
    });
    log(
      `\n  in ${language === 'ru' ? 'Russian' : 'Persian'} (${intents.length} messages)${smtpUrl === undefined ? '' : `, sent to ${smtpUrl}`}:`,
    );
    queue.enqueue(...intents);
    const stats = await queue.drain();
    if (smtpUrl !== undefined) {
      const emails = intents.filter((intent) => intent.channel === 'email').length;
      log(`    ${stats.sent - sentBefore} sent (${emails} by e-mail), ${stats.dead - deadBefore} failed`);
    }
    sentBefore = stats.sent;
    deadBefore = stats.dead;
  }
  await channels.email.close?.();
};
