import type { Checkpoint, Envelope, ReadAllOptions } from '@ordersource/core';
import type { ClientPosition, ClientReadAllOptions, ClientRecordedEvent } from './client.js';
import { rejection } from './client-errors.js';
import { planFilter } from './filter.js';
import { decodeRecorded } from './metadata.js';
import { comparePositions, decodeCheckpoint } from './position.js';
import type { ServerContext } from './read.js';

/**
 * `$all` after a checkpoint, in pages. `$all` is the server's single log:
 * an event's position is fixed when it is written and readers only ever see
 * committed events, in log order, so a reader that resumes after the last
 * position it saw can skip nothing (unlike a sequence in PostgreSQL, see
 * docs/postgres.md). Each page starts at the last position read; whether the
 * server counts that position in or not, everything at or before it is
 * dropped here, so no event is delivered twice.
 *
 * The new client filters `$all` reads on the server; the old one cannot, so
 * its pages carry every event and the filter runs here. Either way the exact
 * check is ours (see filter.ts), before anything is decoded: a foreign event
 * outside the filter never fails a read.
 */

export type ReadAllContext = ServerContext & Readonly<{ pageSize: number }>;

/** The position an event of `$all` carries (never absent on `$all` reads). */
export const positionOf = (recorded: ClientRecordedEvent): ClientPosition | undefined => recorded.position;

export async function* readAllEvents(
  context: ReadAllContext,
  after: Checkpoint | undefined,
  options: ReadAllOptions,
): AsyncIterable<Envelope> {
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const plan = planFilter(options);
  if (limit === 0 || plan.kind === 'nothing') return;
  let floor = after === undefined || after === '' ? undefined : decodeCheckpoint(after);
  let yielded = 0;
  for (;;) {
    const request: ClientReadAllOptions = {
      direction: 'forwards',
      fromPosition: floor ?? 'start',
      maxCount: context.pageSize,
      ...(context.dialect === 'kurrentdb' ? { filter: plan.filter } : {}),
    };
    const page: ClientRecordedEvent[] = [];
    try {
      for await (const resolved of context.client.readAll(request))
        if (resolved.event !== undefined) page.push(resolved.event);
    } catch (error) {
      throw rejection(error, context.server, { operation: 'readAll' });
    }
    const decoded: Envelope[] = [];
    let last: ClientPosition | undefined;
    for (const recorded of page) {
      const position = positionOf(recorded);
      if (position === undefined) continue;
      last = position;
      if (floor !== undefined && comparePositions(position, floor) <= 0) continue;
      if (plan.matches(recorded)) decoded.push(decodeRecorded(recorded).envelope);
    }
    for (const envelope of decoded) {
      yield envelope;
      if (++yielded >= limit) return;
    }
    if (page.length < context.pageSize || last === undefined) return;
    floor = last;
  }
}

/** The position of the last event in `$all` (the server's own included); undefined while it is empty. */
export const headPosition = async (context: ServerContext): Promise<ClientPosition | undefined> => {
  try {
    for await (const resolved of context.client.readAll({ direction: 'backwards', fromPosition: 'end', maxCount: 1 }))
      if (resolved.event?.position !== undefined) return resolved.event.position;
  } catch (error) {
    throw rejection(error, context.server, { operation: 'subscribe' });
  }
  return undefined;
};
