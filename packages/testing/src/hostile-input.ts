import fc from 'fast-check';

/**
 * Input a boundary must survive (issue 8): arbitrary JSON and JavaScript
 * values, plus the shapes that broke decoders before: NaN, -0, 1e400, 2^53,
 * BigInt, NUL and lone surrogates, `__proto__` keys, 5 MB strings, 100k-deep
 * nesting, cycles, getters and proxies that throw. Built once: the big
 * values are shared, never copied per run.
 */

const nested = (depth: number, wrap: (inner: unknown) => unknown): unknown => {
  let value: unknown = 0;
  for (let i = 0; i < depth; i++) value = wrap(value);
  return value;
};

const boom = (): never => {
  throw new Error('hostile getter');
};

const cyclic = (): unknown => {
  const value: Record<string, unknown> = { type: 'x' };
  value['self'] = value;
  return value;
};

const throwingGetters = (): unknown =>
  Object.defineProperties({}, { type: { get: boom, enumerable: true }, data: { get: boom, enumerable: true } });

const throwingProxy = (): unknown =>
  new Proxy(
    {},
    {
      get: boom,
      has: boom,
      ownKeys: boom,
      getOwnPropertyDescriptor: boom,
      getPrototypeOf: boom,
    },
  );

/** Strange leaves: numbers, strings and other primitives that are easy to mishandle. */
export const hostileLeaves: readonly unknown[] = [
  Number.NaN,
  -0,
  // 1e400 and -1e400 as a JSON parser reads them.
  JSON.parse('1e400') as number,
  JSON.parse('-1e400') as number,
  2 ** 53,
  -(2 ** 53),
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  0.1 + 0.2,
  10n,
  -(2n ** 70n),
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  'x'.repeat(5_000_000),
  true,
  null,
  undefined,
  Symbol('hostile'),
  () => 1,
  new Date(Number.NaN),
];

/** Strange containers: deep, cyclic, prototype-polluting. */
export const hostileContainers: readonly unknown[] = [
  [],
  {},
  Object.create(null),
  nested(100_000, (inner) => [inner]),
  nested(100_000, (inner) => ({ data: inner })),
  cyclic(),
  JSON.parse('{"__proto__":{"type":"PlaceOrder","polluted":true},"type":"RefundPayment"}'),
  JSON.parse('{"constructor":{"prototype":{"polluted":true}}}'),
  new Map([['type', 'x']]),
  new Uint8Array(4),
];

// Not fc.constantFrom: fast-check probes its constants for a clone method, and a throwing getter or proxy throws there.
const pick = (values: readonly unknown[]): fc.Arbitrary<unknown> =>
  fc.nat({ max: values.length - 1 }).map((index) => values[index]);

/**
 * One hostile value: arbitrary JSON, an arbitrary JavaScript value, or one of
 * the shapes above. Values that throw when read are not among them (fast-check
 * itself reads every value it carries): see `hostileThunkArb`.
 */
export const hostileArb = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.json().map((text) => JSON.parse(text) as unknown),
    fc.anything({
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withObjectString: true,
      withSparseArray: true,
      withTypedArray: true,
    }),
    pick(hostileLeaves),
    pick(hostileContainers),
  );

/** Objects whose getters or proxy traps throw on any read, made fresh per call. */
export const unreadableInputs = (): readonly unknown[] => [throwingGetters(), throwingProxy()];

/**
 * A thunk that makes a hostile value, unreadable ones included (a getter or
 * every proxy trap throws): call it inside the property, where fast-check does
 * not look at the value.
 */
export const hostileThunkArb = (): fc.Arbitrary<() => unknown> =>
  fc.oneof(
    { weight: 9, arbitrary: hostileArb().map((value) => () => value) },
    { weight: 1, arbitrary: fc.nat({ max: 1 }).map((index) => () => unreadableInputs()[index]) },
  );

/** Every path to a node (object key or array index) of a JSON-like value, the root included. */
export const pathsOf = (value: unknown, prefix: readonly string[] = []): string[][] => {
  const here = [[...prefix]];
  if (typeof value !== 'object' || value === null) return here;
  for (const [key, item] of Object.entries(value)) here.push(...pathsOf(item, [...prefix, key]));
  return here;
};

/** A copy of a JSON-like value with the node at `path` replaced (or, for `path` [], the whole value). */
export const replaceAt = (value: unknown, path: readonly string[], replacement: unknown): unknown => {
  const [head, ...rest] = path;
  if (head === undefined) return replacement;
  if (Array.isArray(value))
    return (value as unknown[]).map((item, i) => (String(i) === head ? replaceAt(item, rest, replacement) : item));
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  copy[head] = replaceAt(copy[head], rest, replacement);
  return copy;
};

/** A copy with one more own key (any name, `__proto__` included) on the object at `path`. */
export const addKeyAt = (value: unknown, path: readonly string[], key: string, extra: unknown): unknown => {
  const [head, ...rest] = path;
  if (head !== undefined) {
    if (Array.isArray(value))
      return (value as unknown[]).map((item, i) => (String(i) === head ? addKeyAt(item, rest, key, extra) : item));
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    copy[head] = addKeyAt(copy[head], rest, key, extra);
    return copy;
  }
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  Object.defineProperty(copy, key, { value: extra, enumerable: true, writable: true, configurable: true });
  return copy;
};

/** Paths of the plain objects (not arrays) inside a JSON-like value, where an extra key can go. */
export const objectPathsOf = (value: unknown): string[][] =>
  pathsOf(value).filter((path) => {
    let node: unknown = value;
    for (const key of path) node = (node as Record<string, unknown>)[key];
    return typeof node === 'object' && node !== null && !Array.isArray(node);
  });
