import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import type { ValidationError, ValidationIssue } from './errors.js';
import { markExactIs, markRefinement } from './identity-guard.js';

/**
 * Decoding at the boundary. `decode` turns unknown input into a typed value or
 * a `ValidationError` that lists every failing field with its path and the rule
 * it broke, e.g. `data.lines.0.qty: must be PositiveInt (got -1)`.
 */

/** The rule of an input key that the codec does not declare (`data.ammount: unknown field`). */
export const UNKNOWN_FIELD = 'unknown field';

// io-ts puts the member index of an intersection or union into the context as
// a key; only keys whose parent is an object or array name a field of the input.
const COMBINATORS = new Set(['IntersectionType', 'UnionType']);

type Located = { path: string; declared: string };

/** The field path, and the name of the type declared at that field (for "required" messages). */
const locate = (context: t.Context): Located => {
  const keys: string[] = [];
  let declared = context[0]?.type.name ?? 'unknown';
  for (let i = 1; i < context.length; i++) {
    const parentTag = (context[i - 1]?.type as { _tag?: string } | undefined)?._tag;
    const entry = context[i];
    if (entry === undefined || entry.key === '' || COMBINATORS.has(parentTag ?? '')) continue;
    keys.push(entry.key);
    declared = entry.type.name;
  }
  return { path: keys.join('.'), declared };
};

const ruleOf = (context: t.Context): string => context[context.length - 1]?.type.name ?? 'unknown';

const memberOfCombinator = (context: t.Context): boolean =>
  COMBINATORS.has((context[context.length - 2]?.type as { _tag?: string } | undefined)?._tag ?? '');

// Input may be anything (a BigInt, a cycle, a proxy whose traps throw): showing it must not throw.
const show = (value: unknown): string => {
  if (value === undefined) return 'undefined';
  // A 5 MB string is shown by its start, without copying all of it first.
  if (typeof value === 'string' && value.length > 60) return `${JSON.stringify(value.slice(0, 57))}...`;
  try {
    const text = JSON.stringify(value);
    if (text === undefined) return typeof value;
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    try {
      return Object.prototype.toString.call(value);
    } catch {
      return typeof value;
    }
  }
};

