import {
  createCommandHandler,
  createInMemoryCheckpointStore,
  createInMemoryParkedStore,
  createInMemoryTimerStore,
  newId,
  type CheckpointStore,
  type Clock,
  type CommandHandler,
  type Envelope,
  type EventStore,
  type HandleOptions,
  type ParkedEvent,
  type ParkedStore,
  type SnapshotPolicy,
  type TimerStore,
} from '@ordersource/core';
import {
  defaultShopSettings,
  type OrderCommand,
  type OrderEvent,
  type OrderState,
  type ShopSettings,
} from '@ordersource/domain';
import type {
  CompanyCommand,
  CompanyEvent,
  CompanyState,
  CustomerCommand,
  CustomerEvent,
  CustomerSettings,
  CustomerState,
} from '@ordersource/domain/customers';
import type { ReceiptsCommand, ReceiptsEvent, ReceiptsState, TranslateOptions } from '@ordersource/domain/receipts';
import type {
  SubscriptionCommand,
  SubscriptionEvent,
  SubscriptionSettings,
  SubscriptionState,
} from '@ordersource/domain/subscriptions';
import * as E from 'fp-ts/lib/Either.js';
import { isVirtualClock, systemClock } from './clock.js';
import { createConsumer, type Consumer, type ConsumerStatus } from './consumer.js';
import {
  causeOf,
  unknownStream,
  type Activity,
  type ExecuteResult,
  type HandlerLike,
  type NotificationOut,
  type ShopError,
} from './dispatch.js';
import { createNotificationOutbox, type NotificationOutbox } from './outbox.js';
import { createProjectionWorker, type ProjectionWorker } from './projections.js';
import { createShopQueries, type ShopQueries } from './queries.js';
import { shopProjections, type SubscriptionsModel } from './read-models.js';
import type { ReconciliationModel } from './reconciliation.js';
import { defaultRenewalOrderOptions, shopReactors, type ShopEffect, type ShopReactor } from './reactors.js';
import { renewalChargesReactor, type ChargePort } from './subscription-billing.js';
import type { RenewalOrderOptions } from '@ordersource/domain/subscriptions';
import { checkRetryPolicy, createWaiter, defaultRetry, type RetryPolicy } from './retry.js';
import { createSharedLog } from './shared-log.js';
import { shopStreamKinds, type ShopEvent } from './shop-streams.js';
import { createDecoderRegistry, type AnyStreamKind, type DecoderRegistry } from './streams.js';
import { createTelemetry, tracedStore, type TelemetryOptions } from './telemetry.js';
import { fireDueTimers, planTimers } from './timers.js';
import type { OrdersModel, StatusHistoryModel } from '@ordersource/domain';
import type { Directory } from '@ordersource/domain/customers';
import type { ReceiptsRegister } from '@ordersource/domain/receipts';

/**
 * The shop runtime: one call builds a shop from settings and a store. It
 * runs every stream kind (orders, receipts, subscriptions, customers,
 * companies; more through `streams`) with one decoder registry keyed by
 * stream category, every policy as a checkpointed reactor (receipts too),
 * the read models as projections, and durable timers planned from the
 * deciders' `due`. Commands come in raw through `execute` and are decoded
 * by their stream kind's codec first.
 *
 * Two ways to run the workers, over the same consumers and checkpoints:
 * `runUntilIdle()` runs every reactor, the timer planner and the due timers
 * until nothing more happens (deterministic: tests, `ordersource simulate`,
 * the demo); `start()` runs them continuously (catch up, then follow the
 * store) until `stop()`.
 */

