import {
  project,
  stateAsOf,
  type Checkpoint,
  type Envelope,
  type Event,
  type EventStore,
  type Projection,
} from '@ordersource/core';
import {
  createPostgresCheckpointStore,
  createPostgresParkedStore,
  createPostgresTimerStore,
  LATEST_VERSION,
  migrate,
  type PostgresEventStore,
  type SqlExecutor,
} from '@ordersource/postgres';
import { createShop, shopProjections, type Shop } from '@ordersource/runtime';
import type { Command } from 'commander';
import { Option } from 'commander';
import { describeTarget, openStore, schemaVersion, withExecutor, type DbOptions, type Target } from './connect.js';
import { EXIT, UserError, type ExitCode } from './exit-codes.js';
import { startProgress } from './progress.js';

/**
 * The commands that work on a shop's database (PGlite data directory or
 * PostgreSQL URL): inspect, state, migrate, doctor, projections, reactors.
 */

type Common = DbOptions & Readonly<{ json?: boolean }>;

const out = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

const dbOptions = (command: Command): Command =>
  command
    .addOption(new Option('--db <url|dir>', 'PostgreSQL URL or PGlite data directory').env('ORDERSOURCE_DB'))
    .addOption(new Option('--schema <name>', 'schema that holds the tables').default('ordersource'));

/** A shop over the database's durable ports, never started: for its names, decoders and handlers. */
const shopOver = (store: PostgresEventStore, executor: SqlExecutor, schema: string): Shop =>
  createShop({
    store,
    checkpoints: createPostgresCheckpointStore(executor, { schema }),
    parked: createPostgresParkedStore(executor, { schema }),
    timers: createPostgresTimerStore(executor, { schema }),
  });

const withStore = <T>(
  options: Common,
  body: (store: PostgresEventStore, executor: SqlExecutor, target: Target) => Promise<T>,
): Promise<T> =>
  withExecutor(options, async (executor, target) => {
    const store = await openStore(executor, options, target);
    try {
      return await body(store, executor, target);
    } finally {
      await store.close().catch(() => undefined);
    }
  });

/** Events after a checkpoint (the lag of a consumer that stands there). */
const countAfter = async (store: EventStore, after: Checkpoint | undefined): Promise<number> => {
  let n = 0;
  for await (const _ of store.readAll(after)) n++;
  return n;
};

const requireStream = async (store: EventStore, stream: string): Promise<number> => {
  const version = await store.streamVersion(stream);
  if (version < 0) throw new UserError(`no stream "${stream}" in this store`, EXIT.notFound);
  return version;
};

const parseAsOf = (text: string): { version: number } | { at: string } => {
  if (/^\d+$/.test(text)) return { version: Number(text) };
  if (Number.isFinite(Date.parse(text)) && /^\d{4}-\d{2}-\d{2}/.test(text)) return { at: text };
  throw new UserError(`--at: must be a stream version (0, 1, ...) or an ISO-8601 instant (got "${text}")`);
};

type Finding = Readonly<{ check: string; ok: boolean; code: ExitCode; detail: string }>;

