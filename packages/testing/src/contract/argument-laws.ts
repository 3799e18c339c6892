import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { AppendError, AppendResult, Envelope, NewEvent, Subscription } from '@ordersource/core';
import { hostileArb } from '../hostile-input.js';
import { refusalOf, within, type Refusal } from './invalid-arguments.js';
import { collect, mine, newEvent, right, type FeatureContext } from './support.js';

/**
 * The fuzz laws of issue 8 for every store method: given arbitrary arguments
 * (fast-check's anything, hostile shapes: NaN, -0, 1e400, 2^53, BigInt, NUL,
 * lone surrogates, `__proto__` keys, a 5 MB string, 100k-deep nesting, cycles,
 * throwing getters and proxies) a method never throws synchronously, settles
 * within a timeout, refuses with a typed value naming the argument, and an
 * append that is refused writes nothing. A restatement of the rules (the
 * oracles below) says which arguments are valid: those are never refused.
 */

const TIMEOUT_MS = 10_000;

// ---------------------------------------------------------------- oracles: the rules, restated

const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const encoder = new TextEncoder();
const storableText = (value: unknown): value is string =>
  typeof value === 'string' && !value.includes('\u0000') && !LONE.test(value);
const validId = (value: unknown): boolean =>
  storableText(value) && value.trim() !== '' && encoder.encode(value).length <= 1024;
const count = (value: unknown): boolean => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** Options: absent, or a non-array object whose keys all have rules that hold (undefined counts as absent). */
const validOptions = (value: unknown, rules: Readonly<Record<string, (item: unknown) => boolean>>): boolean => {
  try {
    if (value === undefined) return true;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    for (const key in value) {
      const item = (value as Record<string, unknown>)[key];
      if (!Object.hasOwn(rules, key)) return false;
      if (item !== undefined && !(rules[key] as (item: unknown) => boolean)(item)) return false;
    }
    return true;
  } catch {
    return false;
  }
};
const validTypes = (value: unknown) => Array.isArray(value) && Array.from(value).every(storableText);
const FILTER = { streamPrefix: storableText, eventTypes: validTypes };
const READ = { direction: (v: unknown) => v === 'forwards' || v === 'backwards', from: count, limit: count };
const READ_ALL = { ...FILTER, limit: count };

// ---------------------------------------------------------------- arbitraries

/** Mostly valid, sometimes hostile: so that valid calls reach storage too. */
const maybe = <A>(valid: fc.Arbitrary<A>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: hostileArb() });

const ISO = fc
  .date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2999-12-31T23:59:59Z'), noInvalidDate: true })
  .map((date) => date.toISOString());
const jsonData = fc.jsonValue().map((value) => JSON.parse(JSON.stringify(value)) as unknown);
const actorArb = fc.record(
  {
    kind: fc.constantFrom('admin', 'customer', 'system', 'provider'),
    id: fc.string({ minLength: 1, maxLength: 8 }).map((id) => `a${id}`),
    name: fc.string({ maxLength: 8 }),
  },
  { requiredKeys: ['kind', 'id'] },
);
const typeArb = fc.string({ minLength: 1, maxLength: 12 }).map((type) => `T${type}`);

/** A NewEvent whose every field may be hostile. */
const fuzzedEvent = fc.record(
  {
    event: maybe(fc.record({ type: maybe(typeArb), data: maybe(jsonData) })),
    eventId: maybe(fc.uuid()),
    occurredAt: maybe(ISO),
    actor: maybe(actorArb),
    causationId: maybe(fc.uuid()),
    schemaVersion: maybe(fc.integer({ min: 1, max: 5 })),
  },
  { requiredKeys: ['event', 'eventId', 'occurredAt', 'actor'] },
);

const readOptionsArb = maybe(
  fc.record(
    {
      direction: maybe(fc.constantFrom('forwards', 'backwards')),
      from: maybe(fc.nat(20)),
      limit: maybe(fc.nat(20)),
    },
    { requiredKeys: [] },
  ),
);

