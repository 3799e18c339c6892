import type * as t from 'io-ts';

/**
 * JSON Schema (2020-12, the dialect of OpenAPI 3.1) from io-ts codecs, so the
 * API document says what the decoders check, from the same source. io-ts's
 * own combinators are read structurally; core's refinements (`refine`,
 * the checkout's cross-field `checked`) are `new t.Type`s without a tag, so
 * they are named in `REFINEMENTS` by their codec name, and a cross-field
 * check is seen through by probing it: its validate runs the codec it wraps
 * under an empty context key, which names that codec. A codec this file
 * cannot describe is recorded in `unknown` (the OpenAPI test requires none).
 */

export type Schema = Record<string, unknown>;

const money = (minimum: number): Schema => ({
  type: 'object',
  properties: {
    amount: { type: 'integer', minimum, maximum: Number.MAX_SAFE_INTEGER, description: 'minor units' },
    currency: { type: 'string', pattern: '^[A-Z]{3}$', description: 'ISO 4217' },
  },
  required: ['amount', 'currency'],
  additionalProperties: false,
});

const MARKING_CODE: Schema = {
  type: 'string',
  minLength: 8,
  maxLength: 512,
  pattern: '^[\\x21-\\x7e\\x1d]+$',
  description: 'a marking code as scanned (GS1 characters, GS between fields)',
};

/** core's and the domain's refinements, by codec name. */
const REFINEMENTS: Readonly<Record<string, Schema>> = {
  NonEmptyString: { type: 'string', minLength: 1 },
  SafeInteger: { type: 'integer', minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER },
  PositiveInteger: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
  NonNegativeInteger: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
  IsoInstant: { type: 'string', format: 'date-time', description: 'ISO-8601 instant with a zone' },
  LanguageTag: { type: 'string', pattern: '^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$', description: 'BCP 47' },
  'CountryCode(ISO 3166 alpha-2)': { type: 'string', pattern: '^[A-Z]{2}$' },
  'Currency(ISO 4217)': { type: 'string', pattern: '^[A-Z]{3}$' },
  NonNegativeMoney: money(0),
  // REC-6 (issue 9.5): a scanned code is printable ASCII or GS separators; a line's codes name each unit once.
  'MarkingCode(8-512 printable ASCII characters or GS separators, no spaces)': MARKING_CODE,
  'MarkingCodes(each code once: one code per unit)': { type: 'array', items: MARKING_CODE, uniqueItems: true },
  PositiveMoney: money(1),
  // Issue 9: the goods an admin names for a refund recorded with none (AssignRefundGoods), at least one position.
  'AtLeastOneLine(an assignment names the goods that came back)': {
    type: 'array',
    minItems: 1,
    items: {
      type: 'object',
      properties: {
        lineId: { type: 'string', minLength: 1, description: 'the receipt position: the order line id, or <lineId>~1' },
        qty: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
        markingCodes: {
          type: 'array',
          items: MARKING_CODE,
          uniqueItems: true,
          description: 'REC-6: one per unit back',
        },
      },
      required: ['lineId', 'qty'],
      additionalProperties: false,
    },
  },
};

type Tagged = t.Any & {
  _tag?: string;
  type?: t.Any;
  types?: readonly t.Any[];
  props?: t.Props;
  codomain?: t.Any;
  value?: unknown;
  keys?: Record<string, unknown>;
};

const SIMPLE_NAME = /^[A-Z][A-Za-z0-9]*$/;

export type SchemaRegistry = Readonly<{
  /** The schema for a codec; named object codecs become `$ref`s into `components.schemas`. */
  schemaOf: (codec: t.Any) => Schema;
  components: () => Record<string, Schema>;
  /** Codec names that could not be described. */
  unknown: () => readonly string[];
}>;

/** The codec a cross-field check wraps, found from the context of its own validation errors. */
const wrappedBy = (codec: t.Any): t.Any | undefined => {
  try {
    const result = codec.validate(null, [{ key: '', type: codec, actual: null }]);
    if (result._tag !== 'Left') return undefined;
    const entry = result.left[0]?.context[1];
    return entry !== undefined && entry.key === '' && entry.type !== codec ? (entry.type as t.Any) : undefined;
  } catch {
    return undefined;
  }
};

const isObjectSchema = (s: Schema): boolean => s['type'] === 'object' && s['properties'] !== undefined;

export const createSchemaRegistry = (): SchemaRegistry => {
  const components: Record<string, Schema> = {};
  const byName = new Map<string, t.Any>();
  const unknown = new Set<string>();

  const convert = (codec: Tagged, exact: boolean): Schema => {
    const known = REFINEMENTS[codec.name];
    if (known !== undefined) return known;
    switch (codec._tag) {
      case 'StringType':
        return { type: 'string' };
      case 'NumberType':
        return { type: 'number' };
      case 'BooleanType':
        return { type: 'boolean' };
      case 'NullType':
        return { type: 'null' };
      case 'UnknownType':
        return {};
      case 'LiteralType':
        return { const: codec.value };
      case 'KeyofType':
        return { type: 'string', enum: Object.keys(codec.keys ?? {}) };
      case 'InterfaceType':
      case 'StrictType':
      case 'PartialType': {
        const properties: Record<string, Schema> = {};
        for (const [key, type] of Object.entries(codec.props ?? {})) properties[key] = schemaOf(type);
        return {
          type: 'object',
          properties,
          ...(codec._tag === 'PartialType' ? {} : { required: Object.keys(properties) }),
          ...(exact || codec._tag === 'StrictType' ? { additionalProperties: false } : {}),
        };
      }
      case 'ExactType':
        return convert(codec.type as Tagged, true);
      case 'ReadonlyType':
      case 'RefinementType':
        return convert(codec.type as Tagged, exact);
      case 'ArrayType':
      case 'ReadonlyArrayType':
        return { type: 'array', items: schemaOf(codec.type as t.Any) };
      case 'DictionaryType':
        return { type: 'object', additionalProperties: schemaOf(codec.codomain as t.Any) };
      case 'UnionType':
        return { anyOf: (codec.types ?? []).map((member) => schemaOf(member)) };
      case 'IntersectionType': {
        const parts = (codec.types ?? []).map((member) => inline(member as Tagged));
        if (!parts.every(isObjectSchema)) return { allOf: parts };
        // Merged into one object: every member declares its keys, and the decoder refuses any other.
        const properties: Record<string, unknown> = {};
        const required: string[] = [];
        for (const part of parts) {
          Object.assign(properties, part['properties']);
          required.push(...((part['required'] as string[] | undefined) ?? []));
        }
        return { type: 'object', properties, required, additionalProperties: false };
      }
      case undefined: {
        const inner = wrappedBy(codec);
        if (inner !== undefined) return convert(inner, exact);
        unknown.add(codec.name);
        return { description: codec.name };
      }
      default:
        unknown.add(codec.name);
        return { description: codec.name };
    }
  };

  /** The schema itself, never a $ref (intersections merge their members' properties). */
  const inline = (codec: Tagged): Schema => convert(codec, false);

  const schemaOf = (codec: t.Any): Schema => {
    const schema = inline(codec);
    if (!SIMPLE_NAME.test(codec.name) || !isObjectSchema(schema) || REFINEMENTS[codec.name] !== undefined)
      return schema;
    const taken = byName.get(codec.name);
    if (taken !== undefined && taken !== codec) return schema;
    byName.set(codec.name, codec);
    components[codec.name] = schema;
    return { $ref: `#/components/schemas/${codec.name}` };
  };

  return { schemaOf, components: () => components, unknown: () => [...unknown] };
};
