import { storeError } from './errors.js';

/**
 * The schema name is the only identifier that comes from configuration; it is
 * validated against a strict pattern and then quoted anyway. Values never
 * enter SQL text: they travel as parameters.
 */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,47}$/;

export const validateSchemaName = (schema: string): string => {
  if (!SCHEMA_NAME.test(schema) || schema.startsWith('pg_'))
    throw storeError(
      'invalid-schema-name',
      `invalid schema name ${JSON.stringify(schema)}: use 1-48 lower-case letters, digits and underscores, ` +
        'starting with a letter or underscore, and not starting with "pg_"',
    );
  return schema;
};

/** A double-quoted identifier. */
export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** A single-quoted literal, for validated names only (channel names inside generated DDL). */
export const quoteLiteral = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/** The NOTIFY channel of a schema's event table. */
export const channelOf = (schema: string): string => `ordersource_${schema}`;

/** A stable 31-bit key for a schema, the first half of its advisory locks. */
export const lockKeyOf = (schema: string): number => {
  let hash = 0x811c9dc5;
  for (const char of `ordersource:${schema}`) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash & 0x7fffffff;
};