export const registerDatabaseCommands = (cli: Command): void => {
  dbOptions(
    cli
      .command('migrate')
      .description(
        'Create or upgrade the ordersource tables in the schema (safe to run twice, and from several processes).',
      )
      .option('--json', 'print the result as JSON'),
  ).action(async (options: Common) => {
    await withExecutor(options, async (executor, target) => {
      const before = await schemaVersion(executor, options.schema);
      let applied: readonly number[];
      try {
        applied = await migrate(executor, options.schema);
      } catch (error) {
        throw new UserError(`${describeTarget(target)}: ${(error as Error).message}`, EXIT.unreachable);
      }
      const result = { schema: options.schema, from: before, to: LATEST_VERSION, applied };
      out(
        options.json === true
          ? JSON.stringify(result)
          : applied.length === 0
            ? `schema "${options.schema}" is up to date (version ${LATEST_VERSION})`
            : `schema "${options.schema}": applied migration(s) ${applied.join(', ')} (version ${before} -> ${LATEST_VERSION})`,
      );
    });
  });

  dbOptions(
    cli
      .command('inspect')
      .description("A stream's history: every event with its version, time, actor and data.")
      .argument('<stream>', 'stream id, e.g. order-o-1 or receipts-o-1')
      .option('--json', 'JSON lines (one event each) instead of a table')
      .option('--data', "show each event's data in the table too"),
  ).action(async (stream: string, options: Common & { data?: boolean }) => {
    await withStore(options, async (store) => {
      await requireStream(store, stream);
      for await (const e of store.read(stream)) {
        const record = {
          version: e.streamVersion,
          type: e.event.type,
          occurredAt: e.occurredAt,
          recordedAt: e.recordedAt,
          actor: e.actor,
          eventId: e.eventId,
          ...(e.causationId === undefined ? {} : { causationId: e.causationId }),
          data: e.event.data,
        };
        if (options.json === true) out(JSON.stringify(record));
        else {
          const actor = `${e.actor.kind}:${e.actor.id}`;
          out(`${String(e.streamVersion).padStart(4)}  ${e.occurredAt.padEnd(24)} ${e.event.type.padEnd(28)} ${actor}`);
          if (options.data === true) out(`      ${JSON.stringify(e.event.data)}`);
        }
      }
    });
  });

  dbOptions(
    cli
      .command('state')
      .description('The state of a stream, now or as it was at a version or an instant (time travel).')
      .argument('<stream>', 'stream id, e.g. order-o-1')
      .option('--at <version|instant>', 'a stream version (0-based) or an ISO-8601 instant; default: now')
      .option('--json', 'compact JSON instead of indented'),
  ).action(async (stream: string, options: Common & { at?: string }) => {
    await withStore(options, async (store, executor) => {
      const last = await requireStream(store, stream);
      const asOf = options.at === undefined ? { version: last } : parseAsOf(options.at);
      const shop = shopOver(store, executor, options.schema);
      const kind = shop.decoders.kindOf(stream);
      if (kind === undefined)
        throw new UserError(
          `stream "${stream}": no stream kind for its category (known: ${shop.decoders.categories.join(', ')})`,
          EXIT.notFound,
        );
      const result = await stateAsOf(store, kind.decider, kind.decodeEnvelope, stream, asOf);
      if (result._tag === 'Left') throw new UserError(result.left.message, EXIT.usage);
      const state: unknown = result.right.state;
      const body = { stream, version: result.right.version, asOf, state };
      out(options.json === true ? JSON.stringify(body) : JSON.stringify(body, null, 2));
    });
  });

  const projections = cli.command('projections').description("The shop's read models.");
  dbOptions(
    projections
      .command('rebuild')
      .description(
        'Fold the whole log into a read model again (all of them without a name), with progress; ' +
          'forgets the checkpoint a durable worker stored for it, if any.',
      )
      .argument(
        '[name]',
        `one of ${Object.values(shopProjections)
          .map((p) => p.name)
          .join(', ')}`,
      )
      .option('--json', 'print the result as JSON')
      .option('--plain', 'plain progress lines even on a terminal'),
  ).action(async (name: string | undefined, options: Common & { plain?: boolean }) => {
    const all = Object.values(shopProjections) as readonly Projection<unknown, Event>[];
    const chosen = name === undefined ? all : all.filter((p) => p.name === name);
    if (chosen.length === 0)
      throw new UserError(`no projection "${name}" (known: ${all.map((p) => p.name).join(', ')})`, EXIT.notFound);
    await withStore(options, async (store, executor) => {
      const total = await countAfter(store, undefined);
      for (const projection of chosen) {
        const progress = startProgress({
          label: projection.name,
          total,
          ...(options.plain === true ? { plain: true } : {}),
        });
        let state = projection.initialState;
        let done = 0;
        let skipped = 0;
        const batch: Envelope<Event>[] = [];
        const flush = (): void => {
          state = project(projection, batch, state);
          batch.length = 0;
        };
        for await (const raw of store.readAll(undefined)) {
          done++;
          const filter = projection.filter;
          const matches =
            (filter?.streamPrefix === undefined || raw.streamId.startsWith(filter.streamPrefix)) &&
            (filter?.eventTypes === undefined || filter.eventTypes.includes(raw.event.type));
          if (matches) {
            const decoded = projection.decode(raw);
            if (decoded._tag === 'Right') batch.push(decoded.right);
            else skipped++;
          }
          if (batch.length >= 500) flush();
          progress.update(done, total);
        }
        flush();
        progress.stop();
        // A worker that keeps this model durably checkpoints under its name; the runtime's in-memory
        // read models keep none and refold on start anyway.
        const forgotten = await executor.query(
          `delete from "${options.schema}".checkpoints where name = $1 returning name`,
          [projection.name],
        );
        const size = typeof state === 'object' && state !== null ? JSON.stringify(state).length : 0;
        const result = {
          projection: projection.name,
          events: done,
          undecodable: skipped,
          modelBytes: size,
          checkpointReset: forgotten.length > 0,
        };
        out(
          options.json === true
            ? JSON.stringify(result)
            : `${projection.name}: rebuilt from ${done} events (${skipped} undecodable), model ${size} bytes; ` +
                (forgotten.length > 0
                  ? 'stored checkpoint reset'
                  : 'no stored checkpoint (workers fold from the start)'),
        );
      }
    });
  });

  const reactors = cli.command('reactors').description("The shop's policies and workers (checkpointed consumers).");
  dbOptions(
    reactors
      .command('status')
      .description('Each reactor: its checkpoint, how many events it lags behind, how many are parked for it.')
      .option('--json', 'JSON lines instead of a table'),
  ).action(async (options: Common) => {
    await withStore(options, async (store, executor) => {
      const shop = shopOver(store, executor, options.schema);
      const checkpoints = createPostgresCheckpointStore(executor, { schema: options.schema });
      const parked = await shop.parked.list();
      const names = (await shop.health()).consumers.map((c) => c.name);
      for (const name of names) {
        const checkpoint = await checkpoints.load(name);
        const lag = await countAfter(store, checkpoint);
        const parkedHere = parked.filter((p) => p.consumer === name).length;
        const row = { reactor: name, checkpoint: checkpoint ?? null, lag, parked: parkedHere };
        out(
          options.json === true
            ? JSON.stringify(row)
            : `${name.padEnd(40)} lag ${String(lag).padStart(6)}  parked ${String(parkedHere).padStart(4)}  at ${checkpoint ?? '(start)'}`,
        );
      }
    });
  });

  dbOptions(
    reactors
      .command('retry')
      .description(
        "Hand parked events back to their reactor (all, or one reactor's), with progress; they run on its next pass.",
      )
      .argument('[reactor]', "only this reactor's parked events")
      .option('--json', 'print the result as JSON')
      .option('--plain', 'plain progress lines even on a terminal'),
  ).action(async (reactor: string | undefined, options: Common & { plain?: boolean }) => {
    await withExecutor(options, async (executor, target) => {
      const version = await schemaVersion(executor, options.schema);
      if (version < LATEST_VERSION)
        throw new UserError(
          `${describeTarget(target)}: schema at version ${version}: run ordersource migrate`,
          EXIT.schema,
        );
      const store = createPostgresParkedStore(executor, { schema: options.schema });
      const entries = await store.list(reactor);
      const progress = startProgress({
        label: 'retry',
        total: entries.length,
        ...(options.plain === true ? { plain: true } : {}),
      });
      let retried = 0;
      for (const [i, entry] of entries.entries()) {
        if (await store.retry(entry.consumer, entry.eventId)) retried++;
        progress.update(i + 1);
      }
      progress.stop();
      out(
        options.json === true
          ? JSON.stringify({ retried, reactor: reactor ?? null })
          : `handed back ${retried} parked event(s)`,
      );
    });
  });

  dbOptions(
    cli
      .command('doctor')
      .description(
        "Check the shop's database: reachable, schema version, subscription and projection lag, stuck outbox items, " +
          'parked events, overdue timers. The exit code names the first problem found.',
      )
      .option('--json', 'JSON lines, one per check')
      .addOption(new Option('--max-lag <events>', 'lag above this is a finding').default('100'))
      .addOption(new Option('--stuck-after <seconds>', 'outbox items and timers this late are findings').default('300'))
      .addHelpText(
        'after',
        `
Exit codes: 0 all good, 3 database unreachable, 10 schema missing or old (run ordersource migrate),
11 lag above --max-lag, 12 outbox items stuck or dead, 13 parked events, 14 timers overdue.
With several problems the exit code is the first of them in that order; --json lists them all.`,
      ),
  ).action(async (options: Common & { maxLag: string; stuckAfter: string }) => {
    const maxLag = Number(options.maxLag);
    const stuckAfter = Number(options.stuckAfter);
    if (!Number.isInteger(maxLag) || maxLag < 0)
      throw new UserError(`--max-lag: must be an integer >= 0 (got "${options.maxLag}")`);
    if (!Number.isFinite(stuckAfter) || stuckAfter < 0)
      throw new UserError(`--stuck-after: must be a number of seconds >= 0 (got "${options.stuckAfter}")`);
    const findings: Finding[] = [];
    const report = (finding: Finding): void => {
      findings.push(finding);
      out(
        options.json === true
          ? JSON.stringify(finding)
          : `${finding.ok ? 'ok  ' : 'FAIL'}  ${finding.check.padEnd(12)} ${finding.detail}${finding.ok ? '' : ` (exit ${finding.code})`}`,
      );
    };
    await withExecutor(options, async (executor, target) => {
      report({ check: 'database', ok: true, code: EXIT.ok, detail: `reachable: ${describeTarget(target)}` });
      const version = await schemaVersion(executor, options.schema);
      const current = version >= LATEST_VERSION;
      report({
        check: 'schema',
        ok: current,
        code: current ? EXIT.ok : EXIT.schema,
        detail: `schema "${options.schema}" at version ${version} of ${LATEST_VERSION}${current ? '' : ': run ordersource migrate'}`,
      });
      if (!current) return;
      const s = `"${options.schema}"`;
      const store = await openStore(executor, options, target);
      try {
        const checkpoints = await executor.query(`select name, position from ${s}.checkpoints order by name`);
        const lagging: string[] = [];
        let worst = 0;
        for (const row of checkpoints) {
          const lag = await countAfter(store, String(row['position']));
          worst = Math.max(worst, lag);
          if (lag > maxLag) lagging.push(`${String(row['name'])} ${lag}`);
        }
        report({
          check: 'lag',
          ok: lagging.length === 0,
          code: lagging.length === 0 ? EXIT.ok : EXIT.lag,
          detail:
            lagging.length === 0
              ? `${checkpoints.length} checkpointed consumer(s), worst lag ${worst} event(s) (limit ${maxLag})`
              : `behind by more than ${maxLag}: ${lagging.join(', ')}`,
        });
        const [outbox] = await executor.query(
          `select count(*) filter (where processed_at is null and dead_at is null and attempts > 0
                                     and created_at < now() - make_interval(secs => $1)) as stuck,
                  count(*) filter (where dead_at is not null) as dead,
                  count(*) filter (where processed_at is null and dead_at is null) as pending
             from ${s}.outbox`,
          [stuckAfter],
        );
        const stuck = Number(outbox?.['stuck'] ?? 0);
        const dead = Number(outbox?.['dead'] ?? 0);
        report({
          check: 'outbox',
          ok: stuck === 0 && dead === 0,
          code: stuck === 0 && dead === 0 ? EXIT.ok : EXIT.outbox,
          detail: `${Number(outbox?.['pending'] ?? 0)} pending, ${stuck} stuck (retried, older than ${stuckAfter} s), ${dead} dead`,
        });
        const [parked] = await executor.query(
          `select count(*) as n, string_agg(distinct consumer, ', ') as consumers from ${s}.parked_events`,
        );
        const parkedCount = Number(parked?.['n'] ?? 0);
        report({
          check: 'parked',
          ok: parkedCount === 0,
          code: parkedCount === 0 ? EXIT.ok : EXIT.parked,
          detail:
            parkedCount === 0
              ? 'no parked events'
              : `${parkedCount} parked event(s) for ${String(parked?.['consumers'])}: ordersource reactors retry`,
        });
        const [timers] = await executor.query(
          `select count(*) filter (where status = 'planned' and at::timestamptz < now() - make_interval(secs => $1)) as overdue,
                  count(*) filter (where status = 'planned') as planned,
                  min(at) filter (where status = 'planned') as next
             from ${s}.timers`,
          [stuckAfter],
        );
        const overdue = Number(timers?.['overdue'] ?? 0);
        report({
          check: 'timers',
          ok: overdue === 0,
          code: overdue === 0 ? EXIT.ok : EXIT.timers,
          detail: `${Number(timers?.['planned'] ?? 0)} planned, ${overdue} overdue by more than ${stuckAfter} s${
            typeof timers?.['next'] === 'string' ? `, next due ${timers['next']}` : ''
          }`,
        });
      } finally {
        await store.close().catch(() => undefined);
      }
    });
    const first = findings.find((f) => !f.ok);
    process.exitCode = first === undefined ? EXIT.ok : first.code;
  });
};
