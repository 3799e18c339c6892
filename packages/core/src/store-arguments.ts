import type {
  ArgumentProblem,
  ArgumentRule,
  InvalidAppend,
  InvalidArgument,
  StoreMethod,
  Subscription,
} from './event-store.js';

/**
 * The checks every EventStore runs on its arguments before it touches
 * storage, in one place so that every store accepts and refuses the same
 * calls (issue 8.5). A check returns the first problem it finds, naming the
 * argument's path and the rule; it never throws, whatever it is given (a
 * throwing getter or proxy is an `unreadable` problem).
 *
 * The append check is on the hot path: it walks each payload once, builds no
 * path strings unless something is wrong, and remembers the last valid
 * `occurredAt` (a batch, and the next one, usually share it).
 */

/**
 * A store's own checkpoint format: why a text is not one of its checkpoints
 * ("is an invalid ... checkpoint "x": ..."), or undefined. Only called on
 * strings of at most 200 characters.
 */
export type CheckpointRule = (checkpoint: string) => string | undefined;

/** Checks one option's value (never undefined: an absent option is not checked). */
export type OptionRule = (value: unknown, path: string) => ArgumentProblem | undefined;

export const STORE_LIMITS = {
  /** Ids (stream, event, type, causation, correlation) in UTF-8 bytes: they are index keys. */
  idBytes: 1024,
  /** Nesting of event data. */
  depth: 1000,
  /** Estimated JSON size of one append's payloads, in characters. */
  dataChars: 64 * 1024 * 1024,
  /** Stream and schema versions (PostgreSQL integer). */
  version: 2_147_483_647,
} as const;

// ---------------------------------------------------------------- problems

export const argumentProblem = (path: string, rule: ArgumentRule, detail: string): ArgumentProblem => ({
  path,
  rule,
  message: `${path} ${detail}`,
});

/** The append's Left: nothing was appended. */
export const invalidAppend = (streamId: unknown, problem: ArgumentProblem): InvalidAppend => ({
  kind: 'invalid-append',
  streamId: typeof streamId === 'string' ? streamId : '',
  ...problem,
});

/** The error a read, a subscription or `streamVersion` rejects with. */
export const invalidArgument = (method: StoreMethod, problem: ArgumentProblem): InvalidArgument => {
  const error = new Error(`${method}: ${problem.message}`);
  error.name = 'InvalidArgument';
  return Object.assign(error, { kind: 'invalid-argument' as const, method, path: problem.path, rule: problem.rule });
};

export const isInvalidArgument = (error: unknown): error is InvalidArgument =>
  error instanceof Error && (error as { kind?: unknown }).kind === 'invalid-argument';

/** What `read` and `readAll` return for bad arguments: the first `next()` rejects with the error. */
// eslint-disable-next-line require-yield -- it only rejects
export async function* refusedRead(error: Error): AsyncGenerator<never> {
  throw error;
}

/** What `subscribe` returns for bad arguments: `done` and `caughtUp` reject (marked handled), nothing is delivered. */
export const refusedSubscription = (error: Error): Subscription => {
  const done = Promise.reject(error);
  const caughtUp = Promise.reject(error);
  done.catch(() => undefined);
  caughtUp.catch(() => undefined);
  return { caughtUp, done, close: () => Promise.resolve() };
};

/** A short, safe description of a value for messages (never the whole of a 5 MB string). */
export const describeValue = (value: unknown): string => {
  switch (typeof value) {
    case 'string':
      return value.length > 40
        ? `${JSON.stringify(value.slice(0, 40))}… (${value.length} characters)`
        : JSON.stringify(value);
    case 'number':
    case 'boolean':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'undefined':
      return 'undefined';
    case 'object':
      return value === null ? 'null' : Array.isArray(value) ? 'an array' : 'an object';
    default:
      return `a ${typeof value}`;
  }
};

const unreadable = (error: unknown): ArgumentProblem =>
  argumentProblem(
    'arguments',
    'unreadable',
    `could not be read: ${error instanceof Error ? error.message : 'reading threw'}`,
  );

