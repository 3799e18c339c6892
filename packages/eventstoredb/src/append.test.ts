import * as E from 'fp-ts/lib/Either.js';
import { newId, type NewEvent } from '@ordersource/core';
import { describe, expect, it } from 'vitest';
import { appendEvents, replayVerdict, type AppendContext } from './append.js';
import { serverName } from './errors.js';
import { decodeRecorded, encodeEvent } from './metadata.js';
import { CLAIM_EVENT_TYPE, CLAIM_STREAM_PREFIX, claimStreamOf } from './claims.js';
import { planFilter } from './filter.js';
import { appendRules, type AppendRules } from './test-support/append-rules.js';
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

// Labelled for what it is: the append logic against a model of the server's decisions
// (test-support/append-rules.ts), not against a server. The contract suite needs one.
const PATHS = [
  ['eventstoredb', 'absent', 'claim-first (@eventstore/db-client)'],
  ['kurrentdb', 'served', 'atomic multiStreamAppend (KurrentDB >= 25.1)'],
  ['kurrentdb', 'unsupported', 'claim-first after UnsupportedError (KurrentDB < 25.1)'],
] as const;

const contextFor = (rules: AppendRules, dialect: 'eventstoredb' | 'kurrentdb'): AppendContext => {
  let n = 0;
  return {
    client: rules.client,
    dialect,
    server: serverName('esdb://127.0.0.1:2113?tls=false'),
    newAppendId: () => `append-${n++}`,
    newEventId: newId,
    claims: { atomic: typeof rules.client.multiStreamAppend === 'function' },
  };
};