export type ShopOptions = Readonly<{
  store: EventStore;
  /** The order policies' settings (default: Odoo's and ec2Biz's out-of-the-box behaviour). */
  settings?: ShopSettings;
  subscriptions?: SubscriptionSettings;
  customers?: CustomerSettings;
  /** The receipts translation (shipping line, payment means); `false` runs no receipts policy. */
  receipts?: TranslateOptions | false;
  /** The runtime's time: the system clock, or `createVirtualClock(start)` in tests and simulations. */
  clock?: Clock;
  /** Reactor checkpoints (default in memory; a PostgreSQL store keeps them across restarts). */
  checkpoints?: CheckpointStore;
  /** Durable timers (default in memory). */
  timers?: TimerStore;
  /** Poison events per consumer (default in memory). */
  parked?: ParkedStore;
  /** More stream kinds (one category each), run like the shop's own. */
  streams?: readonly AnyStreamKind[];
  /**
   * Issue 13: the payment provider for subscription renewals. Each renewal
   * invoice and each dunning retry is handed to it once per attempt (at least
   * once: `request.id` is the provider's idempotency key); its outcome comes
   * back as a payment on the renewal order. Without it, renewal orders are
   * placed but nobody is charged.
   */
  charge?: ChargePort;
  /** The renewal orders' options (the service line's VAT rate), or `false` for no subscription billing. */
  subscriptionBilling?: RenewalOrderOptions | false;
  /** Change the reactors: given the shop's, return the ones to run. */
  reactors?: (defaults: readonly ShopReactor[]) => readonly ShopReactor[];
  /**
   * Where decided notifications go (at least once, with stable ids). Throwing
   * makes the reactor retry the event. Default: the in-memory `notifications` outbox.
   */
  onNotification?: (out: NotificationOut) => void | Promise<void>;
  /**
   * How many notifications wait in the durable outbox `onNotification` feeds
   * (e.g. a count of PostgreSQL outbox rows not yet delivered), for
   * `health()` and the `ordersource.outbox.depth` gauge. Default: the in-memory outbox's.
   */
  outboxDepth?: () => number | Promise<number>;
  /** Attempts and backoff before a failing event is parked (default 5 attempts, 50 ms doubling, at most 5 s). */
  retry?: Partial<RetryPolicy>;
  /** How often running workers look for new events and due timers, real ms (default 200). */
  pollMs?: number;
  /**
   * One reader of the log feeds every reactor, the timer planner and the read
   * models (default true; shared-log.ts). With false each reads the store on
   * its own, as before issue 18.
   */
  sharedLog?: boolean;
  /**
   * Running workers (`start()`): events of different streams each reactor and
   * the timer planner handle at once (default 1). The events of one stream
   * are always handled in order; `runUntilIdle` always goes one at a time.
   */
  concurrency?: number;
  /** This process's name in timer claims (default a fresh uuid). */
  workerId?: string;
  /** How long a timer claim holds before another worker may fire it (default 30 s). */
  timerLeaseMs?: number;
  /** Work failing or overdue for longer than this is reported stuck by `health()` (default 60 s). */
  stuckAfterMs?: number;
  telemetry?: TelemetryOptions;
  /** Passed to every command handler. */
  handlers?: Readonly<{ cacheSize?: number; maxRetries?: number }>;
  /** Snapshot policies by stream category. */
  snapshots?: Readonly<Record<string, SnapshotPolicy<unknown>>>;
}>;

export type ShopHandlers = Readonly<{
  order: CommandHandler<OrderCommand, OrderEvent, OrderState>;
  receipts: CommandHandler<ReceiptsCommand, ReceiptsEvent, ReceiptsState>;
  subscription: CommandHandler<SubscriptionCommand, SubscriptionEvent, SubscriptionState>;
  customer: CommandHandler<CustomerCommand, CustomerEvent, CustomerState>;
  company: CommandHandler<CompanyCommand, CompanyEvent, CompanyState>;
}>;

export type DrainReport = Readonly<{
  /** False when `maxRounds` ran out with work still coming (a loop between reactors). */
  idle: boolean;
  rounds: number;
  activities: readonly Activity[];
  commands: readonly Extract<Activity, { kind: 'command' }>[];
  refusals: readonly Extract<Activity, { kind: 'refused' }>[];
  notifications: readonly NotificationOut[];
  parked: readonly Extract<Activity, { kind: 'parked' }>[];
  timers: readonly Extract<Activity, { kind: 'timer' }>[];
}>;

export type Stuck = Readonly<{ what: string; since?: string; detail: string }>;