// Values JSON cannot keep, each placed somewhere in otherwise valid data.
const cyclic = (): unknown => {
  const node: Record<string, unknown> = { x: 1 };
  node['self'] = node;
  return node;
};
let deep: unknown = 0;
for (let i = 0; i < 100_000; i++) deep = [deep];
const BAD_DATA: readonly unknown[] = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  10n,
  undefined,
  () => 1,
  Symbol('x'),
  new Date(0),
  new Map(),
  new Set([1]),
  new Uint8Array(2),
  'nul\u0000',
  '\ud800',
  `${'x'.repeat(5_000_000)}\u0000`,
  cyclic(),
  deep,
];
const BAD_IDS: readonly unknown[] = [
  '',
  ' \t',
  '\u0000',
  'a\u0000b',
  '\udc00x',
  'x'.repeat(5_000_000),
  7,
  10n,
  null,
  {},
];
const BAD_INSTANTS: readonly unknown[] = ['', 'now', '2026-02-30T00:00:00Z', '2026-11-24', Number.NaN, new Date(0)];
const BAD_ACTORS: readonly unknown[] = [
  null,
  [],
  'admin',
  { kind: 'robot', id: 'r' },
  { kind: 'admin' },
  { kind: 'admin', id: 'a', x: 1 },
];
const BAD_VERSIONS: readonly unknown[] = [0, -1, Number.NaN, 1.5, 2 ** 31, '1', null];
const BAD_EXPECTED: readonly unknown[] = [
  -2,
  Number.NaN,
  1.5,
  2 ** 31,
  Number.POSITIVE_INFINITY,
  '1',
  'maybe',
  null,
  {},
];

type Segment = string | number;
/** Wraps `bad` in containers along `segments`, returning the data and the path to `bad`. */
const plant = (bad: unknown, segments: readonly Segment[]): [unknown, string] => {
  let value = bad;
  for (let i = segments.length - 1; i >= 0; i--) {
    const segment = segments[i] as Segment;
    value =
      typeof segment === 'number'
        ? [...Array.from({ length: segment }, (_, k) => k), value]
        : { ok: true, [segment]: value };
  }
  const path = segments.map((segment) => (typeof segment === 'number' ? `[${segment}]` : `.${segment}`)).join('');
  return [value, path];
};

type Planted = Readonly<{ batch: unknown[]; streamId?: unknown; expected?: unknown; path: string }>;

/** A valid batch of 1-4 events with exactly one bad value at a known place. */
const plantedArb = (stream: () => string): fc.Arbitrary<Planted> =>
  fc
    .record({
      size: fc.integer({ min: 1, max: 4 }),
      at: fc.nat(3),
      where: fc.constantFrom(
        'data',
        'eventId',
        'type',
        'occurredAt',
        'actor',
        'causationId',
        'schemaVersion',
        'extra',
        'streamId',
        'expected',
      ),
      segments: fc.array(fc.oneof(fc.nat(3), fc.constantFrom('a', 'lines', 'qty', 'b_2')), { maxLength: 4 }),
      data: fc.constantFrom(...BAD_DATA),
      id: fc.constantFrom(...BAD_IDS),
      instant: fc.constantFrom(...BAD_INSTANTS),
      actor: fc.constantFrom(...BAD_ACTORS),
      version: fc.constantFrom(...BAD_VERSIONS),
      expected: fc.constantFrom(...BAD_EXPECTED),
      extraKey: fc.constantFrom('extra', '__proto__', 'eventID', 'data', 'type'),
    })
    .map(({ size, at, where, segments, data, id, instant, actor, version, expected, extraKey }): Planted => {
      const batch: Record<string, unknown>[] = Array.from({ length: size }, (_, i) => ({
        ...newEvent('Fuzzed', { i }),
      }));
      const i = at % size;
      const target = batch[i] as Record<string, unknown>;
      const here = `events[${i}]`;
      switch (where) {
        case 'data': {
          const [planted, path] = plant(data, segments);
          target['event'] = { type: 'Fuzzed', data: planted };
          return { batch, path: `${here}.event.data${path}` };
        }
        case 'eventId':
          target['eventId'] = id;
          return { batch, path: `${here}.eventId` };
        case 'type':
          target['event'] = { type: id, data: {} };
          return { batch, path: `${here}.event.type` };
        case 'occurredAt':
          target['occurredAt'] = instant;
          return { batch, path: `${here}.occurredAt` };
        case 'actor':
          target['actor'] = actor;
          return { batch, path: `${here}.actor` };
        case 'causationId':
          target['causationId'] = id;
          return { batch, path: `${here}.causationId` };
        case 'schemaVersion':
          target['schemaVersion'] = version;
          return { batch, path: `${here}.schemaVersion` };
        case 'extra':
          Object.defineProperty(target, extraKey === 'data' || extraKey === 'type' ? `${extraKey}_` : extraKey, {
            value: 1,
            enumerable: true,
            writable: true,
            configurable: true,
          });
          return { batch, path: here };
        case 'streamId':
          return { batch, streamId: id, path: 'streamId' };
        default:
          return { batch, streamId: stream(), expected, path: 'expected' };
      }
    });

