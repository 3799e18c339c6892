import fc from 'fast-check';
import { newId, type Actor, type NewEvent } from '@ordersource/core';
import { describe, expect, it } from 'vitest';
import { serverEventId } from './event-id.js';
import { decodeRecorded, encodeEvent, appendProblem } from './metadata.js';
import { asRecorded } from './test-support/recorded.js';

const actorArb: fc.Arbitrary<Actor> = fc.record(
  {
    kind: fc.constantFrom('admin', 'customer', 'system', 'provider'),
    id: fc.string({ minLength: 1 }).filter((s) => s.trim().length > 0),
    companyId: fc.string({ minLength: 1 }).filter((s) => s.trim().length > 0),
    name: fc.string(),
  },
  { requiredKeys: ['kind', 'id'] },
);

const newEventArb: fc.Arbitrary<NewEvent> = fc.record(
  {
    event: fc.record({ type: fc.stringMatching(/^[A-Z][A-Za-z]{0,20}$/), data: fc.jsonValue() }),
    eventId: fc.oneof(
      fc.constant(undefined).map(() => newId()),
      fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim().length > 0),
    ),
    occurredAt: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    actor: actorArb,
    causationId: fc.string({ minLength: 1 }),
    correlationId: fc.string({ minLength: 1 }),
    schemaVersion: fc.integer({ min: 1, max: 50 }),
  },
  { requiredKeys: ['event', 'eventId', 'occurredAt', 'actor'] },
);

const mark = { append: 'a1b2', index: 0, size: 1 };
const at = { commit: 2n ** 60n, prepare: 2n ** 60n + 7n };

describe('envelope metadata in an EventStoreDB event', () => {
  it('every envelope field round-trips through what the server stores and the client parses', () => {
    fc.assert(
      fc.property(newEventArb, fc.bigInt({ min: 0n, max: 2n ** 40n }), (input, revision) => {
        const written = encodeEvent(input, mark);
        const { envelope, mark: readMark } = decodeRecorded(asRecorded('order-1', written, revision, at));
        expect(readMark).toEqual(mark);
        expect(envelope).toStrictEqual({
          event: { type: input.event.type, data: JSON.parse(JSON.stringify(input.event.data)) as unknown },
          eventId: input.eventId,
          streamId: 'order-1',
          streamVersion: Number(revision),
          globalPosition: `C:${at.commit}/P:${at.prepare}`,
          occurredAt: input.occurredAt,
          recordedAt: '2026-12-01T10:00:00.123Z',
          ...(input.causationId === undefined ? {} : { causationId: input.causationId }),
          ...(input.correlationId === undefined ? {} : { correlationId: input.correlationId }),
          // (arbitraries make null-prototype objects; JSON gives plain ones)
          actor: JSON.parse(JSON.stringify(input.actor)) as unknown,
          schemaVersion: input.schemaVersion ?? 1,
        });
        // No bigint is left for JSON to choke on.
        expect(() => JSON.stringify(envelope)).not.toThrow();
      }),
      { numRuns: 1_000 },
    );
  });

  it("causation and correlation use the server's $causationId / $correlationId keys", () => {
    const written = encodeEvent(
      {
        event: { type: 'OrderPlaced', data: { orderId: 'o-1' } },
        eventId: newId(),
        occurredAt: '2026-11-24T10:00:00.000Z',
        actor: { kind: 'admin', id: 'ann' },
        causationId: 'cmd-1',
        correlationId: 'corr-1',
      },
      mark,
    );
    expect(written.metadata).toMatchObject({ $causationId: 'cmd-1', $correlationId: 'corr-1', schemaVersion: '1' });
    expect(written.contentType).toBe('application/json');
  });

  it('metadata is flat strings (multiStreamAppend refuses anything else), and the server’s $schema keys are ignored', () => {
    fc.assert(
      fc.property(newEventArb, (input) => {
        const written = encodeEvent(input, mark);
        expect(Object.values(written.metadata).every((value) => typeof value === 'string')).toBe(true);
        // How KurrentDB hands back an event a multiStreamAppend wrote: its properties plus $schema.*.
        const viaProperties = {
          ...asRecorded('order-1', written, 0n, at),
          metadata: { ...written.metadata, '$schema.format': 'Json', '$schema.name': input.event.type },
        };
        expect(decodeRecorded(viaProperties)).toEqual(decodeRecorded(asRecorded('order-1', written, 0n, at)));
      }),
      { numRuns: 1_000 },
    );
  });

  it('a kernel uuid is the server event id; any other id maps to a stable uuid and is kept in metadata', () => {
    const uuid = newId();
    expect(serverEventId(uuid)).toBe(uuid);
    const odd = `${uuid}'"; --`;
    expect(serverEventId(odd)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(serverEventId(odd)).toBe(serverEventId(odd));
    expect(serverEventId(uuid.toUpperCase())).not.toBe(uuid.toUpperCase());
    const written = encodeEvent(
      { event: { type: 'T', data: {} }, eventId: odd, occurredAt: 'x', actor: { kind: 'system', id: 's' } },
      mark,
    );
    expect(written.metadata['eventId']).toBe(odd);
  });

  it('a stored event whose metadata is not ours fails with stream, revision and field named', () => {
    const written = encodeEvent(
      { event: { type: 'T', data: {} }, eventId: newId(), occurredAt: 'x', actor: { kind: 'system', id: 's' } },
      mark,
    );
    const broken = {
      ...asRecorded('order-7', written, 3n, at),
      metadata: { ...written.metadata, actor: JSON.stringify({ kind: 'robot' }) },
    };
    expect(() => decodeRecorded(broken)).toThrow(
      expect.objectContaining({ kind: 'decode', streamId: 'order-7', revision: '3', field: 'metadata.actor.kind' }),
    );
    expect(() => decodeRecorded(broken)).toThrow(/stream "order-7" revision 3/);
    expect(() => decodeRecorded({ ...asRecorded('order-7', written, 3n, at), metadata: undefined })).toThrow(
      expect.objectContaining({ kind: 'decode' }),
    );
    for (const [field, value] of [
      ['schemaVersion', '1.5'],
      ['schemaVersion', '01'],
      ['ordersource', '{"append":"a","index":-1,"size":1}'],
      ['ordersource', 'not json'],
      ['actor', '{"kind":"admin"}'],
    ] as const)
      expect(() =>
        decodeRecorded({
          ...asRecorded('order-7', written, 3n, at),
          metadata: { ...written.metadata, [field]: value },
        }),
      ).toThrow(
        expect.objectContaining({ kind: 'decode', field: expect.stringContaining(`metadata.${field}`) as unknown }),
      );
    expect(() => decodeRecorded({ ...asRecorded('order-7', written, 3n, at), isJson: false })).toThrow(
      expect.objectContaining({ kind: 'decode', field: 'data' }),
    );
  });

  it('refuses system stream names and event types before anything is sent', () => {
    const event: NewEvent = {
      event: { type: 'T', data: {} },
      eventId: newId(),
      occurredAt: '2026-11-24T10:00:00Z',
      actor: { kind: 'system', id: 's' },
    };
    expect(appendProblem('$settings', [event], 'any')).toMatchObject({ path: 'streamId', rule: 'one-of' });
    expect(appendProblem('order-1', [{ ...event, event: { type: '$>', data: {} } }], 'any')).toMatchObject({
      path: 'events[0].event.type',
    });
    expect(appendProblem('order-1', [event], 'any')).toBeUndefined();
    // The port's own checks come first, with their paths and rules.
    expect(appendProblem('order-1', [], 'any')).toMatchObject({ rule: 'blank' });
  });
});
