import * as t from 'io-ts';

/**
 * The decode fast path: a predicate compiled once from an io-ts codec that
 * is true only when `codec.decode(u)` would succeed and hand back `u`
 * itself, unchanged. When it is true the decoder skips io-ts (its context
 * arrays, an Either per node, the key lists of `exact`); when it is false
 * the full decode runs and reports every failing field, as before. So the
 * fast path can never accept what the full decode would refuse, nor return
 * something other than what it would return.
 *
 * `codec.is` cannot serve: it checks the decoded type, not the input (a
 * codec from string to Date), and `t.strict(...).is` lets unknown keys
 * through that `decode` strips. So the predicate follows the combinators
 * whose `validate` io-ts defines (type, partial, exact/strict, array,
 * readonly, tagged and plain unions) and the primitives whose `is` and
 * `validate` agree; any other codec (a `new t.Type`, an intersection, a
 * refinement it does not know) is asked through its own `validate`, at that
 * node only, and passes only if it returns the very input.
 */

export type IdentityGuard = (u: unknown) => boolean;

export type IdentityGuardOptions = Readonly<{
  /**
   * The caller vouches that every own key of every object the guard is given
   * is enumerable (objects a store built itself from plain data). Then the
   * undeclared-key test of `exact` walks the keys with `for...in` instead of
   * making an `Object.getOwnPropertyNames` array: `for...in` sees every own
   * key then, and an inherited one only makes the guard say false (the full
   * decode decides). Where the promise does not hold, the guard may say true
   * of an object with a hidden key that `decode` would strip: never pass it
   * for input from outside.
   */
  ownKeysEnumerable?: boolean;
}>;

/** Codecs of this package whose `is` holds exactly when `validate` returns the input (SafeInt, IsoInstant). */
const exactIs = new WeakSet<t.Any>();
/** `refine(inner, predicate)`: the codec it wraps and its predicate. */
const refinements = new WeakMap<t.Any, Readonly<{ inner: t.Any; predicate: (u: never) => boolean }>>();

/** Declare that `codec.is(u)` holds exactly when `codec.validate(u)` succeeds with `u` itself. */
export const markExactIs = <T extends t.Any>(codec: T): T => {
  exactIs.add(codec);
  return codec;
};

/** Declare that `codec` validates with `inner`, then with `predicate` on the very value `inner` returned. */
export const markRefinement = <T extends t.Any, A>(codec: T, inner: t.Any, predicate: (a: A) => boolean): T => {
  refinements.set(codec, { inner, predicate });
  return codec;
};

type TagIndex = readonly [string, ReadonlyArray<readonly unknown[]>];
const getIndex = (t as unknown as { getIndex?: (codecs: readonly t.Any[]) => TagIndex | undefined }).getIndex;

const isRecord = (u: unknown): u is Record<string, unknown> => u !== null && typeof u === 'object' && !Array.isArray(u);
const hasOwn = (o: object, key: string): boolean => Object.hasOwn(o, key);

/** io-ts primitives whose `validate` is `is(u) ? success(u) : failure`. */
const primitive = (codec: t.Any): boolean =>
  codec instanceof t.StringType ||
  codec instanceof t.NumberType ||
  codec instanceof t.BooleanType ||
  codec instanceof t.NullType ||
  codec instanceof t.UndefinedType ||
  codec instanceof t.UnknownType ||
  codec instanceof t.LiteralType ||
  codec instanceof t.KeyofType;

/** At this node, ask the codec itself: does `validate` return the very input? */
const byValidate = (codec: t.Any): IdentityGuard => {
  const context: t.Context = [{ key: '', type: codec, actual: undefined }];
  return (u) => {
    const result = codec.validate(u, context);
    return result._tag === 'Right' && result.right === u;
  };
};

/** The props `exact` keeps, or undefined where io-ts's `getProps` would look further than this guard does. */
const exactProps = (codec: t.Any): t.Props | undefined => {
  if (codec instanceof t.InterfaceType || codec instanceof t.PartialType) return codec.props as t.Props;
  if (codec instanceof t.ReadonlyType) return exactProps(codec.type as t.Any);
  return undefined;
};

/**
 * `Function`, where the host lets code be compiled at run time (a page whose
 * Content-Security-Policy forbids eval does not): then every node keeps the
 * closures of `compile`.
 */
const compiler: ((...args: string[]) => (...values: unknown[]) => unknown) | undefined = (() => {
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- fixed text; keys enter only through JSON.stringify
    const probe = new Function('return 1') as () => unknown;
    return probe() === 1
      ? (Function as unknown as (...args: string[]) => (...values: unknown[]) => unknown)
      : undefined;
  } catch {
    return undefined;
  }
})();

/** The text of one generated guard: its statements, and the values they reach as `K[i]`. */
type Emitter = { constants: unknown[]; lines: string[]; next: number };

