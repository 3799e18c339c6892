import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { describe, expect, it } from 'vitest';
import { actorArb, commandMetadataArb } from '../../testing/src/index.js';
import { ActorCodec } from './actor.js';
import { decode } from './codec.js';
import { CommandMetadataCodec, commandCodec, eventCodec } from './message.js';

const rules = (result: E.Either<{ issues: readonly { path: string; rule: string }[] }, unknown>): string[] =>
  E.isLeft(result) ? result.left.issues.map((i) => `${i.path} ${i.rule}`) : [];

describe('messages at the boundary', () => {
  it('every generated actor and metadata decodes to itself', () => {
    fc.assert(
      fc.property(actorArb(), (actor) => {
        expect(decode(ActorCodec)(actor)).toEqual(E.right(actor));
      }),
    );
    fc.assert(
      fc.property(commandMetadataArb(), (metadata) => {
        expect(decode(CommandMetadataCodec)(metadata)).toEqual(E.right(metadata));
      }),
    );
  });

  it('actors: a known kind, a non-empty id, and no empty company', () => {
    expect(rules(decode(ActorCodec)({ kind: 'robot', id: '' }))).toEqual(['kind ActorKind', 'id NonEmptyString']);
    expect(rules(decode(ActorCodec)({ kind: 'customer', id: 'c', companyId: ' ' }))).toEqual([
      'companyId NonEmptyString',
    ]);
    expect(decode(ActorCodec)({ kind: 'admin', id: 'a', role: 'root' })).toEqual(E.right({ kind: 'admin', id: 'a' }));
  });

  it('metadata: extra keys are dropped; optional ids must not be empty when given', () => {
    const base = { commandId: 'c1', actor: { kind: 'system', id: 's' }, at: '2026-11-24T10:00:00Z' };
    expect(decode(CommandMetadataCodec)({ ...base, tenant: 'x' })).toEqual(E.right(base));
    expect(rules(decode(CommandMetadataCodec)({ ...base, correlationId: '', causationId: 7 }))).toEqual([
      'correlationId NonEmptyString',
      'causationId NonEmptyString',
    ]);
  });

  it('commandCodec and eventCodec check the type literal and the data', () => {
    const Ping = commandCodec('Ping', t.strict({ n: t.number }));
    const metadata = { commandId: 'c1', actor: { kind: 'system', id: 's' }, at: '2026-11-24T10:00:00Z' };
    expect(decode(Ping)({ type: 'Ping', data: { n: 1 }, metadata })).toEqual(
      E.right({ type: 'Ping', data: { n: 1 }, metadata }),
    );
    expect(rules(decode(Ping)({ type: 'Pong', data: { n: 'x' }, metadata }))).toEqual(['type "Ping"', 'data.n number']);
    const Pinged = eventCodec('Pinged', t.strict({ n: t.number }));
    expect(decode(Pinged)({ type: 'Pinged', data: { n: 2 }, extra: true })).toEqual(
      E.right({ type: 'Pinged', data: { n: 2 } }),
    );
    expect(rules(decode(Pinged)({ type: 'Pinged' }))).toEqual(['data {| n: number |}']);
  });
});