const guarded = (check: () => ArgumentProblem | undefined): ArgumentProblem | undefined => {
  try {
    return check();
  } catch (error) {
    return unreadable(error);
  }
};

// ---------------------------------------------------------------- texts and ids

// eslint-disable-next-line no-control-regex -- NUL is what it looks for
const SUSPECT = /[\u0000\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const NUL: readonly [ArgumentRule, string] = [
  'nul-character',
  'contains a NUL character, which PostgreSQL cannot store',
];
const LONE: readonly [ArgumentRule, string] = [
  'lone-surrogate',
  'contains a lone surrogate, which is not valid Unicode',
];

const preciseTextFault = (text: string): readonly [ArgumentRule, string] | undefined =>
  text.includes('\u0000') ? NUL : LONE_SURROGATE.test(text) ? LONE : undefined;

// Most texts hold neither NUL nor surrogates: short ones (ids, keys) are scanned by
// character code, long ones by one character-class regex; only a suspect is looked at closely.
const textFault = (text: string): readonly [ArgumentRule, string] | undefined => {
  if (text.length > 32) return SUSPECT.test(text) ? preciseTextFault(text) : undefined;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit === 0 || (unit & 0xf800) === 0xd800) return preciseTextFault(text);
  }
  return undefined;
};

/** A text PostgreSQL can store and JSON keeps: no NUL, no lone surrogate. */
export const textProblem = (text: string, path: string): ArgumentProblem | undefined => {
  const fault = textFault(text);
  return fault === undefined ? undefined : argumentProblem(path, fault[0], fault[1]);
};

const utf8Bytes = (text: string): number => {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
};

type Flaw = readonly [ArgumentRule, string];

// Checks on the hot path return a flaw without a path: the path is built only when one is found.
const idFlaw = (value: unknown): Flaw | undefined => {
  if (typeof value !== 'string') return ['type', `must be a string, got ${describeValue(value)}`];
  // At least one byte per UTF-16 unit, three at most: only ids between the two bounds need counting.
  if (
    value.length > STORE_LIMITS.idBytes ||
    (value.length * 3 > STORE_LIMITS.idBytes && utf8Bytes(value) > STORE_LIMITS.idBytes)
  )
    return ['too-long', `is longer than ${STORE_LIMITS.idBytes} UTF-8 bytes`];
  // A printable ASCII first character is not blank: no trim needed.
  const first = value.charCodeAt(0);
  if (!(first > 0x20 && first < 0x7f) && value.trim().length === 0) return ['blank', 'must not be empty or blank'];
  return textFault(value);
};

const optionalIdFlaw = (value: unknown): Flaw | undefined => (value === undefined ? undefined : idFlaw(value));

const located = (path: string, flaw: Flaw | undefined): ArgumentProblem | undefined =>
  flaw === undefined ? undefined : argumentProblem(path, flaw[0], flaw[1]);

/** An id: a string, not blank, storable text, at most 1,024 UTF-8 bytes. */
export const idProblem = (value: unknown, path: string): ArgumentProblem | undefined => located(path, idFlaw(value));

// ---------------------------------------------------------------- JSON data

type Segment = string | number;
type Fault = { rule: ArgumentRule; detail: string; segments: Segment[] };

const fault = (rule: ArgumentRule, detail: string): Fault => ({ rule, detail, segments: [] });
const under = (found: Fault | undefined, segment: Segment): Fault | undefined => {
  found?.segments.push(segment);
  return found;
};

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const pathOf = (base: string, segments: readonly Segment[]): string => {
  let path = base;
  for (let i = segments.length - 1; i >= 0; i--) {
    const segment = segments[i] as Segment;
    if (typeof segment === 'number') path += `[${segment}]`;
    else if (IDENTIFIER.test(segment) && segment.length <= 64) path += `.${segment}`;
    else path += `[${describeValue(segment)}]`;
  }
  return path;
};

