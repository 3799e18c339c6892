import { metrics, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createInMemoryEventStore, type Envelope, type EventStore } from '@ordersource/core';
import { orderStreamId } from '@ordersource/domain';
import { afterAll, describe, expect, it } from 'vitest';
import { createVirtualClock } from './clock.js';
import type { ShopReactor } from './reactors.js';
import { createShop } from './shop.js';
import { createTelemetry, tracedStore } from './telemetry.js';
import { checkoutData, customer, provider, raw, rub } from './test-support/orders.js';

/**
 * Issue 11, observability: the app installs the OpenTelemetry SDK (here its
 * in-memory exporters, registered globally as an app would); the shop,
 * which only uses `@opentelemetry/api`, reports spans and metrics to it.
 */
const spans = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
const meterProvider = new MeterProvider({ readers: [reader] });
trace.setGlobalTracerProvider(tracerProvider);
metrics.setGlobalMeterProvider(meterProvider);

afterAll(async () => {
  trace.disable();
  metrics.disable();
  await meterProvider.shutdown();
  await tracerProvider.shutdown();
});

const collected = async (): Promise<Map<string, MetricData>> => {
  await reader.forceFlush();
  const out = new Map<string, MetricData>();
  for (const resource of exporter.getMetrics())
    for (const scope of resource.scopeMetrics)
      for (const metric of scope.metrics) out.set(metric.descriptor.name, metric);
  return out;
};

/** A store whose first append of each order stream conflicts, as a concurrent writer would make it. */
const conflictingOnce = (store: EventStore): EventStore => {
  const conflicted = new Set<string>();
  return {
    ...store,
    read: (s, o) => store.read(s, o),
    readAll: (a, o) => store.readAll(a, o),
    subscribe: (a, h, f) => store.subscribe(a, h, f),
    streamVersion: (s) => store.streamVersion(s),
    close: () => store.close(),
    append: async (streamId, events, expected) => {
      if (streamId.startsWith('order-') && expected !== 'no-stream' && !conflicted.has(streamId)) {
        conflicted.add(streamId);
        return {
          _tag: 'Left',
          left: { kind: 'wrong-expected-version', streamId, expected, actual: 99, message: 'conflict' },
        };
      }
      return store.append(streamId, events, expected);
    },
  };
};

describe('OpenTelemetry spans and metrics (issue 11)', () => {
  it('reports handle, append, reactor, projection batch and timer spans; command latency, conflicts, retries, lag, outbox depth and parked events', async () => {
    const poison: ShopReactor = {
      name: 'test.poison',
      filter: { streamPrefix: 'order-', eventTypes: ['OrderPlaced'] },
      react: (_envelope: Envelope) => {
        throw new Error('always fails');
      },
    };
    const clock = createVirtualClock('2026-11-01T10:00:00.000Z');
    const shop = createShop({
      store: conflictingOnce(createInMemoryEventStore()),
      clock,
      retry: { attempts: 2, baseMs: 1, maxMs: 1 },
      reactors: (defaults) => [...defaults, poison],
    });
    const order = orderStreamId('o-1');
    await shop.execute(order, raw('PlaceOrder', checkoutData('o-1', { ipCountry: 'DE' }), customer, clock.now()));
    await shop.execute(
      order,
      raw('AuthorizePayment', { paymentId: 'o-1-pay', amount: rub(7000) }, provider, clock.now()),
    );
    await shop.runUntilIdle();
    await shop.advance(25 * 3_600_000);
    await shop.health();

    const names = new Set(spans.getFinishedSpans().map((span) => span.name));
    for (const name of [
      'ordersource.handle',
      'ordersource.append',
      'ordersource.reactor',
      'ordersource.projection.batch',
      'ordersource.timer',
    ])
      expect(names, name).toContain(name);
    const handle = spans.getFinishedSpans().find((span) => span.name === 'ordersource.handle');
    expect(handle?.attributes).toMatchObject({
      'ordersource.stream.category': 'order',
      'ordersource.command.type': 'PlaceOrder',
    });
    // The poison reactor's failures are recorded on its spans.
    const failed = spans
      .getFinishedSpans()
      .filter((s) => s.name === 'ordersource.reactor' && s.status.code === SpanStatusCode.ERROR);
    expect(failed.length).toBeGreaterThanOrEqual(2);

    const metricsByName = await collected();
    const latency = metricsByName.get('ordersource.command.duration');
    expect(latency?.dataPoints.length).toBeGreaterThan(0);
    const sum = (name: string): number =>
      (metricsByName.get(name)?.dataPoints ?? []).reduce((total, point) => total + (point.value as number), 0);
    expect(sum('ordersource.command.conflicts')).toBeGreaterThanOrEqual(1);
    expect(sum('ordersource.worker.retries')).toBeGreaterThanOrEqual(1);
    const parked = metricsByName
      .get('ordersource.parked.events')
      ?.dataPoints.find((point) => point.attributes['ordersource.consumer'] === 'test.poison');
    expect(parked?.value).toBe(1);
    const lag = metricsByName.get('ordersource.projection.lag')?.dataPoints ?? [];
    expect(lag.length).toBeGreaterThan(0);
    expect(lag.every((point) => point.value === 0)).toBe(true);
    // The order confirmation and the new-order alert wait in the outbox (NOT-1).
    expect(metricsByName.get('ordersource.outbox.depth')?.dataPoints[0]?.value).toBe(shop.notifications.depth());
    expect(shop.notifications.depth()).toBeGreaterThan(0);
  });
});

describe('tracedStore', () => {
  const telemetry = createTelemetry({}, { lag: () => new Map(), outboxDepth: () => 0, parked: () => new Map() });
  it("keeps the store's fold read and causation lookup (issue 18: without them the handler takes the slower read)", async () => {
    const inner = createInMemoryEventStore();
    const rows = [[{ event: { type: 'X', data: {} }, streamId: 's', streamVersion: 0, schemaVersion: 1 }]];
    const withFold: EventStore = {
      ...inner,
      causationIds: (streamId, below) => Promise.resolve(streamId === 's' && below === 2 ? ['c-1', undefined] : []),
      readForFold: (streamId, from) => {
        expect([streamId, from]).toEqual(['s', 0]);
        return (async function* () {
          yield* rows;
        })();
      },
    };
    const traced = tracedStore(withFold, telemetry);
    const seen: unknown[] = [];
    for await (const batch of traced.readForFold!('s', 0)) seen.push(batch);
    expect(seen).toEqual(rows);
    expect(await traced.causationIds!('s', 2)).toEqual(['c-1', undefined]);
    expect(tracedStore(inner, telemetry).readForFold).toBeUndefined();
  });
});
