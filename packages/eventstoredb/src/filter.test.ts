import { describe, expect, it } from 'vitest';
import type { ClientRecordedEvent } from './client.js';
import { NOT_SYSTEM_TYPE, planFilter } from './filter.js';

const recorded = (streamId: string, type: string): ClientRecordedEvent => ({
  streamId,
  type,
  id: '0192f0c2-1234-7abc-8def-0123456789ab',
  revision: 0n,
  created: new Date(0),
  isJson: true,
  data: {},
  metadata: {},
});

describe('filters: the server narrows, the adapter decides exactly', () => {
  it('a stream prefix goes to the server as a literal prefix on the stream name', () => {
    const plan = planFilter({ streamPrefix: 'order-' });
    expect(plan).toMatchObject({ kind: 'server', filter: { filterOn: 'streamName', prefixes: ['order-'] } });
    if (plan.kind !== 'server') return;
    expect(plan.matches(recorded('order-1', 'OrderPlaced'))).toBe(true);
    expect(plan.matches(recorded('payment-1', 'OrderPlaced'))).toBe(false);
  });

  it('prefix and types: the server filters by stream, the types are matched exactly here', () => {
    const plan = planFilter({ streamPrefix: 'order-', eventTypes: ['OrderPlaced'] });
    expect(plan).toMatchObject({ filter: { filterOn: 'streamName', prefixes: ['order-'] } });
    if (plan.kind !== 'server') return;
    expect(plan.matches(recorded('order-1', 'OrderPlaced'))).toBe(true);
    expect(plan.matches(recorded('order-1', 'LineAdded'))).toBe(false);
  });

  it('types alone go as type prefixes, so a longer type the server lets through is refused here', () => {
    const plan = planFilter({ eventTypes: ['OrderPlaced', 'OrderPlaced', 'PaymentCaptured'] });
    expect(plan).toMatchObject({ filter: { filterOn: 'eventType', prefixes: ['OrderPlaced', 'PaymentCaptured'] } });
    if (plan.kind !== 'server') return;
    expect(plan.matches(recorded('x-1', 'OrderPlaced'))).toBe(true);
    expect(plan.matches(recorded('x-1', 'OrderPlacedV2'))).toBe(false);
  });

  it('no filter still keeps the server’s own events out', () => {
    const plan = planFilter(undefined);
    expect(plan).toMatchObject({ filter: { filterOn: 'eventType', regex: NOT_SYSTEM_TYPE } });
    if (plan.kind !== 'server') return;
    expect(new RegExp(NOT_SYSTEM_TYPE).test('$metadata')).toBe(false);
    expect(new RegExp(NOT_SYSTEM_TYPE).test('OrderPlaced')).toBe(true);
    expect(plan.matches(recorded('$stats-127.0.0.1:2113', 'StatsCollected'))).toBe(false);
    expect(plan.matches(recorded('$ce-order', '$>'))).toBe(false);
    expect(plan.matches(recorded('order-1', 'OrderPlaced'))).toBe(true);
  });

  it('an empty type list matches nothing and asks the server nothing', () => {
    expect(planFilter({ eventTypes: [] })).toEqual({ kind: 'nothing' });
  });

  it('the % _ and backslash of a prefix are literal characters', () => {
    const plan = planFilter({ streamPrefix: 'a%b' });
    if (plan.kind !== 'server') throw new Error('expected a server filter');
    expect(plan.matches(recorded('a%b-1', 'T'))).toBe(true);
    expect(plan.matches(recorded('aXb-1', 'T'))).toBe(false);
  });
});
