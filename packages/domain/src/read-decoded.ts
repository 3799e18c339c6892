import * as E from 'fp-ts/lib/Either.js';
import type { DomainError, Envelope, EventStore } from '@ordersource/core';

/**
 * Every event of one stream, decoded, for the sync helpers that translate
 * one stream into commands for another (receipts from orders, renewal orders
 * from subscriptions). A row that does not decode stops the read with a value
 * naming the stream and version, never a half-read history.
 */
export const readDecoded = async <Ev extends { type: string; data: unknown }>(
  store: EventStore,
  streamId: string,
  decode: (raw: Envelope) => E.Either<unknown, Envelope<Ev>>,
): Promise<E.Either<DomainError, Envelope<Ev>[]>> => {
  const out: Envelope<Ev>[] = [];
  for await (const raw of store.read(streamId)) {
    const decoded = decode(raw);
    if (E.isLeft(decoded))
      return E.left({ kind: 'domain', code: 'undecodable-event', message: `${streamId}@${raw.streamVersion}` });
    out.push(decoded.right);
  }
  return E.right(out);
};