// Characters left in the current walk's size estimate. The walk is synchronous,
// so one module-level counter serves every call.
let budget = 0;
const NODE_COST = 8;

// Whether every object and array the current append's walks met was frozen already. Read by the
// in-memory store right after the check (the walk is synchronous): a frozen object may still hold a
// mutable one only where this is false, and then the store freezes the payload all the way down.
let allFrozen = true;

/** After `appendArgumentsProblem` accepted a batch: were all objects in its payloads frozen already? */
export const appendPayloadsFrozen = (): boolean => allFrozen;
const TOO_LARGE: Fault = { rule: 'too-long', detail: '', segments: [] };

const nonPlain = (value: object): string => {
  const name: unknown = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return `is a ${typeof name === 'string' && name !== '' ? name : 'non-plain object'}, which JSON would not keep as it is`;
};

/** One walk over data JSON must keep exactly; the path is built only on the way back from a fault. */
const walk = (value: unknown, depth: number): Fault | undefined => {
  switch (typeof value) {
    case 'string': {
      budget -= value.length + NODE_COST;
      if (budget < 0) return TOO_LARGE;
      const text = textFault(value);
      return text === undefined ? undefined : fault(text[0], text[1]);
    }
    case 'number':
      budget -= NODE_COST;
      return Number.isFinite(value) ? undefined : fault('json', `is ${value}, which JSON cannot hold`);
    case 'boolean':
      budget -= NODE_COST;
      return undefined;
    case 'object': {
      if (value === null) return undefined;
      if (depth >= STORE_LIMITS.depth) return fault('too-deep', `is nested deeper than ${STORE_LIMITS.depth} levels`);
      budget -= NODE_COST;
      if (budget < 0) return TOO_LARGE;
      if (allFrozen && !Object.isFrozen(value)) allFrozen = false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          if (item === undefined)
            return under(
              fault(
                'json',
                i in value ? 'is undefined, which JSON turns into null' : 'is a hole, which JSON turns into null',
              ),
              i,
            );
          const found = walk(item, depth + 1);
          if (found !== undefined) return found === TOO_LARGE ? found : under(found, i);
        }
        return undefined;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return fault('json', nonPlain(value));
      const record = value as Record<string, unknown>;
      for (const key in record) {
        const item = record[key];
        budget -= key.length + NODE_COST;
        const text = textFault(key);
        if (text !== undefined) return under(fault(text[0], `(a key) ${text[1]}`), key);
        if (item === undefined) return under(fault('json', 'is undefined, which JSON drops'), key);
        const found = walk(item, depth + 1);
        if (found !== undefined) return found === TOO_LARGE ? found : under(found, key);
      }
      return undefined;
    }
    case 'undefined':
      return fault('json', 'is undefined, which JSON cannot hold');
    case 'bigint':
      return fault('json', 'is a bigint, which JSON cannot hold');
    default:
      return fault('json', `is a ${typeof value}, which JSON cannot hold`);
  }
};

// Only asked once a walk went too deep: is it deep, or does it contain itself?
const cyclePath = (value: unknown, ancestors: Set<object>, visits: { left: number }): Segment[] | undefined => {
  if (typeof value !== 'object' || value === null || visits.left-- <= 0) return undefined;
  if (ancestors.has(value)) return [];
  if (ancestors.size > STORE_LIMITS.depth) return undefined;
  ancestors.add(value);
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const found = cyclePath(record[key], ancestors, visits);
    if (found !== undefined) {
      found.push(Array.isArray(value) ? Number(key) : key);
      return found;
    }
  }
  ancestors.delete(value);
  return undefined;
};

