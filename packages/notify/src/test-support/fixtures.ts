import * as E from 'fp-ts/lib/Either.js';
import { describeProblem, loadCatalog, type Catalog } from '../catalog.js';
import type { ChannelAdapter, OutboundMessage, SendResult } from '../channel.js';
import type { MessageIntent } from '../intent.js';
import { builtInTemplates } from '../templates/all.js';

/** Shared by the dispatcher tests: the built-in catalog, intents, and an adapter that plays a script of replies. */
const loaded = loadCatalog(builtInTemplates);
export const builtInCatalog = (): Catalog => {
  if (E.isLeft(loaded)) throw new Error(loaded.left.map(describeProblem).join('\n'));
  return loaded.right;
};

export const invitation = (id: string, overrides: Partial<MessageIntent> = {}): MessageIntent => ({
  id,
  template: 'account-invitation',
  channel: 'email',
  audience: 'customer',
  to: { address: `${id.replace(/[^a-z0-9]/gi, '')}@example.com`, name: 'Olga Petrova' },
  language: 'ru',
  vars: { customerName: 'Olga Petrova', shopName: 'Demo shop', inviteUrl: `https://shop.example/invite/${id}` },
  keepCopy: false,
  ...overrides,
});

/** An adapter whose replies per intent id come from `script` (default: sent), recording every call. */
export const scriptedAdapter = (
  script: (message: OutboundMessage, call: number) => SendResult | Promise<SendResult> = () => ({ kind: 'sent' }),
  addressKind: ChannelAdapter['addressKind'] = 'email',
) => {
  const calls: OutboundMessage[] = [];
  const perId = new Map<string, number>();
  const adapter: ChannelAdapter = {
    name: 'scripted',
    ...(addressKind === undefined ? {} : { addressKind }),
    send: async (message) => {
      calls.push(message);
      const n = (perId.get(message.idempotencyKey) ?? 0) + 1;
      perId.set(message.idempotencyKey, n);
      return script(message, n);
    },
  };
  return { adapter, calls, callsFor: (id: string) => perId.get(id) ?? 0 };
};
