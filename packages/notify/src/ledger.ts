/**
 * What became of each intent, by id. The dispatcher looks here before it
 * sends, so an intent delivered again (an outbox lease that ran out, a
 * reactor re-run, the same id enqueued twice) is not sent twice. A send that
 * succeeded but whose recording failed is recorded again, never resent.
 * Production keeps it where the intents live (a table beside the outbox);
 * the memory ledger serves one process, the store ledger (`createStoreLedger`)
 * keeps it in the shop's event store.
 */
export type LedgerEntry =
  /** Handed to the channel and not yet known to have gone out (a crash here resends with the same key). */
  | Readonly<{ status: 'sending'; at: string; attempt: number }>
  | Readonly<{ status: 'sent'; at: string; reply?: string; recorded: boolean }>
  | Readonly<{ status: 'failed'; at: string; reason: string; recorded: boolean }>;

export type SendLedger = Readonly<{
  get: (id: string) => Promise<LedgerEntry | undefined>;
  put: (id: string, entry: LedgerEntry) => Promise<void>;
}>;

export const createMemoryLedger = (): SendLedger & { entries: () => ReadonlyMap<string, LedgerEntry> } => {
  const entries = new Map<string, LedgerEntry>();
  return {
    get: async (id) => entries.get(id),
    put: async (id, entry) => {
      entries.set(id, entry);
    },
    entries: () => entries,
  };
};