export type Health = Readonly<{
  status: 'ok' | 'degraded' | 'stopped' | 'idle';
  /** Running (start() called, stop() not). */
  running: boolean;
  now: string;
  consumers: readonly ConsumerStatus[];
  timers: Readonly<{ planned: number; overdue: number; failing: number; nextDue?: string }>;
  outbox: Readonly<{ depth: number }>;
  parked: readonly ParkedEvent[];
  /** Work that has not moved for `stuckAfterMs`: a consumer failing on one event, a timer overdue, a parked event. */
  stuck: readonly Stuck[];
}>;

export type StopReport = Readonly<{ drained: boolean; waitedMs: number }>;

export type ReadModels = Readonly<{
  orders: ProjectionWorker<OrdersModel>;
  history: ProjectionWorker<StatusHistoryModel>;
  receiptsRegister: ProjectionWorker<ReceiptsRegister>;
  directory: ProjectionWorker<Directory>;
  subscriptions: ProjectionWorker<SubscriptionsModel>;
  reconciliation: ProjectionWorker<ReconciliationModel>;
}>;

export type Shop = Readonly<{
  store: EventStore;
  clock: Clock;
  settings: ShopSettings;
  /** One decoder for every stream of the store, by category. */
  decoders: DecoderRegistry<ShopEvent>;
  handlers: ShopHandlers;
  /** The handler of any category (also the extra stream kinds). */
  handlerFor: (streamId: string) => HandlerLike | undefined;
  /**
   * Handle one command given as raw input (a parsed request body): routed by
   * the stream's category, decoded by its codec (a float amount is an
   * `invalid-command` error naming the field; nothing is written), decided, appended.
   * With `{ expectedVersion }` (an If-Match) it is decided only on the stream at
   * that version; one another writer moved is a `wrong-expected-version` error.
   */
  execute: (streamId: string, input: unknown, options?: HandleOptions) => Promise<ExecuteResult<ShopEvent>>;
  reactors: readonly ShopReactor[];
  readModels: ReadModels;
  queries: ShopQueries;
  notifications: NotificationOutbox;
  timers: TimerStore;
  parked: Readonly<{
    list: (consumer?: string) => Promise<readonly ParkedEvent[]>;
    /** Hand a parked event to its consumer again (on its next pass). */
    retry: (consumer: string, eventId: string) => Promise<boolean>;
  }>;
  /** Run every reactor, the timer planner and the due timers until nothing more happens, then the read models. */
  runUntilIdle: (options?: Readonly<{ maxRounds?: number }>) => Promise<DrainReport>;
  /** `runUntilIdle`, by its other name. */
  drain: (options?: Readonly<{ maxRounds?: number }>) => Promise<DrainReport>;
  /**
   * Virtual clock only: move time forward by `ms`, stopping at each timer due
   * on the way so each fires at its own time, and run until idle at each stop.
   */
  advance: (ms: number) => Promise<DrainReport>;
  /** Run the workers continuously (catch up, then follow) until `stop`. */
  start: () => void;
  /** Stop taking new work, let the work in hand finish within `timeoutMs` (default 10 s). */
  stop: (options?: Readonly<{ timeoutMs?: number }>) => Promise<StopReport>;
  health: () => Promise<Health>;
  /** Every activity as it happens; returns the unsubscribe function. */
  onActivity: (listener: (activity: Activity) => void) => () => void;
}>;

/**
 * A waiter that counts its wake-ups. Issue 18: a worker that was busy in a
 * pass when a command appended (its read had begun before the append) ended
 * the pass with nothing handled and slept the whole poll interval, a lost
 * wake-up on almost every step of a running order's lifecycle. A worker
 * compares the count from before its pass and only sleeps if it did not move.
 */
type Signal = Readonly<{ wait: (ms: number) => Promise<void>; wakeAll: () => void; wakes: () => number }>;

const createSignal = (): Signal => {
  const waiter = createWaiter();
  let wakes = 0;
  return {
    wait: waiter.wait,
    wakeAll: () => {
      wakes++;
      waiter.wakeAll();
    },
    wakes: () => wakes,
  };
};

const messageOf = (thrown: unknown): string => (thrown instanceof Error ? thrown.message : String(thrown));

