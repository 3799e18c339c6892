import {
  metrics,
  SpanStatusCode,
  trace,
  type Attributes,
  type Counter,
  type Histogram,
  type Meter,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import type { EventStore } from '@ordersource/core';
import { streamCategory } from './streams.js';

/**
 * OpenTelemetry through `@opentelemetry/api` only: a no-op until the app
 * registers an SDK (the API's global providers are proxies, so an SDK
 * registered after the shop was made still receives everything).
 *
 * Spans: `ordersource.handle` (one command), `ordersource.append` (one store
 * append), `ordersource.reactor` (one event through one reactor),
 * `ordersource.projection.batch` (one batch folded into a read model),
 * `ordersource.timer` (one timer fired).
 * Metrics: `ordersource.command.duration` (ms), `ordersource.command.conflicts`,
 * `ordersource.worker.retries`, `ordersource.projection.lag` (events),
 * `ordersource.outbox.depth`, `ordersource.parked.events`.
 */

export const INSTRUMENTATION_NAME = '@ordersource/runtime';

/** What the observable gauges read when the SDK collects. */
export type GaugeSource = Readonly<{
  /** Events after each consumer's checkpoint, by consumer name (as last measured). */
  lag: () => ReadonlyMap<string, number>;
  outboxDepth: () => number | Promise<number>;
  /** Parked events by consumer. */
  parked: () => ReadonlyMap<string, number>;
}>;

export type Telemetry = Readonly<{
  tracer: Tracer;
  commandDuration: Histogram;
  conflicts: Counter;
  retries: Counter;
  /** Run `work` in a span; the span ends when it settles, with an error status when it throws. */
  inSpan: <T>(name: string, attributes: Attributes, work: (span: Span) => Promise<T>) => Promise<T>;
  /** Stop reporting the gauges (on `stop()`). */
  close: () => void;
}>;

export type TelemetryOptions = Readonly<{ tracer?: Tracer; meter?: Meter }>;

export const createTelemetry = (options: TelemetryOptions, gauges: GaugeSource): Telemetry => {
  const tracer = options.tracer ?? trace.getTracer(INSTRUMENTATION_NAME);
  const meter = options.meter ?? metrics.getMeter(INSTRUMENTATION_NAME);
  const commandDuration = meter.createHistogram('ordersource.command.duration', {
    description: 'Time to handle one command, from decode to append',
    unit: 'ms',
  });
  const conflicts = meter.createCounter('ordersource.command.conflicts', {
    description: 'Appends refused because another writer changed the stream first (the handler retries them)',
  });
  const retries = meter.createCounter('ordersource.worker.retries', {
    description: 'Reactor, projection and timer attempts that failed and were tried again',
  });
  const lag = meter.createObservableGauge('ordersource.projection.lag', {
    description: 'Events committed after a consumer checkpoint',
    unit: '{event}',
  });
  const outbox = meter.createObservableGauge('ordersource.outbox.depth', {
    description: 'Notifications decided but not yet taken for delivery',
    unit: '{notification}',
  });
  const parked = meter.createObservableGauge('ordersource.parked.events', {
    description: 'Poison events parked per consumer, waiting for an operator',
    unit: '{event}',
  });
  const observe = (
    result: { observe: (value: number, attributes?: Attributes) => void },
    values: ReadonlyMap<string, number>,
  ) => {
    for (const [consumer, value] of values) result.observe(value, { 'ordersource.consumer': consumer });
  };
  const onLag = (result: Parameters<Parameters<typeof lag.addCallback>[0]>[0]) => observe(result, gauges.lag());
  const onOutbox = async (result: Parameters<Parameters<typeof outbox.addCallback>[0]>[0]) =>
    result.observe(await gauges.outboxDepth());
  const onParked = (result: Parameters<Parameters<typeof parked.addCallback>[0]>[0]) =>
    observe(result, gauges.parked());
  lag.addCallback(onLag);
  outbox.addCallback(onOutbox);
  parked.addCallback(onParked);

  return {
    tracer,
    commandDuration,
    conflicts,
    retries,
    inSpan: (name, attributes, work) =>
      tracer.startActiveSpan(name, { attributes }, async (span) => {
        try {
          return await work(span);
        } catch (thrown) {
          span.recordException(thrown instanceof Error ? thrown : String(thrown));
          span.setStatus({
            code: SpanStatusCode.ERROR,
            message: thrown instanceof Error ? thrown.message : String(thrown),
          });
          throw thrown;
        } finally {
          span.end();
        }
      }),
    close: () => {
      lag.removeCallback(onLag);
      outbox.removeCallback(onOutbox);
      parked.removeCallback(onParked);
    },
  };
};

/**
 * The store with a span around every append and a conflict counter. Other
 * methods pass straight through (the handler's reads are not traced one by one),
 * the optional ones only where the store has them: a handler folds a cache miss
 * with `readForFold` and looks up commands older than a snapshot's window with
 * `causationIds` when they are there, and with the slower `read` when not.
 */
export const tracedStore = (store: EventStore, telemetry: Telemetry): EventStore => ({
  ...(store.readForFold === undefined
    ? {}
    : { readForFold: (streamId: string, from: number) => store.readForFold!(streamId, from) }),
  ...(store.causationIds === undefined
    ? {}
    : { causationIds: (streamId: string, below: number) => store.causationIds!(streamId, below) }),
  append: (streamId, events, expected) =>
    telemetry.inSpan(
      'ordersource.append',
      { 'ordersource.stream.id': streamId, 'ordersource.append.events': events.length },
      async (span) => {
        const result = await store.append(streamId, events, expected);
        if (result._tag === 'Left') {
          span.setAttribute('ordersource.append.refused', result.left.kind);
          if (result.left.kind === 'wrong-expected-version')
            telemetry.conflicts.add(1, { 'ordersource.stream.category': streamCategory(streamId) });
        }
        return result;
      },
    ),
  read: (streamId, options) => store.read(streamId, options),
  readAll: (after, options) => store.readAll(after, options),
  subscribe: (after, handler, filter) => store.subscribe(after, handler, filter),
  streamVersion: (streamId) => store.streamVersion(streamId),
  close: () => store.close(),
});
