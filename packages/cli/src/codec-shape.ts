import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';

/**
 * The wire shape of an io-ts codec as rows of fields, for docs/wire-format.md
 * and `ordersource simulate --help`. Read off the codec itself, so the doc
 * changes when a codec does.
 */

export type FieldRow = Readonly<{
  /** "data.lines[].qty", "" for the value itself. */
  path: string;
  /** "string", "PositiveInteger", "'card' | 'cash'", "Money", "array of OrderLine". */
  type: string;
  required: boolean;
}>;

/** A named object shape used by several fields (Money, Address, OrderLine): documented once. */
export type NamedShape = Readonly<{ name: string; fields: readonly FieldRow[] }>;

type Tagged = t.Any & {
  _tag?: string;
  type?: t.Any;
  types?: readonly t.Any[];
  props?: t.Props;
  codomain?: t.Any;
  value?: unknown;
  keys?: Record<string, unknown>;
};

/**
 * Codecs made with `new t.Type` (core's refine, the domain's cross-field
 * checks) hide what they wrap. A cross-field check validates its inner codec
 * under an empty context key, so a failing probe names it; a refinement of an
 * object reports each required member by key. Anything else is a leaf.
 */
const unwrapOpaque = (codec: t.Any): { inner: t.Any } | { props: t.Props } | undefined => {
  let result: t.Validation<unknown>;
  try {
    result = codec.validate({}, [{ key: '', type: codec, actual: {} }]);
  } catch {
    return undefined;
  }
  if (E.isRight(result)) return undefined;
  const props: Record<string, t.Any> = {};
  for (const error of result.left) {
    const next = error.context[1];
    if (next === undefined) continue;
    if (next.key === '' && next.type !== codec) return { inner: next.type as t.Any };
    if (next.key !== '') props[next.key] = next.type as t.Any;
  }
  return Object.keys(props).length > 0 ? { props } : undefined;
};