const commandTypeOf = (input: unknown): string => {
  const type = (input as { type?: unknown } | null | undefined)?.type;
  return typeof type === 'string' ? type : '(none)';
};

export const createShop = (options: ShopOptions): Shop => {
  const settings = options.settings ?? defaultShopSettings;
  const clock = options.clock ?? systemClock;
  const checkpoints = options.checkpoints ?? createInMemoryCheckpointStore();
  const timers = options.timers ?? createInMemoryTimerStore();
  const parkedStore = options.parked ?? createInMemoryParkedStore();
  const retry = checkRetryPolicy({ ...defaultRetry, ...options.retry });
  const pollMs = options.pollMs ?? 200;
  const workerId = options.workerId ?? newId();
  const stuckAfterMs = options.stuckAfterMs ?? 60_000;
  const outbox = createNotificationOutbox();
  const outboxDepth = options.outboxDepth ?? (() => outbox.depth());
  const listeners = new Set<(activity: Activity) => void>();
  const report = (activity: Activity): void => {
    for (const listener of listeners) listener(activity);
  };

  const consumers: Consumer[] = [];
  const telemetry = createTelemetry(options.telemetry ?? {}, {
    lag: () => new Map(allConsumers().map((c) => [c.name, c.status().lag ?? 0])),
    outboxDepth: () => outboxDepth(),
    parked: () => new Map(allConsumers().map((c) => [c.name, c.status().parked])),
  });
  const store = tracedStore(options.store, telemetry);
  const log = options.sharedLog === false ? undefined : createSharedLog(store);
  const concurrency = options.concurrency;
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 1_000))
    throw new RangeError(`concurrency: must be an integer from 1 to 1000 (got ${String(concurrency)})`);
  const side = concurrency === undefined ? {} : { concurrency };
  const logReader = () => (log === undefined ? {} : { log: log.reader() });

  const shopKinds = shopStreamKinds({
    ...(settings.closingReceipt === undefined ? {} : { closingReceipt: settings.closingReceipt }),
    ...(options.subscriptions === undefined ? {} : { subscriptions: options.subscriptions }),
    ...(options.customers === undefined ? {} : { customers: options.customers }),
  });
  const kinds: AnyStreamKind[] = [...Object.values(shopKinds), ...(options.streams ?? [])];
  const decoders = createDecoderRegistry<ShopEvent>(kinds);
  const handlerByCategory = new Map<string, HandlerLike>();
  for (const kind of kinds)
    handlerByCategory.set(
      kind.category,
      createCommandHandler({
        store,
        decider: kind.decider,
        decodeEnvelope: kind.decodeEnvelope,
        decodeCommand: kind.decodeCommand,
        ...(kind.schemaVersions === undefined ? {} : { schemaVersions: kind.schemaVersions }),
        ...(options.handlers?.cacheSize === undefined ? {} : { cacheSize: options.handlers.cacheSize }),
        ...(options.handlers?.maxRetries === undefined ? {} : { maxRetries: options.handlers.maxRetries }),
        ...(options.snapshots?.[kind.category] === undefined ? {} : { snapshots: options.snapshots[kind.category] }),
      }),
    );
  const byCategory = (category: string): HandlerLike | undefined => handlerByCategory.get(category);
  const handlerFor = (streamId: string): HandlerLike | undefined => {
    const kind = decoders.kindOf(streamId);
    return kind === undefined ? undefined : handlerByCategory.get(kind.category);
  };
  const handlers = Object.fromEntries(
    Object.keys(shopKinds).map((category) => [category, handlerByCategory.get(category)]),
  ) as unknown as ShopHandlers;

  // Running workers sleep on `idle` between passes; a command that appended wakes them at once.
  const idle = createSignal();
  const backoff = createWaiter();
  let stopping = false;
  let running = false;
  let loops: Promise<void>[] = [];

  /**
   * Issue 18: commands on one stream from this process go one after another.
   * The policies of one event (record the payment, confirm the order) and the
   * admin's commands all write the order stream; side by side they raced for
   * its next version, and the loser paid a failed insert, a replay check, a
   * read and a second append. In line, each decides on the state the one
   * before it left in the handler's cache. Streams with no command in flight
   * pay one map lookup; other processes' writes are still caught by the
   * append's expected version.
   */
  const lanes = new Map<string, Promise<unknown>>();
  const execute = (streamId: string, input: unknown, options?: HandleOptions): Promise<ExecuteResult<ShopEvent>> => {
    const ahead = typeof streamId === 'string' ? lanes.get(streamId) : undefined;
    const settled = () => undefined;
    const run: Promise<ExecuteResult<ShopEvent>> =
      ahead === undefined
        ? executeNow(streamId, input, options)
        : ahead.then(settled, settled).then(() => executeNow(streamId, input, options));
    if (typeof streamId === 'string') {
      lanes.set(streamId, run);
      void run.then(settled, settled).then(() => {
        if (lanes.get(streamId) === run) lanes.delete(streamId);
      });
    }
    return run;
  };

  const executeNow = (streamId: string, input: unknown, options?: HandleOptions): Promise<ExecuteResult<ShopEvent>> => {
    const type = commandTypeOf(input);
    const handler = typeof streamId === 'string' ? handlerFor(streamId) : undefined;
    const category = handler === undefined ? '(unknown)' : (decoders.kindOf(streamId)?.category ?? '(unknown)');
    return telemetry.inSpan(
      'ordersource.handle',
      {
        'ordersource.stream.category': category,
        'ordersource.stream.id': String(streamId),
        'ordersource.command.type': type,
      },
      async (span) => {
        if (handler === undefined) {
          span.setAttribute('ordersource.outcome', 'unknown-stream');
          return E.left(unknownStream(streamId, decoders.categories));
        }
        const started = performance.now();
        const handled = (await handler.handle(streamId, input, options)) as ExecuteResult<ShopEvent>;
        const outcome = E.isLeft(handled)
          ? (handled.left.code ?? handled.left.kind)
          : handled.right.duplicate
            ? 'duplicate'
            : 'ok';
        telemetry.commandDuration.record(performance.now() - started, {
          'ordersource.stream.category': category,
          'ordersource.command.type': type,
          'ordersource.outcome': E.isLeft(handled) ? handled.left.kind : 'ok',
        });
        span.setAttribute('ordersource.outcome', outcome);
        if (E.isRight(handled) && handled.right.events.length > 0 && !handled.right.duplicate) {
          log?.mark();
          idle.wakeAll();
        }
        return handled;
      },
    );
  };

  const deliver = async (
    reactor: ShopReactor,
    effect: Extract<ShopEffect, { kind: 'notification' }>,
    raw: Envelope,
  ) => {
    const out: NotificationOut = {
      id: effect.id,
      reactor: reactor.name,
      notification: effect.notification,
      cause: causeOf(raw),
    };
    if (options.onNotification !== undefined) {
      await options.onNotification(out);
      report({ kind: 'notification', reactor: reactor.name, out });
    } else if (outbox.put(out)) report({ kind: 'notification', reactor: reactor.name, out });
  };

  /** One event through one reactor: its effects, in order; a failure throws (the consumer retries, then parks). */
  const reactWith =
    (reactor: ShopReactor) =>
    async (raw: Envelope): Promise<void> => {
      let envelope = raw as Envelope<ShopEvent>;
      if (reactor.decodesItself !== true) {
        const decoded = decoders.decode(raw);
        if (E.isLeft(decoded)) throw new Error(decoded.left.message);
        envelope = decoded.right;
      }
      const queue = [...(await reactor.react(envelope, { store, raw }))];
      for (let effect = queue.shift(); effect !== undefined; effect = queue.shift()) {
        if (effect.kind === 'notification') {
          await deliver(reactor, effect, raw);
          continue;
        }
        const { streamId, command } = effect;
        const handled = await execute(streamId, command);
        const base = { reactor: reactor.name, streamId, type: command.type, commandId: command.metadata.commandId };
        if (E.isRight(handled)) {
          report({
            kind: 'command',
            ...base,
            duplicate: handled.right.duplicate,
            events: handled.right.events.map((event) => event.type),
          });
          continue;
        }
        const error = handled.left;
        if (error.kind === 'domain') {
          if (!(reactor.accepts ?? []).includes(error.code))
            report({ kind: 'refused', ...base, error: { code: error.code, message: error.message } });
          // The reactor said what a refusal means: that instead of the rest (a redelivery refuses alike).
          if (effect.orElse !== undefined) queue.splice(0, queue.length, ...effect.orElse(error));
          continue;
        }
        // Not a business answer (a store refusal, a command the policy built wrong, conflicts without end): try again.
        throw new Error(
          `${reactor.name}: ${command.type} on ${streamId}: ${error.code ?? error.kind}: ${error.message}`,
        );
      }
    };

  const onParked = (name: string) => (raw: Envelope, attempts: number, error: string) =>
    report({ kind: 'parked', consumer: name, eventId: raw.eventId, streamId: raw.streamId, attempts, error });

  const billing = options.subscriptionBilling;
  const defaults = shopReactors({
    settings,
    ...(options.receipts === undefined ? {} : { receipts: options.receipts }),
    ...(billing === undefined ? {} : { subscriptionBilling: billing }),
  });
  const charged =
    options.charge === undefined || billing === false
      ? defaults
      : [...defaults, renewalChargesReactor(options.charge, billing ?? defaultRenewalOrderOptions)];
  const reactors = (options.reactors ?? ((all) => all))(charged);
  for (const reactor of reactors)
    consumers.push(
      createConsumer({
        name: reactor.name,
        kind: 'reactor',
        ...(reactor.filter === undefined ? {} : { filter: reactor.filter }),
        store,
        checkpoints,
        parked: parkedStore,
        clock,
        retry,
        telemetry,
        waiter: backoff,
        stopping: () => stopping,
        handle: reactWith(reactor),
        spanName: 'ordersource.reactor',
        onParked: onParked(reactor.name),
        ...logReader(),
        ...side,
      }),
    );
  // Only a new plan can make a timer due now: the timer worker wakes on plans, not on every append (issue 18).
  const timersDue = createSignal();
  const plannedTimers: TimerStore = {
    ...timers,
    plan: async (streamId, planned) => {
      await timers.plan(streamId, planned);
      // An empty plan only removes timers: nothing new can be due.
      if (planned.length > 0) timersDue.wakeAll();
    },
  };
  const planner = createConsumer({
    name: 'runtime.timer-planner',
    kind: 'timer-planner',
    store,
    checkpoints,
    parked: parkedStore,
    clock,
    retry,
    telemetry,
    waiter: backoff,
    stopping: () => stopping,
    handle: planTimers(decoders, byCategory, plannedTimers),
    spanName: 'ordersource.timer.plan',
    onParked: onParked('runtime.timer-planner'),
    ...logReader(),
    ...side,
  });

  const projectionOptions = () => ({ store, parked: parkedStore, clock, telemetry, ...logReader() });
  const readModels: ReadModels = {
    orders: createProjectionWorker(shopProjections.orders, projectionOptions()),
    history: createProjectionWorker(shopProjections.history, projectionOptions()),
    receiptsRegister: createProjectionWorker(shopProjections.receiptsRegister, projectionOptions()),
    directory: createProjectionWorker(shopProjections.directory, projectionOptions()),
    subscriptions: createProjectionWorker(shopProjections.subscriptions, projectionOptions()),
    reconciliation: createProjectionWorker(shopProjections.reconciliation, projectionOptions()),
  };
  const projectionWorkers = Object.values(readModels) as Consumer[];
  function allConsumers(): readonly Consumer[] {
    return [...consumers, planner, ...projectionWorkers];
  }

  const fire = (): Promise<number> =>
    fireDueTimers({
      timers,
      clock,
      owner: workerId,
      leaseMs: options.timerLeaseMs ?? 30_000,
      limit: 100,
      retry,
      telemetry,
      execute: async (streamId, input) => {
        const handled = await execute(streamId, input);
        return E.isRight(handled)
          ? { ok: true, domain: false }
          : {
              ok: false,
              domain: handled.left.kind === 'domain',
              message: `${handled.left.code ?? handled.left.kind}: ${handled.left.message}`,
            };
      },
      report: (outcome) => report({ kind: 'timer', ...outcome }),
    });

  const runUntilIdle = async (drainOptions: Readonly<{ maxRounds?: number }> = {}): Promise<DrainReport> => {
    const maxRounds = drainOptions.maxRounds ?? 1_000;
    const activities: Activity[] = [];
    const collect = (activity: Activity): void => {
      activities.push(activity);
    };
    listeners.add(collect);
    let rounds = 0;
    let quiet = false;
    try {
      while (rounds < maxRounds && !quiet) {
        rounds++;
        // Another process may have appended since the last round: the round's first read fetches again.
        log?.mark();
        let n = 0;
        for (const consumer of consumers) n += await consumer.pass();
        n += await planner.pass();
        n += await fire();
        quiet = n === 0;
      }
      for (const worker of projectionWorkers) await worker.pass();
    } finally {
      listeners.delete(collect);
    }
    return {
      idle: quiet,
      rounds,
      activities,
      commands: activities.filter((a): a is Extract<Activity, { kind: 'command' }> => a.kind === 'command'),
      refusals: activities.filter((a): a is Extract<Activity, { kind: 'refused' }> => a.kind === 'refused'),
      notifications: activities.flatMap((a) => (a.kind === 'notification' ? [a.out] : [])),
      parked: activities.filter((a): a is Extract<Activity, { kind: 'parked' }> => a.kind === 'parked'),
      timers: activities.filter((a): a is Extract<Activity, { kind: 'timer' }> => a.kind === 'timer'),
    };
  };

  const merge = (reports: readonly DrainReport[]): DrainReport => {
    const pick = <K extends 'activities' | 'commands' | 'refusals' | 'notifications' | 'parked' | 'timers'>(key: K) =>
      reports.flatMap((r) => r[key] as readonly unknown[]) as unknown as DrainReport[K];
    return {
      idle: reports.every((r) => r.idle),
      rounds: reports.reduce((sum, r) => sum + r.rounds, 0),
      activities: pick('activities'),
      commands: pick('commands'),
      refusals: pick('refusals'),
      notifications: pick('notifications'),
      parked: pick('parked'),
      timers: pick('timers'),
    };
  };

  const advance = async (ms: number): Promise<DrainReport> => {
    if (!isVirtualClock(clock))
      throw new Error('advance(ms) needs a virtual clock: createShop({ clock: createVirtualClock(start), ... })');
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0)
      throw new RangeError(`advance(ms): must be a finite number >= 0 (got ${String(ms)})`);
    const target = Date.parse(clock.now()) + ms;
    // Plans made by what is already in the store first, then each due timer at its own time.
    const reports = [await runUntilIdle()];
    for (;;) {
      const next = await timers.nextDue();
      const at = next === undefined ? Number.NaN : Date.parse(next);
      if (!(at <= target)) break;
      if (at > Date.parse(clock.now())) clock.advanceTo(new Date(at).toISOString());
      reports.push(await runUntilIdle());
      // A timer that failed is tried again later; stop here rather than spin on it at this instant.
      const after = await timers.nextDue();
      if (after !== undefined && Date.parse(after) <= at && Date.parse(clock.now()) === at) break;
    }
    clock.advanceTo(new Date(target).toISOString());
    reports.push(await runUntilIdle());
    if (running) {
      idle.wakeAll();
      timersDue.wakeAll();
    }
    return merge(reports);
  };

  const loop = (name: string, work: () => Promise<number>, waiter: Signal = idle): Promise<void> =>
    (async () => {
      while (!stopping) {
        let n = 0;
        // A wake-up given while this worker was busy in its pass is not lost (issue 18).
        const seen = waiter.wakes();
        let failed = false;
        try {
          n = await work();
        } catch (thrown) {
          // The store or a port failed outside any one event (a lost connection): try again after a pause.
          report({ kind: 'worker-error', consumer: name, error: messageOf(thrown) });
          n = 0;
          failed = true;
        }
        if (n === 0 && !stopping && (failed || waiter.wakes() === seen)) await waiter.wait(pollMs);
      }
    })();

  /** Other processes' appends wake nobody here: the shared log fetches again at least once a poll interval. */
  const markLoop = (shared: NonNullable<typeof log>): Promise<void> =>
    (async () => {
      while (!stopping) {
        shared.mark();
        await backoff.wait(pollMs);
      }
    })();

  let finished = false;
  const start = (): void => {
    if (finished) throw new Error('this shop was stopped: create a new one to run its workers again');
    if (running) return;
    running = true;
    stopping = false;
    loops = [
      ...allConsumers().map((consumer) => loop(consumer.name, () => consumer.pass(true))),
      loop('runtime.timers', fire, timersDue),
      ...(log === undefined ? [] : [markLoop(log)]),
    ];
  };

  const stop = async (stopOptions: Readonly<{ timeoutMs?: number }> = {}): Promise<StopReport> => {
    const timeoutMs = stopOptions.timeoutMs ?? 10_000;
    const began = performance.now();
    stopping = true;
    idle.wakeAll();
    timersDue.wakeAll();
    backoff.wakeAll();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const drained = await Promise.race([
      Promise.all(loops).then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    // The running workers saved their checkpoints lazily: save what they handled since.
    if (drained) await Promise.all(allConsumers().map((consumer) => consumer.flush().catch(() => undefined)));
    // Not drained: the work in hand goes on finishing; a later stop() waits for it again.
    if (drained) {
      finished = running || finished;
      running = false;
      loops = [];
      telemetry.close();
    }
    return { drained, waitedMs: Math.round(performance.now() - began) };
  };

  const health = async (): Promise<Health> => {
    const now = clock.now();
    const nowMs = Date.parse(now);
    const statuses: ConsumerStatus[] = [];
    for (const consumer of allConsumers()) {
      await consumer.measureLag();
      statuses.push(consumer.status());
    }
    const all = await timers.list();
    const planned = all.filter((t) => t.status === 'planned');
    const overdue = planned.filter((t) => Date.parse(t.nextAttemptAt) < nowMs - stuckAfterMs);
    const parkedNow = await parkedStore.list();
    const nextDue = await timers.nextDue();
    const stuck: Stuck[] = [
      ...statuses.flatMap((s) =>
        s.failing !== undefined && Date.parse(s.failing.since) < nowMs - stuckAfterMs
          ? [
              {
                what: `consumer ${s.name}`,
                since: s.failing.since,
                detail: `failing on event ${s.failing.eventId} of ${s.failing.streamId} (${s.failing.attempts} attempts): ${s.failing.error}`,
              },
            ]
          : [],
      ),
      ...overdue.map((t) => ({
        what: `timer ${t.key} of ${t.streamId}`,
        since: t.nextAttemptAt,
        detail: `due ${t.at}, ${t.attempts} failed attempts${t.lastError === undefined ? '' : `: ${t.lastError}`}`,
      })),
      ...parkedNow.map((p) => ({
        what: `parked event ${p.eventId} for ${p.consumer}`,
        since: p.parkedAt,
        detail: `${p.streamId} after ${p.attempts} attempts: ${p.error}`,
      })),
    ];
    return {
      status: stopping ? 'stopped' : stuck.length > 0 ? 'degraded' : running ? 'ok' : 'idle',
      running,
      now,
      consumers: statuses,
      timers: {
        planned: planned.length,
        overdue: overdue.length,
        failing: planned.filter((t) => t.attempts > 0).length,
        ...(nextDue === undefined ? {} : { nextDue }),
      },
      outbox: { depth: await outboxDepth() },
      parked: parkedNow,
      stuck,
    };
  };

  const queries = createShopQueries({ store, handlers, readModels, decoders, timers });

  return {
    store: options.store,
    clock,
    settings,
    decoders,
    handlers,
    handlerFor,
    execute,
    reactors,
    readModels,
    queries,
    notifications: outbox,
    timers,
    parked: {
      list: (consumer) => parkedStore.list(consumer),
      retry: async (consumer, eventId) => {
        const retried = await parkedStore.retry(consumer, eventId);
        if (retried && running) idle.wakeAll();
        return retried;
      },
    },
    runUntilIdle,
    drain: runUntilIdle,
    advance,
    start,
    stop,
    health,
    onActivity: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
};

export type { ShopError };
