import fc from 'fast-check';
import {
  currencies,
  minorUnitExponent,
  type Actor,
  type ActorKind,
  type Command,
  type CommandMetadata,
  type Money,
} from '@ordersource/core';

/**
 * fast-check arbitraries for the kernel's value types. Every value they make
 * decodes with the matching codec (`MoneyCodec`, `ActorCodec`,
 * `CommandMetadataCodec`, `IsoInstant`), so properties can feed them straight
 * into deciders or through the boundary.
 */

/** Any ISO 4217 code the kernel accepts. */
export const currencyArb = (): fc.Arbitrary<string> => fc.constantFrom(...currencies());

/** A currency with the usual two-digit minor unit (EUR, RUB, USD, ...). */
export const twoDecimalCurrencyArb = (): fc.Arbitrary<string> =>
  fc.constantFrom(...currencies().filter((code) => minorUnitExponent(code) === 2));

export type MoneyArbOptions = Readonly<{
  /** A fixed currency, or an arbitrary of them (default: any ISO 4217 code). */
  currency?: string | fc.Arbitrary<string>;
  /** Smallest amount in minor units (default -10^12). */
  min?: number;
  /** Largest amount in minor units (default 10^12). Up to Number.MAX_SAFE_INTEGER. */
  max?: number;
}>;

const DEFAULT_BOUND = 1_000_000_000_000;

const currencyOf = (currency: MoneyArbOptions['currency']): fc.Arbitrary<string> =>
  currency === undefined ? currencyArb() : typeof currency === 'string' ? fc.constant(currency) : currency;

/** Money in one currency (or any), amount in [min, max] minor units. */
export const moneyArb = (options: MoneyArbOptions = {}): fc.Arbitrary<Money> =>
  fc.record({
    amount: fc.integer({ min: options.min ?? -DEFAULT_BOUND, max: options.max ?? DEFAULT_BOUND }),
    currency: currencyOf(options.currency),
  });

/** Money >= 0 (prices, payments). */
export const nonNegativeMoneyArb = (options: Omit<MoneyArbOptions, 'min'> = {}): fc.Arbitrary<Money> =>
  moneyArb({ ...options, min: 0 });

/** Money > 0 (a capture, a refund). */
export const positiveMoneyArb = (options: Omit<MoneyArbOptions, 'min'> = {}): fc.Arbitrary<Money> =>
  moneyArb({ ...options, min: 1 });

/** A uuid-like id (what commandIds, eventIds and entity ids look like). */
export const idArb = (): fc.Arbitrary<string> => fc.uuid();

/** A stream id such as `order-<uuid>`. */
export const streamIdArb = (prefix: string): fc.Arbitrary<string> => idArb().map((id) => `${prefix}${id}`);

const NAMES = ['Ann', 'Иван Петров', 'Zoë O’Brien', '李雷', 'Bob "Bobby" Tables', 'Ølaf 🛒'];

/** An actor of the given kind (or any kind); customers sometimes belong to a company, names are optional. */
export const actorArb = (kind?: ActorKind): fc.Arbitrary<Actor> => {
  const kindArb: fc.Arbitrary<ActorKind> =
    kind === undefined ? fc.constantFrom<ActorKind>('admin', 'customer', 'system', 'provider') : fc.constant(kind);
  return kindArb.chain((k) =>
    fc.record(
      {
        kind: fc.constant(k),
        id: idArb().map((id) => `${k}-${id}`),
        name: fc.constantFrom(...NAMES),
        ...(k === 'customer' ? { companyId: idArb().map((id) => `company-${id}`) } : {}),
      },
      { requiredKeys: ['kind', 'id'] },
    ),
  );
};

export const adminArb = (): fc.Arbitrary<Actor> => actorArb('admin');
export const customerArb = (): fc.Arbitrary<Actor> => actorArb('customer');
export const systemActorArb = (): fc.Arbitrary<Actor> => actorArb('system');
export const providerArb = (): fc.Arbitrary<Actor> => actorArb('provider');

export type InstantArbOptions = Readonly<{ min?: Date; max?: Date }>;

/** An ISO-8601 UTC instant (`2026-11-24T10:00:00.000Z`), default between 2000 and 2100. */
export const isoInstantArb = (options: InstantArbOptions = {}): fc.Arbitrary<string> =>
  fc
    .date({
      min: options.min ?? new Date('2000-01-01T00:00:00.000Z'),
      max: options.max ?? new Date('2100-01-01T00:00:00.000Z'),
      noInvalidDate: true,
    })
    .map((date) => date.toISOString());

export type MetadataArbOptions = Readonly<{
  actor?: fc.Arbitrary<Actor>;
  at?: fc.Arbitrary<string>;
}>;

/** Command metadata: a fresh commandId, an actor, an instant, and sometimes correlation and causation ids. */
export const commandMetadataArb = (options: MetadataArbOptions = {}): fc.Arbitrary<CommandMetadata> =>
  fc.record(
    {
      commandId: idArb(),
      actor: options.actor ?? actorArb(),
      at: options.at ?? isoInstantArb(),
      correlationId: idArb(),
      causationId: idArb(),
    },
    { requiredKeys: ['commandId', 'actor', 'at'] },
  );

/** A full command of one type from an arbitrary of its data. */
export const commandArb = <T extends string, D>(
  type: T,
  data: fc.Arbitrary<D>,
  metadata: fc.Arbitrary<CommandMetadata> = commandMetadataArb(),
): fc.Arbitrary<Command<T, D>> => fc.record({ type: fc.constant(type), data, metadata });
