import { derivedId, systemActor, type EventStore } from '@ordersource/core';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import type { SendLedger } from './ledger.js';

/**
 * A send ledger that survives a restart: each intent's entries are events on
 * a stream of their own (`notify-ledger-<intent id>`) in the shop's event
 * store, so it needs no table of its own and works on every storage adapter
 * (memory, PostgreSQL, PGlite, EventStoreDB). `get` reads the last entry;
 * `put` appends one. An entry's event id derives from the intent and the
 * entry itself, so a `put` retried after a store timeout appends nothing twice.
 *
 * With it, an intent the ledger knows as sent is never sent again, even by
 * another process or after a crash. The one window left is a crash after the
 * channel accepted the message and before `put` recorded it: the ledger then
 * shows `sending`, and the intent is sent again with the same idempotency key
 * (the SMTP Message-ID, the SMS and webhook request key), which lets the
 * receiver drop the copy. Exactly once across that crash needs the receiver's
 * help; no sender can promise it alone.
 */
export type StoreLedgerOptions = Readonly<{
  /** Stream id prefix (default `notify-ledger-`). */
  streamPrefix?: string;
}>;

const EntryCodec = t.union([
  t.strict({ status: t.literal('sending'), at: t.string, attempt: t.number }),
  t.intersection([
    t.strict({ status: t.literal('sent'), at: t.string, recorded: t.boolean }),
    t.exact(t.partial({ reply: t.string })),
  ]),
  t.strict({ status: t.literal('failed'), at: t.string, reason: t.string, recorded: t.boolean }),
]);

const EVENT_TYPE = 'NotificationLedgerEntry';

export const createStoreLedger = (store: EventStore, options: StoreLedgerOptions = {}): SendLedger => {
  const prefix = options.streamPrefix ?? 'notify-ledger-';
  const streamOf = (id: string): string => `${prefix}${id}`;

  return {
    get: async (id) => {
      for await (const envelope of store.read(streamOf(id), { direction: 'backwards', limit: 1 })) {
        const decoded = EntryCodec.decode(envelope.event.data);
        if (E.isLeft(decoded))
          throw new Error(`send ledger ${streamOf(id)}@${envelope.streamVersion}: not a ledger entry`);
        return decoded.right;
      }
      return undefined;
    },
    put: async (id, entry) => {
      const appended = await store.append(
        streamOf(id),
        [
          {
            eventId: derivedId('notify-ledger', id, JSON.stringify(entry)),
            occurredAt: entry.at,
            actor: systemActor('notifier'),
            event: { type: EVENT_TYPE, data: entry },
          },
        ],
        'any',
      );
      if (E.isLeft(appended)) throw new Error(`send ledger ${streamOf(id)}: ${appended.left.message}`);
    },
  };
};
