import * as E from 'fp-ts/lib/Either.js';
import {
  builtInTemplates,
  consoleChannel,
  createDispatcher,
  createMemoryQueue,
  describeProblem,
  intentsForChangeNotification,
  intentsForNotification,
  loadCatalog,
  recordOnOrderStream,
  sent,
  type ChannelAdapter,
  type DomainNotification,
  type MessageIntent,
  type OrderCommandSink,
  type RenderedMessage,
  type ShopContacts,
} from '@ordersource/notify';
import { smtpChannel } from '@ordersource/notify-smtp';
import type { OrderState } from '@ordersource/domain';
import type { OrderChangeNotification } from '@ordersource/domain/changes';

/**
 * NOT-1..NOT-3 for the example shop: the domain's notifications become
 * intents (@ordersource/notify), rendered in the customer's language and sent
 * through the configured channels. Every message that went out is kept in
 * the outbox list (what the admin page shows as "what was sent", and what
 * the tests read an invitation link from) and recorded on its order stream,
 * so the status history says which channel and when.
 *
 * Issue 17: the change reactor's notifications (kind "order-change": a
 * return requested, confirmed, received, refunded; the shop's alert for a
 * customer's request or a failed change) go the same way, rendered by the
 * order-change templates of @ordersource/notify; the customer's name comes
 * from the order (the change notification carries her address and language).
 */

export type SentMessage = Readonly<{
  id: string;
  orderId: string | undefined;
  channel: MessageIntent['channel'];
  audience: MessageIntent['audience'];
  to: string;
  language: string;
  subject: string;
  text: string;
  at: string;
  keptCopy: boolean;
}>;

export type NotifierOptions = Readonly<{
  contacts: ShopContacts;
  /** "console" prints, "outbox" only keeps; an smtp:// URL sends e-mail through packages/notify-smtp. */
  transport: string;
  print?: (line: string) => void;
}>;

export type Notifier = Readonly<{
  /** Build and send the messages for one domain notification (about `state`, the order right after it). */
  notify: (effect: Readonly<{ id: string; notification: unknown }>, state: OrderState) => void;
  /** Wait until every queued message was tried. */
  drain: () => Promise<void>;
  sent: () => readonly SentMessage[];
  sentFor: (orderId: string) => readonly SentMessage[];
  close: () => Promise<void>;
}>;

const KINDS = new Set(['order-update', 'order-confirmation', 'new-order-alert']);
const isDomainNotification = (n: unknown): n is DomainNotification =>
  typeof n === 'object' && n !== null && KINDS.has(String((n as { kind?: unknown }).kind));
const isChangeNotification = (n: unknown): n is OrderChangeNotification =>
  typeof n === 'object' && n !== null && (n as { kind?: unknown }).kind === 'order-change';

const orderIdOf = (intent: MessageIntent): string | undefined =>
  intent.record?.streamId.startsWith('order-') === true ? intent.record.streamId.slice('order-'.length) : undefined;

export const createNotifier = (options: NotifierOptions, orders: OrderCommandSink): Notifier => {
  const catalog = loadCatalog(builtInTemplates);
  if (E.isLeft(catalog)) throw new Error(catalog.left.map(describeProblem).join('\n'));
  const log: SentMessage[] = [];
  const keep = (intent: MessageIntent, rendered: RenderedMessage): void => {
    log.push({
      id: intent.id,
      orderId: orderIdOf(intent),
      channel: intent.channel,
      audience: intent.audience,
      to: intent.to.address,
      language: rendered.language,
      subject: intent.channel === 'email' ? rendered.subject : '',
      text: intent.channel === 'email' ? rendered.text : rendered.sms,
      at: new Date().toISOString(),
      keptCopy: intent.keepCopy,
    });
  };
  // Every channel goes through `keep` first; the transport then prints or sends.
  const outbox: ChannelAdapter = {
    name: 'outbox',
    send: async ({ intent, rendered }) => {
      keep(intent, rendered);
      return sent('kept in the outbox');
    },
  };
  const printing = consoleChannel(options.print);
  const consoleAndKeep: ChannelAdapter = {
    name: 'console',
    send: async (message) => {
      keep(message.intent, message.rendered);
      return printing.send(message);
    },
  };
  const smtp = options.transport.startsWith('smtp') ? smtpChannelFor(options.transport, options.contacts) : undefined;
  const email: ChannelAdapter =
    smtp === undefined
      ? options.transport === 'outbox'
        ? outbox
        : consoleAndKeep
      : {
          name: 'smtp',
          send: async (message) => {
            const result = await smtp.send(message);
            if (result.kind === 'sent') keep(message.intent, message.rendered);
            return result;
          },
        };
  const other = options.transport === 'outbox' || smtp !== undefined ? outbox : consoleAndKeep;
  const dispatcher = createDispatcher({
    catalog: catalog.right,
    channels: { email, sms: other, fax: other },
    onSent: recordOnOrderStream(orders),
    onFailed: async (intent, failure) => (options.print ?? console.log)(`notification ${intent.id}: ${failure.reason}`),
  });
  const queue = createMemoryQueue(dispatcher, { concurrency: 2 });
  return {
    notify: (effect, state) => {
      if (isChangeNotification(effect.notification)) {
        const name = state.details?.customer.name;
        const built = intentsForChangeNotification(
          { id: effect.id, notification: effect.notification },
          options.contacts,
          name === undefined ? {} : { customerName: name },
        );
        queue.enqueue(...built.intents);
        return;
      }
      if (!isDomainNotification(effect.notification)) return;
      const built = intentsForNotification(
        { id: effect.id, notification: effect.notification },
        state,
        options.contacts,
      );
      queue.enqueue(...built.intents);
    },
    drain: async () => {
      await queue.drain();
    },
    sent: () => log,
    sentFor: (orderId) => log.filter((m) => m.orderId === orderId),
    close: async () => {
      await queue.drain();
      await smtp?.close?.();
    },
  };
};

const smtpChannelFor = (url: string, contacts: ShopContacts): ChannelAdapter => {
  const parsed = new URL(url);
  return smtpChannel({
    from: { name: contacts.shopName, address: contacts.admin.email ?? 'shop@localhost' },
    transport: {
      host: parsed.hostname,
      port: Number(parsed.port || 25),
      secure: parsed.protocol === 'smtps:',
      // A development MTA with a self-signed certificate: smtp://host:port?tls-reject-unauthorized=false.
      ...(parsed.searchParams.get('tls-reject-unauthorized') === 'false' ? { tls: { rejectUnauthorized: false } } : {}),
      ...(parsed.username === ''
        ? {}
        : { auth: { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) } }),
    },
  });
};