const isAnonymous = (name: string): boolean => /^[{(]|^(Exact|Partial|Readonly|ReadonlyArray|Array)<|[&|]/.test(name);

type Node =
  | Readonly<{ kind: 'leaf'; type: string }>
  | Readonly<{ kind: 'object'; name: string; fields: ReadonlyMap<string, { codec: t.Any; required: boolean }> }>
  | Readonly<{ kind: 'array'; item: t.Any }>
  | Readonly<{ kind: 'record'; value: t.Any }>
  | Readonly<{ kind: 'union'; members: readonly t.Any[]; name: string }>;

const mergeObjects = (name: string, parts: readonly Node[]): Node => {
  const fields = new Map<string, { codec: t.Any; required: boolean }>();
  for (const part of parts)
    if (part.kind === 'object')
      for (const [key, field] of part.fields) {
        const seen = fields.get(key);
        fields.set(key, { codec: seen?.codec ?? field.codec, required: (seen?.required ?? false) || field.required });
      }
  return { kind: 'object', name, fields };
};

const nodeOf = (codec: Tagged, depth = 0): Node => {
  if (depth > 30) return { kind: 'leaf', type: codec.name };
  const props = (required: boolean): Node => ({
    kind: 'object',
    name: codec.name,
    fields: new Map(Object.entries(codec.props ?? {}).map(([key, c]) => [key, { codec: c, required }])),
  });
  switch (codec._tag) {
    case 'InterfaceType':
    case 'StrictType':
      return props(true);
    case 'PartialType':
      return props(false);
    case 'ExactType':
    case 'ReadonlyType':
    case 'RecursiveType': {
      const inner = nodeOf(codec.type as Tagged, depth + 1);
      return inner.kind === 'object' && !isAnonymous(codec.name) ? { ...inner, name: codec.name } : inner;
    }
    case 'RefinementType': {
      const inner = nodeOf(codec.type as Tagged, depth + 1);
      if (inner.kind === 'leaf') return { kind: 'leaf', type: codec.name };
      return inner.kind === 'object' && !isAnonymous(codec.name) ? { ...inner, name: codec.name } : inner;
    }
    case 'IntersectionType': {
      const parts = (codec.types ?? []).map((c) => nodeOf(c as Tagged, depth + 1));
      return parts.every((p) => p.kind === 'object')
        ? mergeObjects(codec.name, parts)
        : { kind: 'leaf', type: codec.name };
    }
    case 'UnionType':
      return { kind: 'union', members: codec.types ?? [], name: codec.name };
    case 'ArrayType':
    case 'ReadonlyArrayType':
      return { kind: 'array', item: codec.type as t.Any };
    case 'DictionaryType':
      return { kind: 'record', value: codec.codomain as t.Any };
    case 'LiteralType':
      return { kind: 'leaf', type: JSON.stringify(codec.value) };
    case 'KeyofType':
      return {
        kind: 'leaf',
        type: Object.keys(codec.keys ?? {})
          .map((k) => JSON.stringify(k))
          .join(' | '),
      };
    case 'StringType':
    case 'NumberType':
    case 'BooleanType':
    case 'NullType':
    case 'UnknownType':
      return { kind: 'leaf', type: codec.name };
    case undefined: {
      const opaque = unwrapOpaque(codec);
      if (opaque === undefined) return { kind: 'leaf', type: codec.name };
      if ('inner' in opaque) {
        const inner = nodeOf(opaque.inner, depth + 1);
        return inner.kind === 'object' && !isAnonymous(codec.name) ? { ...inner, name: codec.name } : inner;
      }
      return {
        kind: 'object',
        name: codec.name,
        fields: new Map(Object.entries(opaque.props).map(([key, c]) => [key, { codec: c, required: true }])),
      };
    }
    default:
      return { kind: 'leaf', type: codec.name };
  }
};

/** Collects named shapes as it goes: a named object is documented once and referred to by name. */
export type ShapeBook = Map<string, NamedShape>;

const typeName = (codec: t.Any, book: ShapeBook): string => {
  const node = nodeOf(codec);
  switch (node.kind) {
    case 'leaf':
      return node.type;
    case 'array':
      return `array of ${typeName(node.item, book)}`;
    case 'record':
      return `map of string to ${typeName(node.value, book)}`;
    case 'union': {
      const members = node.members.map((m) => typeName(m, book));
      return members.join(' | ');
    }
    case 'object':
      if (isAnonymous(node.name)) return 'object';
      if (!book.has(node.name)) {
        book.set(node.name, { name: node.name, fields: [] });
        book.set(node.name, { name: node.name, fields: objectRows(node, '', book) });
      }
      return node.name;
  }
};

const objectRows = (node: Extract<Node, { kind: 'object' }>, prefix: string, book: ShapeBook): FieldRow[] => {
  const rows: FieldRow[] = [];
  for (const [key, field] of node.fields) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    rows.push(...fieldRows(field.codec, path, field.required, book));
  }
  return rows;
};

/** Rows for one field: anonymous objects (and arrays of them) are spelled out in place; named ones by name. */
const fieldRows = (codec: t.Any, path: string, required: boolean, book: ShapeBook): FieldRow[] => {
  const node = nodeOf(codec);
  if (node.kind === 'object' && isAnonymous(node.name)) {
    const inner = objectRows(node, path, book);
    return [{ path, type: 'object', required }, ...inner];
  }
  if (node.kind === 'array') {
    const item = nodeOf(node.item);
    if (item.kind === 'object' && isAnonymous(item.name))
      return [{ path, type: 'array of object', required }, ...objectRows(item, `${path}[]`, book)];
  }
  return [{ path, type: typeName(codec, book), required }];
};

/** The rows of an object codec (a command's data), its own fields spelled out. */
export const rowsOf = (codec: t.Any, book: ShapeBook): FieldRow[] => {
  const node = nodeOf(codec);
  if (node.kind !== 'object') return [{ path: '', type: typeName(codec, book), required: true }];
  return objectRows(node, '', book);
};
