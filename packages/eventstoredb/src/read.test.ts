import * as E from 'fp-ts/lib/Either.js';
import { newId, type NewEvent } from '@ordersource/core';
import { describe, expect, it } from 'vitest';
import { appendEvents } from './append.js';
import type { ClientReadStreamOptions } from './client.js';
import { serverName } from './errors.js';
import { lastVersion, readStoredEvents } from './read.js';
import { appendRules } from './test-support/append-rules.js';

/**
 * How the port's read options become the clients' (revisions as bigint, a
 * backwards read from the end), against the model of the server's streams in
 * test-support/append-rules.ts: not a server.
 */
const setup = async () => {
  const rules = appendRules('kurrentdb');
  const sent: ClientReadStreamOptions[] = [];
  const readStream = rules.client.readStream.bind(rules.client);
  const client = {
    ...rules.client,
    readStream: (name: string, options: ClientReadStreamOptions) => {
      if (name === 's') sent.push(options);
      return readStream(name, options);
    },
  };
  const context = {
    client,
    dialect: 'kurrentdb' as const,
    server: serverName(undefined),
    newAppendId: newId,
    newEventId: newId,
    claims: { atomic: true },
  };
  const events: NewEvent[] = Array.from({ length: 5 }, () => ({
    event: { type: 'Happened', data: {} },
    eventId: newId(),
    occurredAt: '2026-12-01T10:00:00.000Z',
    actor: { kind: 'system', id: 'test' },
  }));
  expect(E.isRight(await appendEvents(context, 's', events, 'no-stream'))).toBe(true);
  sent.length = 0;
  return { context, sent };
};

const versions = async (
  context: Awaited<ReturnType<typeof setup>>['context'],
  options: Parameters<typeof readStoredEvents>[2],
) => (await readStoredEvents(context, 's', options)).map((stored) => stored.envelope.streamVersion);

describe('reading a stream: the port’s options in the clients’ words', () => {
  it('forwards and backwards, with from and limit', async () => {
    const { context, sent } = await setup();
    expect(await versions(context, {})).toEqual([0, 1, 2, 3, 4]);
    expect(await versions(context, { from: 2, limit: 2 })).toEqual([2, 3]);
    expect(await versions(context, { direction: 'backwards' })).toEqual([4, 3, 2, 1, 0]);
    expect(await versions(context, { direction: 'backwards', from: 3, limit: 2 })).toEqual([3, 2]);
    expect(sent).toEqual([
      { direction: 'forwards', fromRevision: 'start', maxCount: Number.MAX_SAFE_INTEGER },
      { direction: 'forwards', fromRevision: 2n, maxCount: 2 },
      { direction: 'backwards', fromRevision: 'end', maxCount: Number.MAX_SAFE_INTEGER },
      { direction: 'backwards', fromRevision: 3n, maxCount: 2 },
    ]);
  });

  it('a limit of 0 asks the server nothing; a stream it does not know reads empty, version -1', async () => {
    const { context, sent } = await setup();
    expect(await versions(context, { limit: 0 })).toEqual([]);
    expect(sent).toEqual([]);
    expect(await readStoredEvents(context, 'unknown', {})).toEqual([]);
    expect(await lastVersion(context, 'unknown')).toBe(-1);
  });

  it('streamVersion asks the leader for the last event only', async () => {
    const { context, sent } = await setup();
    expect(await lastVersion(context, 's')).toBe(4);
    expect(sent).toEqual([{ direction: 'backwards', fromRevision: 'end', maxCount: 1, requiresLeader: true }]);
  });
});
