import type { Checkpoint, Envelope, EventFilter, ReadAllOptions } from '@ordersource/core';
import { sleep } from '@ordersource/core';
import type { SqlQueryable } from './executor/types.js';
import { belowHorizon, comparePositions, parsePosition, type Position } from './position.js';
import { decodeEventRows, EVENT_COLUMNS } from './row.js';

/**
 * Reading the global log without ever skipping an event. Sequence values are
 * taken before commit, so a later value can become visible before an earlier
 * one. Each page therefore reads only rows of transactions older than the
 * oldest one still running (`pg_snapshot_xmin`): those can never be joined by
 * another row below them. The order and the checkpoint are the pair
 * (transaction id, sequence value).
 */
export type Page = Readonly<{
  envelopes: readonly Envelope[];
  /** Every transaction below this has finished: its rows are all visible. */
  horizon: string;
  /** The next transaction id not yet handed out when the page was read. */
  head: string;
  /** The page hit its limit: more may follow below the horizon. */
  full: boolean;
}>;

const filterSql = (filter: EventFilter, params: unknown[]): string => {
  let sql = '';
  if (filter.streamPrefix !== undefined && filter.streamPrefix !== '') {
    params.push(filter.streamPrefix);
    sql += ` and starts_with(e.stream_id, $${params.length})`;
  }
  if (filter.eventTypes !== undefined) {
    params.push(JSON.stringify(filter.eventTypes));
    sql += ` and e.event_type in (select jsonb_array_elements_text($${params.length}::jsonb))`;
  }
  return sql;
};

export const fetchPage = async (
  db: SqlQueryable,
  schema: string,
  after: Position,
  filter: EventFilter,
  limit: number,
): Promise<Page> => {
  const params: unknown[] = [after.transactionId, after.sequence, limit];
  const rows = await db.query(
    `with h as materialized (
       select pg_snapshot_xmin(pg_current_snapshot()) as horizon, pg_snapshot_xmax(pg_current_snapshot()) as head)
     select h.horizon::text as page_horizon, h.head::text as page_head, page.*
       from h left join lateral (
         select ${EVENT_COLUMNS} from ${schema}.events e
          where e.transaction_id < h.horizon
            and (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)${filterSql(filter, params)}
          order by e.transaction_id, e.global_position
          limit $3) page on true`,
    params,
  );
  const first = rows[0];
  const horizon = String(first?.['page_horizon']);
  const head = String(first?.['page_head']);
  const events = first === undefined || first['stream_id'] === null ? [] : rows;
  return { envelopes: decodeEventRows(events), horizon, head, full: events.length >= limit };
};

/** Are there committed rows (matching the filter) at or above the horizon and below `head`? */
export const pendingAbove = async (
  db: SqlQueryable,
  schema: string,
  horizon: string,
  head: string | undefined,
  filter: EventFilter,
): Promise<boolean> => {
  const params: unknown[] = [horizon];
  let sql = `select exists(select 1 from ${schema}.events e where e.transaction_id >= $1::xid8`;
  if (head !== undefined) {
    params.push(head);
    sql += ` and e.transaction_id < $${params.length}::xid8`;
  }
  sql += `${filterSql(filter, params)}) as pending`;
  const [row] = await db.query(sql, params);
  return row?.['pending'] === true;
};

/** After a page that did not fill up, the reader may move on to just below the horizon. */
export const advance = (cursor: Position, page: Page): Position => {
  const last = page.envelopes.at(-1);
  const afterLast = last === undefined ? cursor : parsePosition(last.globalPosition);
  if (page.full) return afterLast;
  const below = belowHorizon(page.horizon);
  return comparePositions(below, afterLast) > 0 ? below : afterLast;
};

export type ReadAllContext = Readonly<{
  db: SqlQueryable;
  schema: string;
  pageSize: number;
  /** How long readAll waits for transactions that committed before it started but sit above the horizon. */
  visibilityWaitMs: number;
}>;

/**
 * Everything after the checkpoint that was committed before the call, in
 * (transaction id, sequence) order. When a transaction that started earlier
 * is still running, rows committed after it wait until it ends (at most
 * `visibilityWaitMs`; after that the safe prefix is returned, and a reader
 * paging by checkpoint gets the rest on its next call).
 */
export async function* readAllEvents(
  context: ReadAllContext,
  after: Checkpoint | undefined,
  options: ReadAllOptions = {},
): AsyncIterable<Envelope> {
  const filter: EventFilter = {
    ...(options.streamPrefix === undefined ? {} : { streamPrefix: options.streamPrefix }),
    ...(options.eventTypes === undefined ? {} : { eventTypes: options.eventTypes }),
  };
  if (filter.eventTypes !== undefined && filter.eventTypes.length === 0) return;
  let remaining = options.limit === undefined ? Number.POSITIVE_INFINITY : Math.max(0, Math.floor(options.limit));
  let cursor = parsePosition(after);
  let head: string | undefined;
  const deadline = Date.now() + context.visibilityWaitMs;
  let pause = 1;
  while (remaining > 0) {
    const page = await fetchPage(context.db, context.schema, cursor, filter, Math.min(context.pageSize, remaining));
    head ??= page.head;
    yield* page.envelopes;
    remaining -= page.envelopes.length;
    cursor = advance(cursor, page);
    if (page.full) continue;
    if (BigInt(page.horizon) >= BigInt(head)) return;
    if (!(await pendingAbove(context.db, context.schema, page.horizon, head, filter))) return;
    if (Date.now() > deadline) return;
    await sleep(pause);
    pause = Math.min(pause * 2, 50);
  }
}