// The base path is built only when something is wrong.
const dataFault = (
  value: unknown,
  pathTo: (index: number, field: string) => string,
  index: number,
  field: string,
): ArgumentProblem | undefined => {
  const found = walk(value, 0);
  if (found === undefined) return undefined;
  const base = pathTo(index, field);
  if (found === TOO_LARGE)
    return argumentProblem(base, 'too-long', `is larger than ${STORE_LIMITS.dataChars} characters as JSON`);
  if (found.rule === 'too-deep') {
    const cycle = cyclePath(value, new Set(), { left: 100_000 });
    if (cycle !== undefined) return argumentProblem(pathOf(base, cycle), 'circular', 'contains itself');
  }
  return argumentProblem(pathOf(base, found.segments), found.rule, found.detail);
};

/** A value JSON (and PostgreSQL's jsonb) keeps exactly, e.g. an outbox payload or a snapshot's state. */
export const jsonValueProblem = (value: unknown, path: string): ArgumentProblem | undefined =>
  guarded(() => {
    budget = STORE_LIMITS.dataChars;
    return dataFault(value, () => path, 0, '');
  });

// ---------------------------------------------------------------- options

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An options object: absent, or an object whose every key has a rule and passes it. */
export const optionsProblem = (
  value: unknown,
  path: string,
  rules: Readonly<Record<string, OptionRule>>,
): ArgumentProblem | undefined => {
  if (value === undefined) return undefined;
  if (!isObject(value)) return argumentProblem(path, 'type', `must be an options object, got ${describeValue(value)}`);
  for (const key in value) {
    const rule = Object.hasOwn(rules, key) ? rules[key] : undefined;
    if (rule === undefined)
      return argumentProblem(
        pathOf(path, [key]),
        'unknown-key',
        `is not an option here (known: ${Object.keys(rules).join(', ')})`,
      );
    const item = value[key];
    if (item === undefined) continue;
    const problem = rule(item, pathOf(path, [key]));
    if (problem !== undefined) return problem;
  }
  return undefined;
};

export const integerOption =
  (min: number, max: number): OptionRule =>
  (value, path) =>
    typeof value !== 'number'
      ? argumentProblem(path, 'type', `must be a number, got ${describeValue(value)}`)
      : Number.isInteger(value) && value >= min && value <= max
        ? undefined
        : argumentProblem(path, 'range', `must be an integer from ${min} to ${max}, got ${describeValue(value)}`);

export const oneOfOption =
  (allowed: readonly string[]): OptionRule =>
  (value, path) =>
    typeof value === 'string' && allowed.includes(value)
      ? undefined
      : argumentProblem(path, 'one-of', `must be one of ${allowed.join(', ')}, got ${describeValue(value)}`);

export const booleanOption: OptionRule = (value, path) =>
  typeof value === 'boolean'
    ? undefined
    : argumentProblem(path, 'type', `must be a boolean, got ${describeValue(value)}`);

export const functionOption: OptionRule = (value, path) =>
  typeof value === 'function'
    ? undefined
    : argumentProblem(path, 'type', `must be a function, got ${describeValue(value)}`);

export const textOption: OptionRule = (value, path) =>
  typeof value === 'string'
    ? textProblem(value, path)
    : argumentProblem(path, 'type', `must be a string, got ${describeValue(value)}`);

const eventTypesOption: OptionRule = (value, path) => {
  if (!Array.isArray(value))
    return argumentProblem(path, 'type', `must be an array of event types, got ${describeValue(value)}`);
  for (let i = 0; i < value.length; i++) {
    const problem = textOption(value[i], `${path}[${i}]`);
    if (problem !== undefined) return problem;
  }
  return undefined;
};

const COUNT = integerOption(0, Number.MAX_SAFE_INTEGER);
const FILTER_RULES = { streamPrefix: textOption, eventTypes: eventTypesOption };
const READ_RULES = { direction: oneOfOption(['forwards', 'backwards']), from: COUNT, limit: COUNT };
const READ_ALL_RULES = { ...FILTER_RULES, limit: COUNT };

