/**
 * The visibility horizon of the gap-free reader (read-all.ts): every row of a
 * transaction below it is either committed and visible or rolled back, so no
 * row can ever appear below it later.
 *
 * `pg_snapshot_xmin` is the oldest transaction still running on the whole
 * server, in every database: one long transaction in another database (a
 * bulk load, a migration, another application) held every reader of this
 * store at its xid for as long as it ran. Issue 18 met it as "order closed:
 * not reached": a 1M-row insert in another database of the same server kept
 * the shop's reactors from seeing any event for over a minute.
 *
 * A transaction of another database can never write this database's events
 * table, so the horizon here is the oldest running transaction that may
 * belong to this database: the snapshot's running ids (`pg_snapshot_xip`),
 * leaving out only those that `pg_stat_activity` shows running in another
 * database, or the snapshot's xmax when none is left. Every doubt keeps a
 * transaction in (never too high a horizon):
 * - an id `pg_stat_activity` does not show (the backend ended since the
 *   snapshot, a prepared transaction, a backend whose ids this role may not
 *   see) counts as ours;
 * - an id is unique on the server and a backend never changes its database,
 *   so an id shown with another database's oid is another database's, even
 *   from a status list read earlier in the same transaction;
 * - a running id is compared on its 32 low bits (`pg_stat_activity` shows
 *   `xid`): ids running at one time are less than 2^31 apart, so the low bits
 *   name one of them.
 * With no running transaction of another database it is `pg_snapshot_xmin`
 * exactly (the snapshot's xmin is the least of its running ids, or xmax), and
 * the activity list is not read when nothing is running.
 */
export const HORIZON_SQL = `select coalesce(
         (select min(x.id) from pg_snapshot_xip(s.snap) as x(id)
           where xid(x.id) not in (select a.backend_xid from pg_stat_activity a
                                    where a.backend_xid is not null
                                      and a.datid <> (select d.oid from pg_database d
                                                       where d.datname = current_database()))),
         pg_snapshot_xmax(s.snap)) as horizon,
       pg_snapshot_xmax(s.snap) as head
  from (select pg_current_snapshot() as snap) s`;