const constantOf = (emitter: Emitter, value: unknown): string => {
  emitter.constants.push(value);
  return `K[${emitter.constants.length - 1}]`;
};

/** Keys compared one by one up to this many; more go through a Set. */
const INLINE_KEYS = 8;

/**
 * Statements that return false unless the value in variable `v` passes the
 * guard of `codec`: the same tests as the closures of `compile`, written out
 * per node with the keys as literals. Why: the closures are one function per
 * combinator, so every codec of an app shares their property loads and calls,
 * which V8 then runs as megamorphic lookups (about ten times the cost of the
 * fold that follows, on the cart). Generated text gives each codec its own
 * code, with monomorphic loads. Nodes not written out here (arrays, partial,
 * `byValidate`) are called as their `compile` closure.
 */
const emit = (emitter: Emitter, codec: t.Any, v: string, enumerable: boolean): void => {
  const { lines } = emitter;
  if (primitive(codec) || exactIs.has(codec)) {
    lines.push(`if (!${constantOf(emitter, codec)}.is(${v})) return false;`);
    return;
  }
  const refined = refinements.get(codec);
  if (refined !== undefined) {
    emit(emitter, refined.inner, v, enumerable);
    lines.push(`if (!${constantOf(emitter, refined.predicate)}(${v})) return false;`);
    return;
  }
  if (codec instanceof t.InterfaceType) {
    const props = codec.props as t.Props;
    lines.push(`if (${v} === null || typeof ${v} !== 'object' || Array.isArray(${v})) return false;`);
    for (const key of Object.keys(props)) {
      const value = `v${emitter.next++}`;
      const name = JSON.stringify(key);
      // As the closure: io-ts copies the object to add a declared key that is missing, or for a NaN.
      lines.push(
        `const ${value} = ${v}[${name}];`,
        `if ((${value} === undefined && !Object.hasOwn(${v}, ${name})) || ${value} !== ${value}) return false;`,
      );
      emit(emitter, props[key] as t.Any, value, enumerable);
    }
    return;
  }
  if (codec instanceof t.ExactType) {
    const props = exactProps(codec.type as t.Any);
    if (props !== undefined) {
      lines.push(`if (${v} === null || typeof ${v} !== 'object' || Array.isArray(${v})) return false;`);
      emit(emitter, codec.type as t.Any, v, enumerable);
      // `exact` strips any own key it does not declare (enumerable or not): then it is a new object.
      const declared = Object.getOwnPropertyNames(props);
      const undeclared =
        declared.length === 0
          ? 'true'
          : declared.length <= INLINE_KEYS
            ? declared.map((key) => `k !== ${JSON.stringify(key)}`).join(' && ')
            : `!${constantOf(emitter, new Set(declared))}.has(k)`;
      // Every own key enumerable (the caller's promise): `for...in` lists them all, and makes no array.
      if (enumerable) {
        lines.push(`for (const k in ${v}) { if (${undeclared}) return false; }`);
        return;
      }
      const names = `n${emitter.next++}`;
      lines.push(
        `const ${names} = Object.getOwnPropertyNames(${v});`,
        `for (let i = 0; i < ${names}.length; i++) { const k = ${names}[i]; if (${undeclared}) return false; }`,
      );
      return;
    }
  }
  lines.push(`if (!${constantOf(emitter, compile(codec, enumerable))}(${v})) return false;`);
};

/** The guard of an interface or exact node as generated code, or undefined where the host compiles none. */
const generated = (codec: t.Any, enumerable: boolean): IdentityGuard | undefined => {
  if (compiler === undefined) return undefined;
  const emitter: Emitter = { constants: [], lines: [], next: 0 };
  emit(emitter, codec, 'u', enumerable);
  const make = compiler('K', `return function identityGuard(u) {\n${emitter.lines.join('\n')}\nreturn true;\n};`);
  return make(emitter.constants) as IdentityGuard;
};