export const toIssues = (errors: t.Errors): ValidationIssue[] => {
  const seen = new Set<string>();
  const issues: ValidationIssue[] = [];
  for (const error of errors) {
    const located = locate(error.context);
    const path = located.path || '(root)';
    // A missing field, or a value that fails a union or intersection as a whole
    // (null where an object belongs), is reported once, with the type declared
    // for it rather than once per member.
    if (error.message === UNKNOWN_FIELD) {
      if (seen.has(`${path}|${UNKNOWN_FIELD}`)) continue;
      seen.add(`${path}|${UNKNOWN_FIELD}`);
      issues.push({ path, rule: UNKNOWN_FIELD, value: error.value, message: `${path}: ${UNKNOWN_FIELD}` });
      continue;
    }
    const whole = error.value === undefined || memberOfCombinator(error.context);
    const rule = whole ? located.declared : (error.message ?? ruleOf(error.context));
    const key = whole ? path : `${path}|${rule}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(
      error.value === undefined
        ? { path, rule, value: undefined, message: `${path}: required (${rule})` }
        : { path, rule, value: error.value, message: `${path}: must be ${rule} (got ${show(error.value)})` },
    );
  }
  return issues;
};

export const validationError = (what: string, issues: readonly ValidationIssue[]): ValidationError => ({
  kind: 'validation',
  message: `invalid ${what}: ${issues.map((issue) => issue.message ?? `${issue.path}: ${issue.rule}`).join('; ')}`,
  issues,
});

const describeThrown = (thrown: unknown): string => {
  try {
    return thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown);
  } catch {
    return 'unreadable error';
  }
};

/**
 * The one issue for input that cannot even be read: a getter or a proxy trap
 * that throws, or a structure too deep for the call stack. Decoding returns
 * it instead of throwing, whatever the input.
 */
export const unreadableInput = (what: string, thrown: unknown): ValidationError =>
  validationError(what, [
    {
      path: '(root)',
      rule: 'readable input',
      value: undefined,
      message: `(root): could not be read (${describeThrown(thrown)})`,
    },
  ]);

/** Decode unknown input with a codec; on failure, every failing field is named. Never throws. */
export const decode =
  <A, O>(codec: t.Type<A, O, unknown>, what: string = codec.name) =>
  (input: unknown): E.Either<ValidationError, A> => {
    try {
      const result = codec.decode(input);
      return E.isRight(result) ? result : E.left(validationError(what, toIssues(result.left)));
    } catch (thrown) {
      return E.left(unreadableInput(what, thrown));
    }
  };

// ---- strict codecs: unknown keys are errors --------------------------------

/**
 * Codecs built with `new t.Type` (a refinement, a cross-field check) hide the
 * codec they wrap. They register it here so that `strict` can still see which
 * keys they declare.
 */
const inners = new WeakMap<t.Any, readonly t.Any[]>();

/** Declare that `outer` accepts the keys `inner` declares (for codecs made with `new t.Type`). */
export const wrapping = <T extends t.Any>(outer: T, ...inner: readonly t.Any[]): T => {
  inners.set(outer, inner);
  return outer;
};

type Shape =
  | Readonly<{ kind: 'object'; props: ReadonlyMap<string, readonly t.Any[]> }>
  | Readonly<{ kind: 'array'; items: readonly t.Any[] }>
  | Readonly<{ kind: 'record'; values: readonly t.Any[] }>;

type Tagged = t.Any & { _tag?: string; type?: t.Any; types?: readonly t.Any[]; props?: t.Props; codomain?: t.Any };

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);

/** The codecs that decide the shape at this level, through wrappers, intersections and the union member that applies. */
const members = (codec: Tagged, input: unknown, out: Tagged[]): void => {
  const inner = inners.get(codec);
  if (inner !== undefined) {
    for (const each of inner) members(each, input, out);
    return;
  }
  switch (codec._tag) {
    case 'ExactType':
    case 'RefinementType':
    case 'ReadonlyType':
    case 'RecursiveType':
      if (codec.type !== undefined) members(codec.type, input, out);
      return;
    case 'IntersectionType':
      for (const each of codec.types ?? []) members(each, input, out);
      return;
    case 'UnionType': {
      // The member io-ts would pick; when none matches, the base codec already reports the union.
      const chosen = (codec.types ?? []).find((each) => E.isRight(each.decode(input)));
      if (chosen !== undefined) members(chosen, input, out);
      return;
    }
    default:
      out.push(codec);
  }
};

const shapeOf = (codecs: readonly t.Any[], input: unknown): Shape | undefined => {
  const found: Tagged[] = [];
  for (const codec of codecs) members(codec, input, found);
  const props = new Map<string, t.Any[]>();
  const items: t.Any[] = [];
  const values: t.Any[] = [];
  for (const codec of found)
    switch (codec._tag) {
      case 'InterfaceType':
      case 'PartialType':
      case 'StrictType':
        for (const [key, type] of Object.entries(codec.props ?? {})) props.set(key, [...(props.get(key) ?? []), type]);
        break;
      case 'ArrayType':
      case 'ReadonlyArrayType':
        if (codec.type !== undefined) items.push(codec.type);
        break;
      case 'DictionaryType':
        if (codec.codomain !== undefined) values.push(codec.codomain);
        break;
    }
  if (props.size > 0 || found.some((c) => c._tag === 'InterfaceType' || c._tag === 'PartialType'))
    return { kind: 'object', props };
  if (items.length > 0) return { kind: 'array', items };
  if (values.length > 0) return { kind: 'record', values };
  return undefined;
};

type Excess = Readonly<{ path: readonly string[]; value: unknown }>;

// The walk follows the codec, not the input: its depth is the codec's, however deep the input nests.
const collectExcess = (codecs: readonly t.Any[], input: unknown, path: readonly string[], out: Excess[]): void => {
  const shape = shapeOf(codecs, input);
  if (shape === undefined) return;
  if (shape.kind === 'array') {
    if (Array.isArray(input))
      input.forEach((item, index) => collectExcess(shape.items, item, [...path, `${index}`], out));
    return;
  }
  if (!isRecord(input)) return;
  for (const key of Object.getOwnPropertyNames(input)) {
    const value = input[key];
    if (shape.kind === 'record') collectExcess(shape.values, value, [...path, key], out);
    else {
      const declared = shape.props.get(key);
      if (declared === undefined) out.push({ path: [...path, key === '' ? '""' : key], value });
      else collectExcess(declared, value, [...path, key], out);
    }
  }
};

/** Every input key, at any depth, that `codec` does not declare (io-ts would drop it silently). */
export const unknownFields = (codec: t.Any, input: unknown): readonly Excess[] => {
  const out: Excess[] = [];
  collectExcess([codec], input, [], out);
  return out;
};

/**
 * `codec`, with every key it does not declare, at any depth (lines,
 * addresses, money), reported as `<path>: unknown field` besides its own
 * errors. For input from outside (commands): a misspelt `ammount` must not
 * decode as a refund without an amount. Events read back from storage stay
 * tolerant (old shapes are the upcasters' job), so event codecs do not use it.
 */
export const strict = <A, O>(codec: t.Type<A, O, unknown>, name: string = codec.name): t.Type<A, O, unknown> => {
  const known = (a: A): boolean => unknownFields(codec, a).length === 0;
  // A RefinementType (refined by "no unknown keys"), so that io-ts still sees
  // through it: a union of strict commands keeps dispatching on its `type` tag.
  return new t.RefinementType<t.Type<A, O, unknown>, A, O, unknown>(
    name,
    (u): u is A => codec.is(u) && known(u),
    (u, c) => {
      const base = codec.validate(u, c);
      const excess = unknownFields(codec, u);
      if (excess.length === 0) return base;
      const errors: t.ValidationError[] = excess.map(({ path, value }) => ({
        value,
        context: [...c, ...path.map((key) => ({ key, type: t.unknown, actual: value }))],
        message: UNKNOWN_FIELD,
      }));
      return t.failures(E.isLeft(base) ? [...base.left, ...errors] : errors);
    },
    codec.encode,
    codec,
    known,
  );
};

/** A codec refined by a predicate, whose failures name the rule. */
export const refine = <A, O>(
  codec: t.Type<A, O, unknown>,
  predicate: (a: A) => boolean,
  name: string,
): t.Type<A, O, unknown> =>
  markRefinement(
    wrapping(
      new t.Type<A, O, unknown>(
        name,
        (u): u is A => codec.is(u) && predicate(u),
        (u, c) => {
          const base = codec.validate(u, c);
          if (E.isLeft(base)) return base;
          return predicate(base.right) ? base : t.failure(u, c, `${name}`);
        },
        codec.encode,
      ),
      codec,
    ),
    codec,
    predicate,
  );

/** An integer in the safe range (no floats, no NaN, no 2^53 overflow). */
export const SafeInt = markExactIs(
  new t.Type<number, number, unknown>(
    'SafeInteger',
    (u): u is number => typeof u === 'number' && Number.isSafeInteger(u),
    (u, c) => (typeof u === 'number' && Number.isSafeInteger(u) ? t.success(u) : t.failure(u, c)),
    t.identity,
  ),
);

export const NonNegativeInt = refine(SafeInt, (n) => n >= 0, 'NonNegativeInteger');
export const PositiveInt = refine(SafeInt, (n) => n > 0, 'PositiveInteger');

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysIn = (year: number, month: number): number =>
  month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);

// Date.parse rolls impossible dates over (2026-02-30 becomes March 2, 24:00 the
// next day): the fields are checked first, so such input is rejected, not coerced.
const isIsoInstant = (u: unknown): u is string => {
  if (typeof u !== 'string') return false;
  const match = ISO_INSTANT.exec(u);
  if (match === null) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const offsetHours = match[9] === undefined ? 0 : Number(match[9]);
  const offsetMinutes = match[10] === undefined ? 0 : Number(match[10]);
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysIn(year, month) &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    offsetHours <= 23 &&
    offsetMinutes <= 59 &&
    !Number.isNaN(Date.parse(u))
  );
};

/** An ISO-8601 instant with a zone, e.g. 2026-11-24T10:00:00Z. Kept as the string given. */
export const IsoInstant = markExactIs(
  new t.Type<string, string, unknown>(
    'IsoInstant',
    isIsoInstant,
    (u, c) => (isIsoInstant(u) ? t.success(u) : t.failure(u, c)),
    t.identity,
  ),
);

type Typed = t.Type<unknown, unknown, unknown>;

/**
 * Decode a union of `{ type: literal, ... }` codecs (commands) by looking the
 * `type` up first: a bad command is reported against its own fields only, not
 * once per member of the union. Codecs are keyed by their name, which
 * `commandCodec` sets to the type. Never throws.
 */
export const decodeByType = <A>(
  what: string,
  codecs: readonly t.Type<A, unknown, unknown>[],
  typeRule = 'CommandType',
) => {
  const decoders = new Map(codecs.map((codec) => [codec.name, decode(codec as Typed, `${what} ${codec.name}`)]));
  const types = [...decoders.keys()];
  return (input: unknown): E.Either<ValidationError, A> => {
    let type: unknown;
    try {
      type = isRecord(input) ? input['type'] : undefined;
    } catch (thrown) {
      return E.left(unreadableInput(what, thrown));
    }
    const decoder = typeof type === 'string' ? decoders.get(type) : undefined;
    if (decoder === undefined)
      return E.left(
        validationError(what, [
          {
            path: 'type',
            rule: typeRule,
            value: type,
            message: `type: must be one of ${types.join(', ')} (got ${show(type)})`,
          },
        ]),
      );
    return decoder(input) as E.Either<ValidationError, A>;
  };
};