// ---------------------------------------------------------------- calling a method the way a law needs

type Call<A> = { value: A } | { error: unknown };

/** Calls `method`, failing on a synchronous throw, and waits for the promise at most TIMEOUT_MS. */
const settle = async <A>(what: string, method: () => Promise<A>): Promise<Call<A>> => {
  let promise: Promise<A>;
  try {
    promise = method();
  } catch (error) {
    throw new Error(`${what} threw synchronously: ${String(error)}`);
  }
  return within(
    promise.then(
      (value): Call<A> => ({ value }),
      (error: unknown): Call<A> => ({ error }),
    ),
    TIMEOUT_MS,
    what,
  );
};

/** Reads the first envelope (or the end, or the refusal) of a read. */
const firstStep = async (what: string, call: () => AsyncIterable<Envelope>): Promise<Call<boolean>> => {
  let iterable: AsyncIterable<Envelope>;
  try {
    iterable = call();
  } catch (error) {
    throw new Error(`${what} threw synchronously: ${String(error)}`);
  }
  const iterator = iterable[Symbol.asyncIterator]();
  const step = await settle(what, () => iterator.next());
  if ('value' in step && step.value.done !== true) await iterator.return?.();
  return 'value' in step ? { value: step.value.done !== true } : step;
};

/** The arguments' roots a refusal may name for each method. */
const ROOTS = {
  append: ['streamId', 'events', 'expected', 'arguments'],
  read: ['streamId', 'options', 'arguments'],
  readAll: ['after', 'options', 'arguments'],
  subscribe: ['after', 'handler', 'filter', 'arguments'],
} as const;
const namesRoot = (refusal: Pick<Refusal, 'path'>, roots: readonly string[]) =>
  roots.some(
    (root) => refusal.path === root || refusal.path.startsWith(`${root}.`) || refusal.path.startsWith(`${root}[`),
  );

const appendOutcome = (result: E.Either<AppendError, AppendResult>, what: string): AppendResult | undefined => {
  if (E.isRight(result)) return result.right;
  const error = result.left;
  expect(['invalid-append', 'wrong-expected-version', 'idempotency-conflict'], what).toContain(error.kind);
  expect(typeof error.message, what).toBe('string');
  if (error.kind === 'invalid-append') {
    expect(namesRoot(error, ROOTS.append), `${what}: path ${error.path}`).toBe(true);
    expect(String(error.rule).length > 0, what).toBe(true);
    expect(error.message, what).toContain(error.path);
  }
  return undefined;
};

const plain = (value: object): boolean => {
  const proto: unknown = Object.getPrototypeOf(value);
  return Array.isArray(value) || proto === Object.prototype || proto === null;
};