const checkpointProblem = (after: unknown, rule: CheckpointRule): ArgumentProblem | undefined => {
  if (after === undefined || after === '') return undefined;
  if (typeof after !== 'string')
    return argumentProblem(
      'after',
      'type',
      `must be a checkpoint (a string) or undefined, got ${describeValue(after)}`,
    );
  const reason = after.length > 200 ? `${describeValue(after)} is longer than any checkpoint` : rule(after);
  return reason === undefined ? undefined : argumentProblem('after', 'checkpoint', reason);
};

// ---------------------------------------------------------------- fast-path predicates

/*
 * For a store's fast path: each is true only where the full check finds no
 * problem, so a path that takes only what they accept accepts nothing the
 * checks refuse. Where one is false, run the full check: it names the problem.
 */

/** `idProblem` finds nothing (streamId, eventId, type, causationId, correlationId). */
export const isStorableId = (value: unknown): boolean => idFlaw(value) === undefined;
/** A key or string of event data JSON and PostgreSQL keep (no NUL, no lone surrogate). */
export const isStorableText = (text: string): boolean => textFault(text) === undefined;
/** An `occurredAt` the append check accepts. */
export const isStorableInstant = (value: unknown): boolean => typeof value === 'string' && isIsoInstant(value);
/** An `actor` the append check accepts. */
export const isStorableActor = (value: unknown): boolean => actorFlaw(value) === undefined;
/** A `schemaVersion` the append check accepts (absent included). */
export const isStorableSchemaVersion = (value: unknown): boolean => schemaVersionFlaw(value) === undefined;

// ---------------------------------------------------------------- the methods

export const readArgumentsProblem = (streamId: unknown, options: unknown): ArgumentProblem | undefined =>
  guarded(() => idProblem(streamId, 'streamId') ?? optionsProblem(options, 'options', READ_RULES));

/** `readForFold(streamId, from)`: a stream id, and a version to start at as `read`'s `from`. */
export const readForFoldArgumentsProblem = (streamId: unknown, from: unknown): ArgumentProblem | undefined =>
  guarded(() => idProblem(streamId, 'streamId') ?? COUNT(from, 'from'));

export const readAllArgumentsProblem = (
  after: unknown,
  options: unknown,
  checkpoint: CheckpointRule,
): ArgumentProblem | undefined =>
  guarded(() => checkpointProblem(after, checkpoint) ?? optionsProblem(options, 'options', READ_ALL_RULES));

export const subscribeArgumentsProblem = (
  after: unknown,
  handler: unknown,
  filter: unknown,
  checkpoint: CheckpointRule,
): ArgumentProblem | undefined =>
  guarded(
    () =>
      checkpointProblem(after, checkpoint) ??
      functionOption(handler, 'handler') ??
      optionsProblem(filter, 'filter', FILTER_RULES),
  );

export const streamIdArgumentProblem = (streamId: unknown): ArgumentProblem | undefined =>
  guarded(() => idProblem(streamId, 'streamId'));

export const causationIdsArgumentsProblem = (streamId: unknown, below: unknown): ArgumentProblem | undefined =>
  guarded(() => idProblem(streamId, 'streamId') ?? COUNT(below, 'below'));

const expectedProblem = (expected: unknown): ArgumentProblem | undefined => {
  if (expected === 'any' || expected === 'no-stream' || expected === 'exists') return undefined;
  if (typeof expected === 'number')
    return Number.isInteger(expected) && expected >= -1 && expected <= STORE_LIMITS.version
      ? undefined
      : argumentProblem(
          'expected',
          'range',
          `${describeValue(expected)} is not a stream version (an integer from -1 to ${STORE_LIMITS.version})`,
        );
  return argumentProblem(
    'expected',
    'one-of',
    `must be 'any', 'no-stream', 'exists' or a stream version, got ${describeValue(expected)}`,
  );
};

// Plain comparisons: cheaper than a Set lookup for a handful of keys, per event.
const isNewEventKey = (key: string): boolean =>
  key === 'event' ||
  key === 'eventId' ||
  key === 'occurredAt' ||
  key === 'actor' ||
  key === 'causationId' ||
  key === 'correlationId' ||
  key === 'schemaVersion';