describe.each(PATHS)('append against a model of the server’s append rules (%s, %s: %s)', (dialect, multiStream) => {
  const setup = () => {
    const rules = appendRules(dialect, multiStream);
    return { rules, context: contextFor(rules, dialect) };
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

  it.each(['any', 'no-stream', -1] as const)(
    'the same eventIds on another stream are an idempotency-conflict naming them, and write nothing there (%s)',
    async (expected) => {
      const { rules, context } = setup();
      const first = batch(2);
      await appendEvents(context, 'a', first, 'no-stream');
      const conflict = await appendEvents(context, 'b', first, expected);
      expect(conflict).toMatchObject(E.left({ kind: 'idempotency-conflict', streamId: 'b', eventIds: ids(first) }));
      expect(E.isLeft(conflict) ? conflict.left.message : '').toContain('appended to stream "a"');
      expect(rules.stored('b')).toHaveLength(0);
      expect(rules.stored('a')).toHaveLength(2);
    },
  );

  it('an id of another stream is the conflict even when the expectation is wrong too (as on every store)', async () => {
    const { rules, context } = setup();
    const first = batch(1);
    await appendEvents(context, 'a', first, 'no-stream');
    await appendEvents(context, 'b', batch(1), 'no-stream');
    expect(await appendEvents(context, 'b', first, 'no-stream')).toMatchObject(
      E.left({ kind: 'idempotency-conflict', eventIds: ids(first) }),
    );
    expect(await appendEvents(context, 'b', first, 5)).toMatchObject(E.left({ kind: 'idempotency-conflict' }));
    expect(rules.stored('b')).toHaveLength(1);
  });

  it('one stored id among new ones on another stream is a conflict naming only that id', async () => {
    const { rules, context } = setup();
    const first = batch(2);
    await appendEvents(context, 'a', first, 'no-stream');
    const mixed = [event(), first[1]!];
    expect(await appendEvents(context, 'b', mixed, 'any')).toMatchObject(
      E.left({ kind: 'idempotency-conflict', eventIds: [first[1]!.eventId] }),
    );
    expect(rules.stored('b')).toHaveLength(0);
  });

  it('two streams racing for one new batch: one stores it, the other gets the conflict', async () => {
    const { rules, context } = setup();
    const contested = batch(2);
    const outcomes = await Promise.all([
      appendEvents(context, 'a', contested, 'any'),
      appendEvents(context, 'b', contested, 'no-stream'),
    ]);
    expect(outcomes.filter(E.isRight)).toHaveLength(1);
    expect(outcomes.filter(E.isLeft).map((o) => (E.isLeft(o) ? o.left.kind : ''))).toEqual(['idempotency-conflict']);
    expect(rules.stored('a').length + rules.stored('b').length).toBe(2);
  });

  it('every eventId is claimed for its stream, and readers never see the claims as events', async () => {
    const { rules, context } = setup();
    const first = batch(2);
    await appendEvents(context, 's', first, 'no-stream');
    const claims = rules.streams().filter((name) => name.startsWith(CLAIM_STREAM_PREFIX));
    expect(claims.sort()).toEqual(first.map((e) => claimStreamOf(e.eventId)).sort());
    for (const name of claims) {
      const [claim] = rules.stored(name);
      expect(claim).toMatchObject({ type: CLAIM_EVENT_TYPE, data: { streamId: 's' } });
      const plan = planFilter(undefined);
      expect(plan.kind === 'server' && plan.matches(asRecorded(name, claim!, 0n, { commit: 1n, prepare: 1n }))).toBe(
        false,
      );
    }
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

describe('claim-first (the fallback): an append cut off after its claims converges on retry', () => {
  it('the retry of the same batch writes it once; its ids stay this stream’s', async () => {
    const rules = appendRules('eventstoredb', 'absent');
    const context = contextFor(rules, 'eventstoredb');
    const first = batch(2);
    rules.dropNextAppendTo('s');
    await expect(appendEvents(context, 's', first, 'no-stream')).rejects.toMatchObject({ kind: 'unavailable' });
    expect(rules.stored('s')).toHaveLength(0);
    expect(rules.stored(claimStreamOf(first[0]!.eventId))).toHaveLength(1);
    const retried = await appendEvents(context, 's', first, 'no-stream');
    expect(retried).toEqual(
      E.right({ streamId: 's', firstVersion: 0, nextExpectedVersion: 1, lastPosition: 'C:1001/P:1001' }),
    );
    expect(await appendEvents(context, 's', first, 'any')).toEqual(retried);
    expect(rules.stored('s')).toHaveLength(2);
    expect(rules.stored(claimStreamOf(first[0]!.eventId))).toHaveLength(1);
  });

  it('a batch refused for its expectation leaves claims the same stream may use with a re-decided batch', async () => {
    const rules = appendRules('eventstoredb', 'absent');
    const context = contextFor(rules, 'eventstoredb');
    await appendEvents(context, 's', batch(1), 'no-stream');
    const redecided = batch(2);
    expect(await appendEvents(context, 's', redecided, 'no-stream')).toMatchObject(
      E.left({ kind: 'wrong-expected-version', actual: 0 }),
    );
    expect(await appendEvents(context, 's', [redecided[0]!], 0)).toMatchObject(E.right({ firstVersion: 1 }));
    // The documented price of claiming first: the left-over claim keeps the other id for "s".
    expect(await appendEvents(context, 't', [redecided[1]!], 'no-stream')).toMatchObject(
      E.left({ kind: 'idempotency-conflict' }),
    );
  });
});

describe('atomic claims (multiStreamAppend)', () => {
  it('claims and events go in one call; a server without it is asked once, then claims come first', async () => {
    const served = appendRules('kurrentdb', 'served');
    const atomic = contextFor(served, 'kurrentdb');
    await appendEvents(atomic, 's', batch(3), 'no-stream');
    expect(served.multiStreamAppends()).toBe(1);
    expect(served.appends()).toBe(1);

    const old = appendRules('kurrentdb', 'unsupported');
    const fallback = contextFor(old, 'kurrentdb');
    await appendEvents(fallback, 's', batch(2), 'no-stream');
    await appendEvents(fallback, 's', batch(2), 1);
    expect(old.multiStreamAppends()).toBe(1);
    expect(fallback.claims.atomic).toBe(false);
    expect(old.stored('s')).toHaveLength(4);
  });

  it('a refused atomic append writes neither the events nor the claims', async () => {
    const rules = appendRules('kurrentdb', 'served');
    const context = contextFor(rules, 'kurrentdb');
    await appendEvents(context, 's', batch(1), 'no-stream');
    const refused = batch(2);
    expect(await appendEvents(context, 's', refused, 'no-stream')).toMatchObject(
      E.left({ kind: 'wrong-expected-version' }),
    );
    expect(rules.stored(claimStreamOf(refused[0]!.eventId))).toHaveLength(0);
    expect(await appendEvents(context, 't', refused, 'no-stream')).toMatchObject(E.right({ firstVersion: 0 }));
  });
});