/** JSON equality: what a JSON store reads back (key order free, -0 as 0). */
const sameJson = (a: unknown, b: unknown): boolean => {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return a === b;
  if (Array.isArray(a) !== Array.isArray(b) || !plain(a) || !plain(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every(
      (key) =>
        Object.hasOwn(b, key) && sameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
    )
  );
};

const textsStorable = (value: unknown): boolean =>
  typeof value === 'string'
    ? storableText(value)
    : typeof value !== 'object' || value === null
      ? true
      : Object.entries(value).every(([key, item]) => storableText(key) && textsStorable(item));

/** Data a store may accept: JSON gives it back unchanged and every text is storable. */
const faithful = (data: unknown): boolean => {
  try {
    const text = JSON.stringify(data);
    return text !== undefined && sameJson(data, JSON.parse(text)) && textsStorable(data);
  } catch {
    return false; // a cycle, a bigint, nesting past the stack
  }
};

// ---------------------------------------------------------------- the laws

export const argumentLawsFeature = ({ withStore, fuzzRuns }: FeatureContext): void => {
  const runs = { numRuns: fuzzRuns };

  describe(`fuzz laws: arbitrary arguments to every method (issue 8, ${fuzzRuns} runs per law)`, () => {
    it(
      'append: never throws, never hangs, a Left names its argument, a Left writes nothing and a Right writes exactly the batch',
      withStore(async ({ store, prefix }) => {
        const marker = right(await store.append(`${prefix}marker`, [newEvent('Marker')], 'no-stream'));
        const written = new Set<string>();
        let n = 0;
        await fc.assert(
          fc.asyncProperty(
            maybe(fc.constant(null)).map((v) => (v === null ? `${prefix}s-${n++}` : v)),
            maybe(fc.array(fuzzedEvent, { maxLength: 4 })),
            maybe(fc.constantFrom('any', 'no-stream', 'exists', -1, 0)),
            async (streamId, batch, expected) => {
              const what = 'append';
              const call = await settle(what, () =>
                store.append(streamId as string, batch as NewEvent[], expected as never),
              );
              if ('error' in call) throw new Error(`${what} rejected: ${String(call.error)}`);
              const appended = appendOutcome(call.value, what);
              if (appended === undefined) return;
              const input = batch as NewEvent[];
              // Accepted means valid: the ids are ids and the data is data JSON keeps.
              expect(validId(streamId), `${what}: accepted stream id`).toBe(true);
              for (const event of input) {
                expect(validId(event.eventId) && validId(event.event.type), `${what}: accepted ids`).toBe(true);
                expect(faithful(event.event.data), `${what}: accepted data JSON would change`).toBe(true);
                written.add(event.eventId);
              }
              // Accepted data reads back as JSON keeps it.
              const read = await collect(store.read(streamId as string, { from: appended.firstVersion }));
              const byId = new Map(read.map((envelope) => [envelope.eventId, envelope]));
              for (const event of input) {
                const back = byId.get(event.eventId);
                if (back === undefined) continue; // a replay of an earlier batch: stored at its first place
                expect(sameJson(back.event.data, event.event.data), `${what}: data read back`).toBe(true);
              }
            },
          ),
          runs,
        );
        // Nothing but the accepted batches was written.
        const after = await collect(store.readAll(marker.lastPosition));
        for (const envelope of after)
          expect(written.has(envelope.eventId), `unexpected ${envelope.eventId}`).toBe(true);
      }),
    );

    it(
      'append: one bad value anywhere in a valid batch is invalid-append at that path, and nothing is written',
      withStore(async ({ store, prefix }) => {
        let n = 0;
        const stream = () => `${prefix}p-${n++}`;
        await fc.assert(
          fc.asyncProperty(plantedArb(stream), async (planted) => {
            const streamId = 'streamId' in planted ? planted.streamId : stream();
            const what = `append, bad ${planted.path}`;
            const call = await settle(what, () =>
              store.append(
                streamId as string,
                planted.batch as NewEvent[],
                ('expected' in planted ? planted.expected : 'any') as never,
              ),
            );
            if ('error' in call) throw new Error(`${what} rejected: ${String(call.error)}`);
            expect(E.isLeft(call.value), what).toBe(true);
            const error = (call.value as E.Left<AppendError>).left;
            expect(error.kind, what).toBe('invalid-append');
            const path = (error as { path: string }).path;
            expect(path.startsWith(planted.path), `${what}: got ${error.message}`).toBe(true);
          }),
          runs,
        );
        expect(await mine(store, prefix)).toEqual([]);
      }),
    );

    it(
      'read: never throws, never hangs; refused exactly when the arguments break a rule, naming the argument',
      withStore(async ({ store, prefix }) => {
        right(await store.append(`${prefix}s`, [newEvent('Read')], 'no-stream'));
        await fc.assert(
          fc.asyncProperty(
            maybe(fc.constantFrom(`${prefix}s`, `${prefix}none`)),
            readOptionsArb,
            async (streamId, options) => {
              const what = 'read';
              const step = await firstStep(what, () => store.read(streamId as string, options as never));
              const valid = validId(streamId) && validOptions(options, READ);
              if ('value' in step) expect(valid, `${what} was not refused`).toBe(true);
              else {
                expect(valid, `${what} was refused: ${String(step.error)}`).toBe(false);
                expect(namesRoot(refusalOf(step.error, what), ROOTS.read), what).toBe(true);
              }
            },
          ),
          runs,
        );
      }),
    );

    it(
      'readAll: never throws, never hangs; bad options and non-string checkpoints are refused, naming the argument',
      withStore(async ({ store, prefix }) => {
        const made = right(await store.append(`${prefix}s`, [newEvent('Read')], 'no-stream')).lastPosition;
        const options = maybe(
          fc.record(
            {
              streamPrefix: maybe(fc.constant(prefix)),
              eventTypes: maybe(fc.array(typeArb, { maxLength: 2 })),
              limit: maybe(fc.nat(5)),
            },
            { requiredKeys: [] },
          ),
        );
        await fc.assert(
          fc.asyncProperty(maybe(fc.constantFrom(undefined, '', made)), options, async (after, readOptions) => {
            const what = 'readAll';
            const step = await firstStep(what, () => store.readAll(after as string, readOptions as never));
            const knownCheckpoint = after === undefined || after === '' || after === made;
            const validArgs = validOptions(readOptions, READ_ALL);
            if ('value' in step) {
              expect(validArgs, `${what} was not refused`).toBe(true);
              expect(typeof after === 'string' || after === undefined, `${what} took a non-string checkpoint`).toBe(
                true,
              );
            } else {
              // A string may or may not be one of this store's checkpoints; the ones it made are.
              expect(validArgs && knownCheckpoint, `${what} was refused: ${String(step.error)}`).toBe(false);
              expect(namesRoot(refusalOf(step.error, what), ROOTS.readAll), what).toBe(true);
            }
          }),
          runs,
        );
      }),
    );

    it(
      'subscribe: never throws, never hangs; bad arguments reject done with a refusal, good ones catch up',
      withStore(async ({ store, prefix }) => {
        const made = right(await store.append(`${prefix}s`, [newEvent('Sub')], 'no-stream')).lastPosition;
        const handler = () => undefined;
        const filter = maybe(
          fc.record(
            {
              streamPrefix: maybe(fc.constant(`${prefix}none-`)),
              eventTypes: maybe(fc.array(typeArb, { maxLength: 2 })),
            },
            { requiredKeys: ['streamPrefix'] },
          ),
        );
        await fc.assert(
          fc.asyncProperty(
            maybe(fc.constantFrom(undefined, made)),
            maybe(fc.constant(handler)),
            filter,
            async (after, onEvent, eventFilter) => {
              const what = 'subscribe';
              const rest = typeof onEvent === 'function' && validOptions(eventFilter, FILTER);
              const valid = rest && (after === undefined || after === '' || after === made);
              // A string may or may not be one of this store's checkpoints; anything else is not one.
              const invalid = !rest || (after !== undefined && typeof after !== 'string');
              let subscription: Subscription;
              try {
                subscription = store.subscribe(after as string, onEvent as never, eventFilter as never);
              } catch (error) {
                throw new Error(`${what} threw synchronously: ${String(error)}`);
              }
              try {
                const outcome = await within(
                  Promise.race([
                    subscription.caughtUp.then(() => ({ up: true as const })),
                    subscription.done.then(
                      () => ({ ended: true as const }),
                      (error: unknown) => ({ error }),
                    ),
                  ]),
                  TIMEOUT_MS,
                  what,
                ).catch((error: unknown) => ({ error }));
                if ('error' in outcome) {
                  expect(valid, `${what} was refused: ${String(outcome.error)}`).toBe(false);
                  expect(namesRoot(refusalOf(outcome.error, what), ROOTS.subscribe), what).toBe(true);
                  await expect(subscription.done, `${what}: done`).rejects.toBe(outcome.error);
                } else {
                  expect(invalid, `${what} was not refused`).toBe(false);
                  expect('up' in outcome, `${what} ended before catching up`).toBe(true);
                }
              } finally {
                await within(subscription.close(), TIMEOUT_MS, `${what}: close`);
              }
            },
          ),
          runs,
        );
      }),
    );

    it(
      'streamVersion: never throws, never hangs; a number for a valid id, a refusal naming streamId otherwise',
      withStore(async ({ store, prefix }) => {
        right(await store.append(`${prefix}s`, [newEvent('V')], 'no-stream'));
        await fc.assert(
          fc.asyncProperty(maybe(fc.constantFrom(`${prefix}s`, `${prefix}none`)), async (streamId) => {
            const what = 'streamVersion';
            const call = await settle(what, () => store.streamVersion(streamId as string));
            if ('value' in call) {
              expect(validId(streamId), `${what} was not refused`).toBe(true);
              expect(call.value, what).toBe(streamId === `${prefix}s` ? 0 : -1);
            } else {
              expect(validId(streamId), `${what} was refused: ${String(call.error)}`).toBe(false);
              expect(refusalOf(call.error, what).path, what).toBe('streamId');
            }
          }),
          runs,
        );
      }),
    );
  });
};
