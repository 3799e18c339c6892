import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import type { ValidationError, ValidationIssue } from './errors.js';

/**
 * Decoding at the boundary. `decode` turns unknown input into a typed value or
 * a `ValidationError` that lists every failing field with its path and the rule
 * it broke, e.g. `data.lines.0.qty: must be PositiveInt (got -1)`.
 */

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

const show = (value: unknown): string => {
  if (value === undefined) return 'undefined';
  try {
    const text = JSON.stringify(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    return Object.prototype.toString.call(value);
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

/** Decode unknown input with a codec; on failure, every failing field is named. */
export const decode =
  <A, O>(codec: t.Type<A, O, unknown>, what: string = codec.name) =>
  (input: unknown): E.Either<ValidationError, A> => {
    const result = codec.decode(input);
    return E.isRight(result) ? result : E.left(validationError(what, toIssues(result.left)));
  };

/** A codec refined by a predicate, whose failures name the rule. */
export const refine = <A, O>(
  codec: t.Type<A, O, unknown>,
  predicate: (a: A) => boolean,
  name: string,
): t.Type<A, O, unknown> =>
  new t.Type<A, O, unknown>(
    name,
    (u): u is A => codec.is(u) && predicate(u),
    (u, c) => {
      const base = codec.validate(u, c);
      if (E.isLeft(base)) return base;
      return predicate(base.right) ? base : t.failure(u, c, `${name}`);
    },
    codec.encode,
  );

/** An integer in the safe range (no floats, no NaN, no 2^53 overflow). */
export const SafeInt = new t.Type<number, number, unknown>(
  'SafeInteger',
  (u): u is number => typeof u === 'number' && Number.isSafeInteger(u),
  (u, c) => (typeof u === 'number' && Number.isSafeInteger(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
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
export const IsoInstant = new t.Type<string, string, unknown>(
  'IsoInstant',
  isIsoInstant,
  (u, c) => (isIsoInstant(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
);
