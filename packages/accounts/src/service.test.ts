import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { createInMemoryEventStore, type EventStore } from '@ordersource/core';
import { customerStreamId } from '@ordersource/domain/customers';
import { createAccountsService } from './service.js';

/** CUS-1 end to end on the in-memory store, with real scrypt hashes and random tokens. */

const start = Date.UTC(2026, 11, 1, 9, 0);
const setup = async () => {
  const store = createInMemoryEventStore();
  let now = start;
  const accounts = createAccountsService({ store, clock: () => new Date(now) });
  await store.append(
    customerStreamId('cu-mai'),
    [
      {
        eventId: 'e-1',
        event: {
          type: 'GuestCustomerCreated',
          data: {
            at: new Date(start).toISOString(),
            customerId: 'cu-mai',
            name: 'Mai',
            orderId: 'o-1',
            email: 'mai@example.vn',
          },
        },
        occurredAt: new Date(start).toISOString(),
        actor: { kind: 'system', id: 'reactor' },
        schemaVersion: 1,
      },
    ],
    'no-stream',
  );
  return { store, accounts, advance: (minutes: number) => (now += minutes * 60_000) };
};

const stored = async (store: EventStore) => {
  const rows: string[] = [];
  for await (const envelope of store.read(customerStreamId('cu-mai'))) rows.push(JSON.stringify(envelope.event));
  return rows.join('\n');
};

const right = <A>(either: E.Either<unknown, A>): A => {
  if (E.isLeft(either)) throw new Error(JSON.stringify(either.left));
  return either.right;
};

describe('CUS-1: the accounts service', () => {
  it('CUS-1: invitation -> account -> login; tokens and passwords never reach the events', async () => {
    const { store, accounts } = await setup();
    const token = right(await accounts.invite('cu-mai'));
    right(await accounts.acceptInvitation('cu-mai', token, { name: 'Mai Nguyễn', password: 'hoa sen 2026' }));
    expect(right(await accounts.login('cu-mai', 'hoa sen 2026'))).toBe('ok');
    expect(right(await accounts.login('cu-mai', 'wrong one!'))).toBe('wrong-password');
    const again = await accounts.acceptInvitation('cu-mai', token, { name: 'X', password: 'other pass' });
    expect(E.isLeft(again) && 'code' in again.left && again.left.code).toBe('invitation-used');
    const log = await stored(store);
    expect(log).not.toContain(token);
    expect(log).not.toContain('hoa sen 2026');
    expect(log).toContain('scrypt$ln=15');
  });

  it('CUS-1: five wrong passwords lock the account; the right one is refused until the lock ends', async () => {
    const { accounts, advance } = await setup();
    const token = right(await accounts.invite('cu-mai'));
    right(await accounts.acceptInvitation('cu-mai', token, { name: 'Mai', password: 'hoa sen 2026' }));
    for (let i = 0; i < 5; i++) expect(right(await accounts.login('cu-mai', `guess ${i}xx`))).toBe('wrong-password');
    expect(right(await accounts.login('cu-mai', 'hoa sen 2026'))).toBe('locked');
    advance(15);
    expect(right(await accounts.login('cu-mai', 'hoa sen 2026'))).toBe('ok');
  });

  it('CUS-1: reset by token, once, before it expires; change password checks the current one', async () => {
    const { accounts, advance } = await setup();
    right(
      await accounts.acceptInvitation('cu-mai', right(await accounts.invite('cu-mai')), {
        name: 'Mai',
        password: 'hoa sen 2026',
      }),
    );
    const late = right(await accounts.requestReset('cu-mai'));
    advance(61);
    const expired = await accounts.resetPassword('cu-mai', late, 'new pass 1');
    expect(E.isLeft(expired) && 'code' in expired.left && expired.left.code).toBe('reset-expired');
    const token = right(await accounts.requestReset('cu-mai'));
    right(await accounts.resetPassword('cu-mai', token, 'new pass 1'));
    const twice = await accounts.resetPassword('cu-mai', token, 'new pass 2');
    expect(E.isLeft(twice) && 'code' in twice.left && twice.left.code).toBe('reset-used');
    expect(right(await accounts.login('cu-mai', 'new pass 1'))).toBe('ok');
    const mai = { kind: 'customer' as const, id: 'cu-mai' };
    const wrong = await accounts.changePassword(mai, 'not it at all', 'third pass');
    expect(E.isLeft(wrong) && 'code' in wrong.left && wrong.left.code).toBe('wrong-password');
    right(await accounts.changePassword(mai, 'new pass 1', 'third pass'));
    expect(right(await accounts.login('cu-mai', 'third pass'))).toBe('ok');
  });

  it('CUS-3: a guest order-status token opens its order only', async () => {
    const { accounts } = await setup();
    const token = right(await accounts.issueOrderAccessToken('cu-mai', 'o-1'));
    expect(await accounts.opensOrder('cu-mai', 'o-1', token)).toBe(true);
    expect(await accounts.opensOrder('cu-mai', 'o-2', token)).toBe(false);
    expect(await accounts.opensOrder('cu-mai', 'o-1', `${token}x`)).toBe(false);
    const foreign = await accounts.issueOrderAccessToken('cu-mai', 'o-77');
    expect(E.isLeft(foreign) && 'code' in foreign.left && foreign.left.code).toBe('unknown-order');
  });

  it('a short password is refused before anything is hashed or written', async () => {
    const { accounts } = await setup();
    const result = await accounts.acceptInvitation('cu-mai', right(await accounts.invite('cu-mai')), {
      name: 'M',
      password: 'short',
    });
    expect(E.isLeft(result) && 'code' in result.left && result.left.code).toBe('password-too-short');
  });
});
