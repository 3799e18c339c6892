import type { EventFilter } from '@ordersource/core';
import { isClaimStream } from './claims.js';
import type { ClientFilter, ClientRecordedEvent } from './client.js';

/**
 * The port's filter as a server-side filter on `$all`, plus the exact check
 * the server's cannot do. The server filters on one thing, stream name or
 * event type, by literal prefixes or a regex; so:
 * - a stream prefix goes to the server as a prefix (literal: `%`, `_` and
 *   backslash mean only themselves), and event types are checked here;
 * - event types alone go as prefixes (`OrderPlaced` would also let
 *   `OrderPlacedV2` through) and are matched exactly here;
 * - no filter still excludes the server's own events (types starting with `$`);
 * - the adapter's eventId claims (claims.ts) are never handed out: the
 *   server's filter lets them through (their type does not start with `$`,
 *   which a user stream's event need not be allowed to), this check drops them.
 * `nothing` is the empty type list: no event can match, so nothing is asked.
 */
export type FilterPlan =
  | Readonly<{ kind: 'nothing' }>
  | Readonly<{ kind: 'server'; filter: ClientFilter; matches: (recorded: ClientRecordedEvent) => boolean }>;

/** Every event type the server itself writes starts with "$". */
export const NOT_SYSTEM_TYPE = '^[^$]';

export const planFilter = (filter: EventFilter | undefined, checkpointInterval = 1): FilterPlan => {
  const prefix = filter?.streamPrefix;
  const types = filter?.eventTypes;
  if (types !== undefined && types.length === 0) return { kind: 'nothing' };
  const matches = (recorded: ClientRecordedEvent): boolean =>
    !recorded.streamId.startsWith('$') &&
    !recorded.type.startsWith('$') &&
    !isClaimStream(recorded.streamId) &&
    (prefix === undefined || recorded.streamId.startsWith(prefix)) &&
    (types === undefined || types.includes(recorded.type));
  const server: ClientFilter =
    prefix !== undefined && prefix !== ''
      ? { filterOn: 'streamName', prefixes: [prefix], checkpointInterval }
      : types !== undefined
        ? { filterOn: 'eventType', prefixes: [...new Set(types)], checkpointInterval }
        : { filterOn: 'eventType', regex: NOT_SYSTEM_TYPE, checkpointInterval };
  return { kind: 'server', filter: server, matches };
};
