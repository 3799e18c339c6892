import * as E from 'fp-ts/lib/Either.js';
import { newId, type NewEvent } from '@ordersource/core';
import { describe, expect, it } from 'vitest';
import { appendEvents, replayVerdict, type AppendContext } from './append.js';
import { serverName } from './errors.js';
import { decodeRecorded, encodeEvent } from './metadata.js';
import { appendRules } from './test-support/append-rules.js';
import { asRecorded } from './test-support/recorded.js';

const event = (type = 'Happened'): NewEvent => ({
  event: { type, data: {} },
  eventId: newId(),
  occurredAt: '2026-11-24T10:00:00.000Z',
  actor: { kind: 'system', id: 'test' },
});
const batch = (n: number): NewEvent[] => Array.from({ length: n }, () => event());
const ids = (events: readonly NewEvent[]) => events.map((e) => e.eventId);

/** Stored events of two batches, [a, b] then [c], as the server would return them. */
const storedOf = (...batches: NewEvent[][]) => {
  let revision = 0n;
  return batches.flatMap((written, b) =>
    written.map((input, index) =>
      decodeRecorded(
        asRecorded('s', encodeEvent(input, { append: `w${b}`, index, size: written.length }), revision++, {
          commit: revision,
          prepare: revision,
        }),
      ),
    ),
  );
};

describe('replayVerdict: the exact stored batch is a replay, any other overlap a conflict', () => {
  const first = batch(2);
  const second = batch(1);
  const stored = storedOf(first, second);

  it('the same batch is a replay with its original result', () => {
    expect(replayVerdict('s', ids(first), stored)).toEqual({
      kind: 'replay',
      result: { streamId: 's', firstVersion: 0, nextExpectedVersion: 1, lastPosition: 'C:2/P:2' },
    });
    expect(replayVerdict('s', ids(second), stored)).toMatchObject({ kind: 'replay', result: { firstVersion: 2 } });
  });

  it.each([
    ['a subset', () => [first[0]!.eventId]],
    ['a reordering', () => [first[1]!.eventId, first[0]!.eventId]],
    ['a stored id with a new one', () => [first[1]!.eventId, newId()]],
    ['ids of two batches', () => [first[1]!.eventId, second[0]!.eventId]],
    ['a superset', () => [...ids(first), newId()]],
  ])('%s is a conflict naming the stored ids', (_, make) => {
    const wanted = make();
    const verdict = replayVerdict('s', wanted, stored);
    expect(verdict.kind).toBe('conflict');
    expect(verdict.kind === 'conflict' ? verdict.eventIds : []).toEqual(
      wanted.filter((id) => ids([...first, ...second]).includes(id)),
    );
  });

  it('ids not stored are new', () => {
    expect(replayVerdict('s', ids(batch(2)), stored)).toEqual({ kind: 'new' });
  });
});

describe.each(['eventstoredb', 'kurrentdb'] as const)('append against the server’s append rules (%s)', (dialect) => {
  const setup = () => {
    const rules = appendRules(dialect);
    let n = 0;
    const context: AppendContext = {
      client: rules.client,
      dialect,
      server: serverName('esdb://127.0.0.1:2113?tls=false'),
      newAppendId: () => `append-${n++}`,
    };
    return { rules, context };
  };

  it("'any' never reaches the server as 'any': a replay after the server forgot the ids writes nothing", async () => {
    const { rules, context } = setup();
    const first = batch(3);
    const result = await appendEvents(context, 's', first, 'any');
    expect(result).toEqual(
      E.right({ streamId: 's', firstVersion: 0, nextExpectedVersion: 2, lastPosition: 'C:1002/P:1002' }),
    );
    rules.forget(); // a restart: the server's recent-ids cache is empty
    expect(await appendEvents(context, 's', first, 'any')).toEqual(result);
    expect(await appendEvents(context, 's', first, 'exists')).toEqual(result);
    expect(rules.stored('s')).toHaveLength(3);
  });

  it('an exact replay the server acknowledges without writing returns the first result', async () => {
    const { rules, context } = setup();
    const first = batch(2);
    const result = await appendEvents(context, 's', first, 'no-stream');
    expect(await appendEvents(context, 's', first, 'no-stream')).toEqual(result);
    expect(rules.stored('s')).toHaveLength(2);
  });

  it('a subset the server would acknowledge (its ids match at their revisions) is still a conflict', async () => {
    const { rules, context } = setup();
    const first = batch(2);
    await appendEvents(context, 's', first, 'no-stream');
    const subset = await appendEvents(context, 's', [first[0]!], 'no-stream');
    expect(subset).toMatchObject(E.left({ kind: 'idempotency-conflict', eventIds: [first[0]!.eventId] }));
    expect(rules.stored('s')).toHaveLength(2);
  });

  it('a replay carrying a stale expectation after later appends returns its original result', async () => {
    const { context } = setup();
    const first = batch(2);
    const result = await appendEvents(context, 's', first, 'no-stream');
    await appendEvents(context, 's', batch(2), 1);
    expect(await appendEvents(context, 's', first, 1)).toEqual(result);
    expect(await appendEvents(context, 's', first, 0)).toEqual(result);
  });

  it('a real conflict is a wrong-expected-version with the actual version', async () => {
    const { context } = setup();
    await appendEvents(context, 's', batch(2), 'no-stream');
    expect(await appendEvents(context, 's', batch(1), 'no-stream')).toMatchObject(
      E.left({ kind: 'wrong-expected-version', expected: 'no-stream', actual: 1 }),
    );
    expect(await appendEvents(context, 's', batch(1), 5)).toMatchObject(
      E.left({ kind: 'wrong-expected-version', expected: 5, actual: 1 }),
    );
    expect(await appendEvents(context, 's-none', batch(1), 'exists')).toMatchObject(
      E.left({ kind: 'wrong-expected-version', expected: 'exists', actual: -1 }),
    );
  });

  it("concurrent 'any' writers all land, each batch whole and once", async () => {
    const { rules, context } = setup();
    const batches = Array.from({ length: 8 }, () => batch(3));
    const outcomes = await Promise.all(batches.map((b) => appendEvents(context, 's', b, 'any')));
    expect(outcomes.every(E.isRight)).toBe(true);
    const stored = rules.stored('s').map((e) => e.id);
    expect(stored).toHaveLength(24);
    for (const b of batches) {
      const start = stored.indexOf(b[0]!.eventId);
      expect(stored.slice(start, start + 3)).toEqual(ids(b));
    }
  });

  it('a malformed batch is refused before the server is asked', async () => {
    const { rules, context } = setup();
    expect(await appendEvents(context, 's', [], 'any')).toMatchObject(E.left({ kind: 'invalid-append' }));
    expect(rules.appends()).toBe(0);
  });
});