const isEventKey = (key: string): boolean => key === 'type' || key === 'data';
const isActorKey = (key: string): boolean => key === 'kind' || key === 'id' || key === 'companyId' || key === 'name';
const isActorKind = (kind: unknown): boolean =>
  kind === 'admin' || kind === 'customer' || kind === 'system' || kind === 'provider';

const unknownKey = (record: Record<string, unknown>, known: (key: string) => boolean): string | undefined => {
  for (const key in record) if (!known(key)) return key;
  return undefined;
};

const stringFlaw = (value: unknown): Flaw | undefined =>
  typeof value === 'string' ? textFault(value) : ['type', `must be a string, got ${describeValue(value)}`];

/** The flaw and the field of the actor it is in ('' for the actor itself). */
const actorFlaw = (value: unknown): readonly [string, Flaw] | undefined => {
  if (!isObject(value))
    return ['', ['type', `must be an actor { kind, id, companyId?, name? }, got ${describeValue(value)}`]];
  const extra = unknownKey(value, isActorKey);
  if (extra !== undefined) return [extra, ['unknown-key', 'is not a field of an actor']];
  const { kind, id, companyId, name } = value;
  if (!isActorKind(kind))
    return ['kind', ['one-of', `must be admin, customer, system or provider, got ${describeValue(kind)}`]];
  const flaw = idFlaw(id);
  if (flaw !== undefined) return ['id', flaw];
  const company = optionalIdFlaw(companyId);
  if (company !== undefined) return ['companyId', company];
  const named = name === undefined ? undefined : stringFlaw(name);
  return named === undefined ? undefined : ['name', named];
};

// ISO-8601 instants, the rule of core's IsoInstant codec (store-arguments.test.ts holds the two
// to agreement) read by character code: the codec's regex and Date.parse cost more than
// the rest of an in-memory append, and every command carries a new instant.
const digit = (text: string, at: number): number => {
  const value = text.charCodeAt(at) - 48;
  return value >= 0 && value <= 9 ? value : -100;
};
const twoDigits = (text: string, at: number): number => digit(text, at) * 10 + digit(text, at + 1);
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export const isIsoInstant = (text: string): boolean => {
  if (text.length < 20 || text.length > 35) return false;
  const century = twoDigits(text, 0);
  const yearOf = twoDigits(text, 2);
  const year = century * 100 + yearOf;
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  if (
    century < 0 ||
    yearOf < 0 ||
    text[4] !== '-' ||
    text[7] !== '-' ||
    text[10] !== 'T' ||
    text[13] !== ':' ||
    text[16] !== ':'
  )
    return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  if (month < 1 || day < 1 || day > days) return false;
  const hour = twoDigits(text, 11);
  const minute = twoDigits(text, 14);
  const second = twoDigits(text, 17);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return false;
  let at = 19;
  if (text[at] === '.') {
    let end = at + 1;
    while (end < text.length && digit(text, end) >= 0) end++;
    if (end === at + 1 || end > at + 10) return false;
    at = end;
  }
  if (text[at] === 'Z') return at + 1 === text.length;
  if ((text[at] !== '+' && text[at] !== '-') || at + 6 !== text.length || text[at + 3] !== ':') return false;
  const offsetHours = twoDigits(text, at + 1);
  const offsetMinutes = twoDigits(text, at + 4);
  return offsetHours >= 0 && offsetHours <= 23 && offsetMinutes >= 0 && offsetMinutes <= 59;
};

const instantFlaw = (value: unknown): Flaw | undefined =>
  typeof value === 'string' && isIsoInstant(value)
    ? undefined
    : ['iso-instant', `must be an ISO-8601 instant with a zone (2026-11-24T10:00:00Z), got ${describeValue(value)}`];

const schemaVersionFlaw = (value: unknown): Flaw | undefined =>
  value === undefined ||
  (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= STORE_LIMITS.version)
    ? undefined
    : ['range', `must be an integer from 1 to ${STORE_LIMITS.version}, got ${describeValue(value)}`];