/** `enumerable`: `IdentityGuardOptions.ownKeysEnumerable`; only generated code uses it, the closures always list every key. */
const compile = (codec: t.Any, enumerable: boolean): IdentityGuard => {
  if (primitive(codec) || exactIs.has(codec)) return (u) => codec.is(u);
  const refined = refinements.get(codec);
  if (refined !== undefined) {
    const inner = compile(refined.inner, enumerable);
    const predicate = refined.predicate as (u: unknown) => boolean;
    return (u) => inner(u) && predicate(u);
  }
  if (codec instanceof t.InterfaceType) {
    const fast = generated(codec, enumerable);
    if (fast !== undefined) return fast;
    const props = codec.props as t.Props;
    const keys = Object.keys(props);
    const guards = keys.map((key) => compile(props[key] as t.Any, enumerable));
    return (u) => {
      if (!isRecord(u)) return false;
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i] as string;
        const value = u[key];
        // io-ts copies the object to add a declared key that is missing, or where a value is not === itself (NaN).
        if ((value === undefined && !hasOwn(u, key)) || value !== value || !(guards[i] as IdentityGuard)(value))
          return false;
      }
      return true;
    };
  }
  if (codec instanceof t.PartialType) {
    const props = codec.props as t.Props;
    const keys = Object.keys(props);
    const guards = keys.map((key) => compile(props[key] as t.Any, enumerable));
    // io-ts leaves an undefined optional key as it is, unless its codec turns undefined into a value (a default).
    const undefinedKept = keys.map((key) => {
      const result = (props[key] as t.Any).validate(undefined, [{ key, type: props[key] as t.Any, actual: undefined }]);
      return result._tag === 'Left' || result.right === undefined;
    });
    return (u) => {
      if (!isRecord(u)) return false;
      for (let i = 0; i < keys.length; i++) {
        const value = u[keys[i] as string];
        if (value === undefined ? !undefinedKept[i] : value !== value || !(guards[i] as IdentityGuard)(value))
          return false;
      }
      return true;
    };
  }
  if (codec instanceof t.ExactType) {
    const props = exactProps(codec.type as t.Any);
    if (props === undefined) return byValidate(codec);
    const fast = generated(codec, enumerable);
    if (fast !== undefined) return fast;
    const inner = compile(codec.type as t.Any, enumerable);
    // A Set of the declared keys: a lookup by the key's cached hash, not a property lookup on `props` per key.
    const declared = new Set(Object.keys(props));
    const hasOwnDeclared = Object.getOwnPropertyNames(props).length === declared.size;
    return (u) => {
      if (!isRecord(u) || !inner(u)) return false;
      // `exact` strips any own key it does not declare (enumerable or not): then it is a new object.
      const names = Object.getOwnPropertyNames(u);
      for (let i = 0; i < names.length; i++) {
        const key = names[i] as string;
        if (hasOwnDeclared ? !declared.has(key) : !hasOwn(props, key)) return false;
      }
      return true;
    };
  }
  if (codec instanceof t.ArrayType || codec instanceof t.ReadonlyArrayType) {
    const item = compile(codec.type as t.Any, enumerable);
    return (u) => {
      if (!Array.isArray(u)) return false;
      for (let i = 0; i < u.length; i++) {
        const value: unknown = u[i];
        if (value !== value || !item(value)) return false;
      }
      return true;
    };
  }
  if (codec instanceof t.ReadonlyType) return compile(codec.type as t.Any, enumerable);
  if (codec instanceof t.TaggedUnionType) {
    const members = codec.types as readonly t.Any[];
    // io-ts's own tag index (exported, not typed), so the guard dispatches exactly as `validate` does.
    const index = getIndex?.(members);
    if (index === undefined) return byValidate(codec);
    const [tag, groups] = index;
    const byTag = new Map<unknown, IdentityGuard>();
    // Like io-ts, the first member that lists a tag value takes it.
    groups.forEach((values, i) => {
      for (const value of values) if (!byTag.has(value)) byTag.set(value, compile(members[i] as t.Any, enumerable));
    });
    // A few tags: compared one by one in generated code, each member called from its own call site.
    if (compiler !== undefined && byTag.size <= INLINE_KEYS) {
      const emitter: Emitter = { constants: [], lines: [], next: 0 };
      const { lines } = emitter;
      lines.push(`if (u === null || typeof u !== 'object' || Array.isArray(u)) return false;`);
      lines.push(`const tag = u[${JSON.stringify(tag)}];`);
      for (const [value, member] of byTag)
        lines.push(`if (tag === ${constantOf(emitter, value)}) return ${constantOf(emitter, member)}(u);`);
      lines.push('return false;');
      const make = compiler('K', `return function identityGuard(u) {\n${lines.join('\n')}\n};`);
      return make(emitter.constants) as IdentityGuard;
    }
    return (u) => {
      if (!isRecord(u)) return false;
      const member = byTag.get(u[tag]);
      return member !== undefined && member(u);
    };
  }
  if (codec instanceof t.UnionType) {
    // io-ts takes the first member that validates: the first member returning the input is that one.
    const first = (codec.types as readonly t.Any[])[0];
    return first === undefined ? () => false : compile(first, enumerable);
  }
  return byValidate(codec);
};

/**
 * The identity guard of `codec`, compiled once. It never throws past itself:
 * input whose getters throw is left to the full decode, which reports it.
 */
export const identityGuard = (codec: t.Any, options: IdentityGuardOptions = {}): IdentityGuard => {
  const guard = compile(codec, options.ownKeysEnumerable === true);
  return (u) => {
    try {
      return guard(u);
    } catch {
      return false;
    }
  };
};
