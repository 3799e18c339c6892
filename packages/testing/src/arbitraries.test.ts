import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { describe, expect, it } from 'vitest';
import {
  ActorCodec,
  CommandMetadataCodec,
  IsoInstant,
  MoneyCodec,
  NonNegativeMoneyCodec,
  PositiveMoneyCodec,
  decode,
  isCurrency,
} from '@ordersource/core';
import {
  actorArb,
  commandArb,
  commandMetadataArb,
  currencyArb,
  idArb,
  isoInstantArb,
  moneyArb,
  nonNegativeMoneyArb,
  positiveMoneyArb,
} from './arbitraries.js';

const valid =
  <A, O>(codec: t.Type<A, O, unknown>) =>
  (value: unknown): boolean =>
    E.isRight(decode(codec)(value));

describe('arbitraries', () => {
  it('money decodes with the money codecs and respects sign and currency', () => {
    fc.assert(fc.property(moneyArb(), valid(MoneyCodec)));
    fc.assert(fc.property(nonNegativeMoneyArb(), (m) => valid(NonNegativeMoneyCodec)(m) && m.amount >= 0));
    fc.assert(
      fc.property(positiveMoneyArb({ currency: 'RUB' }), (m) => valid(PositiveMoneyCodec)(m) && m.currency === 'RUB'),
    );
    fc.assert(
      fc.property(
        moneyArb({ currency: fc.constantFrom('JPY', 'KWD'), min: -5, max: 5 }),
        (m) => ['JPY', 'KWD'].includes(m.currency) && m.amount >= -5 && m.amount <= 5,
      ),
    );
    fc.assert(
      fc.property(moneyArb({ min: Number.MAX_SAFE_INTEGER - 1, max: Number.MAX_SAFE_INTEGER }), valid(MoneyCodec)),
    );
  });

  it('currencies are ISO 4217 codes the kernel knows, and many of them appear', () => {
    const sample = fc.sample(currencyArb(), 500);
    expect(sample.every(isCurrency)).toBe(true);
    expect(new Set(sample).size).toBeGreaterThan(50);
  });

  it('actors of each kind decode; only customers carry a company', () => {
    for (const kind of ['admin', 'customer', 'system', 'provider'] as const)
      fc.assert(
        fc.property(
          actorArb(kind),
          (actor) =>
            valid(ActorCodec)(actor) && actor.kind === kind && (kind === 'customer' || actor.companyId === undefined),
        ),
      );
    const kinds = new Set(fc.sample(actorArb(), 200).map((actor) => actor.kind));
    expect(kinds).toEqual(new Set(['admin', 'customer', 'system', 'provider']));
  });

  it('ids are uuid-like and distinct; instants are ISO instants', () => {
    const ids = fc.sample(idArb(), 200);
    expect(ids.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBeGreaterThan(190);
    fc.assert(fc.property(isoInstantArb(), valid(IsoInstant)));
    const bounded = isoInstantArb({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2026-01-02T00:00:00Z') });
    fc.assert(fc.property(bounded, (at) => at.startsWith('2026-01-0')));
  });

  it('command metadata and commands decode at the boundary', () => {
    fc.assert(fc.property(commandMetadataArb(), valid(CommandMetadataCodec)));
    fc.assert(
      fc.property(
        commandArb('AddItem', fc.record({ qty: fc.nat() })),
        (command) => command.type === 'AddItem' && valid(CommandMetadataCodec)(command.metadata),
      ),
    );
  });
});