const eventPath = (i: number, field?: string): string =>
  field === undefined ? `events[${i}]` : `events[${i}].${field}`;

const newEventProblem = (input: unknown, i: number): ArgumentProblem | undefined => {
  if (!isObject(input))
    return argumentProblem(
      eventPath(i),
      'type',
      `must be an event { event, eventId, occurredAt, actor }, got ${describeValue(input)}`,
    );
  const extra = unknownKey(input, isNewEventKey);
  if (extra !== undefined)
    return argumentProblem(pathOf(eventPath(i), [extra]), 'unknown-key', 'is not a field of a NewEvent');
  let flaw = idFlaw(input['eventId']);
  if (flaw !== undefined) return located(eventPath(i, 'eventId'), flaw);
  const event = input['event'];
  if (!isObject(event))
    return argumentProblem(eventPath(i, 'event'), 'type', `must be { type, data }, got ${describeValue(event)}`);
  const extraInEvent = unknownKey(event, isEventKey);
  if (extraInEvent !== undefined)
    return argumentProblem(pathOf(eventPath(i, 'event'), [extraInEvent]), 'unknown-key', 'is not a field of an event');
  if ((flaw = idFlaw(event['type'])) !== undefined) return located(eventPath(i, 'event.type'), flaw);
  if ((flaw = instantFlaw(input['occurredAt'])) !== undefined) return located(eventPath(i, 'occurredAt'), flaw);
  const actor = actorFlaw(input['actor']);
  if (actor !== undefined)
    return located(actor[0] === '' ? eventPath(i, 'actor') : eventPath(i, `actor.${actor[0]}`), actor[1]);
  if ((flaw = optionalIdFlaw(input['causationId'])) !== undefined) return located(eventPath(i, 'causationId'), flaw);
  // The command handler sets both to the commandId: one string passes or fails once.
  const correlationId = input['correlationId'];
  if (correlationId !== input['causationId'] && (flaw = optionalIdFlaw(correlationId)) !== undefined)
    return located(eventPath(i, 'correlationId'), flaw);
  if ((flaw = schemaVersionFlaw(input['schemaVersion'])) !== undefined)
    return located(eventPath(i, 'schemaVersion'), flaw);
  return dataFault(event['data'], eventPath, i, 'event.data');
};

const appendProblem = (streamId: unknown, events: unknown, expected: unknown): ArgumentProblem | undefined => {
  const problem = idProblem(streamId, 'streamId') ?? expectedProblem(expected);
  if (problem !== undefined) return problem;
  if (!Array.isArray(events))
    return argumentProblem('events', 'type', `must be an array of events, got ${describeValue(events)}`);
  if (events.length === 0) return argumentProblem('events', 'blank', 'is empty: nothing to append');
  budget = STORE_LIMITS.dataChars;
  allFrozen = true;
  // Most batches hold one event: only larger ones need the duplicate check's set.
  const ids = events.length > 1 ? new Set<unknown>() : undefined;
  for (let i = 0; i < events.length; i++) {
    const input: unknown = events[i];
    const found = newEventProblem(input, i);
    if (found !== undefined) return found;
    if (ids === undefined) continue;
    const eventId = (input as Record<string, unknown>)['eventId'];
    if (ids.has(eventId))
      return argumentProblem(
        `events[${i}].eventId`,
        'duplicate',
        `${describeValue(eventId)} appears twice in the batch`,
      );
    ids.add(eventId);
  }
  return undefined;
};

/** Everything an append's arguments must satisfy, in every store, before anything is written. */
export const appendArgumentsProblem = (
  streamId: unknown,
  events: unknown,
  expected: unknown,
): ArgumentProblem | undefined => {
  // Inline rather than through a wrapper: no closure per append.
  try {
    return appendProblem(streamId, events, expected);
  } catch (error) {
    return unreadable(error);
  }
};
