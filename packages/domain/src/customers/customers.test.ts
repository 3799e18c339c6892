import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { applyEvents, effectsOf, type Actor, type Envelope } from '@ordersource/core';
import type { OrderEvent } from '../order/events.js';
import { decodeCustomerCommand, type CustomerCommand } from './commands.js';
import { decideCompany, companyDecider, type CompanyCommand } from './company.js';
import { customerDecider } from './decider.js';
import { CustomerEventCodec, customerStreamId, type CustomerEvent } from './events.js';
import { guestCustomerReactor } from './guest-from-order.js';
import { defaultCustomerSettings } from './settings.js';
import { initialCustomerState, isLocked, orderTokenOpens, type CustomerState } from './state.js';

const system: Actor = { kind: 'system', id: 'accounts' };
const admin: Actor = { kind: 'admin', id: 'lan' };
const mai: Actor = { kind: 'customer', id: 'cu-mai' };
const stranger: Actor = { kind: 'customer', id: 'cu-x' };
const h = (c: string) => c.repeat(64);
const T = (minute: number) => new Date(Date.UTC(2026, 11, 1, 9, minute)).toISOString();
let n = 0;
const cmd = <K extends CustomerCommand['type']>(
  type: K,
  data: Extract<CustomerCommand, { type: K }>['data'],
  actor: Actor = system,
  at = T(0),
): CustomerCommand => ({ type, data, metadata: { commandId: `c-${++n}`, actor, at } }) as CustomerCommand;

const decider = customerDecider(defaultCustomerSettings);
type Run = { state: CustomerState; events: CustomerEvent[]; errors: string[] };
const run = (
  commands: readonly CustomerCommand[],
  from: Run = { state: initialCustomerState, events: [], errors: [] },
) =>
  commands.reduce<Run>((acc, command) => {
    const decided = decider.decide(command, acc.state);
    if (E.isLeft(decided)) return { ...acc, errors: [...acc.errors, decided.left.code] };
    return {
      state: applyEvents(decider, acc.state, decided.right),
      events: [...acc.events, ...decided.right],
      errors: acc.errors,
    };
  }, from);

const order = (orderId: string, email = 'Mai.Nguyen@example.vn') =>
  cmd('RecordCustomerOrder', { customerId: 'cu-mai', name: 'Nguyễn Thị Mai', orderId, email });
const invite = (at = T(1), expiresAt = T(60)) =>
  cmd('InviteToAccount', { invitationId: 'inv-1', tokenHash: h('a'), expiresAt }, system, at);
const accept = (at = T(2), tokenHash = h('a'), guestOrderIds?: string[]) =>
  cmd(
    'AcceptInvitation',
    { tokenHash, name: 'Mai Nguyễn', passwordHash: 'scrypt$x', ...(guestOrderIds ? { guestOrderIds } : {}) },
    system,
    at,
  );
const login = (passwordMatched: boolean, at: string) => cmd('RecordLoginAttempt', { passwordMatched }, system, at);
const withAccount = () => run([order('o-1'), order('o-2', 'other@example.vn'), invite(), accept()]);

describe('CUS-1: a guest from the first order, an account by invitation (seed 000)', () => {
  it('CUS-1: the first order creates a guest, with no sign-up; a repeated order is recorded once', () => {
    const r = run([order('o-1'), order('o-1'), order('o-2')]);
    expect(r.errors).toEqual([]);
    expect(r.events.map((e) => e.type)).toEqual(['GuestCustomerCreated', 'CustomerOrderRecorded']);
    expect(r.state.status).toBe('guest');
    expect(r.state.passwordHash).toBeUndefined();
  });

  it('CUS-1: the reactor sends every placed order to customer-<id>, with an id derived from the event', () => {
    const placed = {
      event: {
        type: 'OrderPlaced',
        data: { orderId: 'o-9', customer: { id: 'cu-mai', name: 'Mai', email: 'mai@example.vn' } },
      },
      eventId: 'ev-1',
      streamId: 'order-o-9',
      streamVersion: 0,
      globalPosition: '1',
      occurredAt: T(0),
      recordedAt: T(0),
      actor: mai,
      schemaVersion: 1,
    } as unknown as Envelope<OrderEvent>;
    const [first] = effectsOf(guestCustomerReactor, placed);
    const [again] = effectsOf(guestCustomerReactor, placed);
    expect(first?.kind === 'command' && first.streamId).toBe(customerStreamId('cu-mai'));
    expect(first?.kind === 'command' && first.command.data).toEqual({
      customerId: 'cu-mai',
      name: 'Mai',
      orderId: 'o-9',
      email: 'mai@example.vn',
    });
    expect(first?.kind === 'command' && again?.kind === 'command' && first.command.metadata.commandId).toBe(
      again?.kind === 'command' && again.command.metadata.commandId,
    );
  });

  it('CUS-1: accepting the invitation creates the account and links her earlier guest orders with that e-mail', () => {
    const r = run([order('o-1'), order('o-2', 'other@example.vn'), order('o-3', 'mai.nguyen@EXAMPLE.vn')]);
    const done = run([invite(), accept(T(2), h('a'), ['o-7', 'o-1'])], r);
    expect(done.errors).toEqual([]);
    const created = done.events.find((e) => e.type === 'AccountCreated');
    expect(created?.data).toMatchObject({ email: 'mai.nguyen@EXAMPLE.vn', linkedOrderIds: ['o-1', 'o-3', 'o-7'] });
    expect(done.state.status).toBe('account');
    expect(done.events.every((e) => E.isRight(CustomerEventCodec.decode(e)))).toBe(true);
  });

  it('CUS-1: the invitation is single-use, expires, and a wrong or replaced token opens nothing', () => {
    const base = run([order('o-1'), invite(T(1), T(30))]);
    expect(run([accept(T(30))], base).errors).toEqual(['invitation-expired']);
    expect(run([accept(T(2), h('b'))], base).errors).toEqual(['invitation-invalid']);
    expect(run([accept(), accept(T(3))], base).errors).toEqual(['invitation-used']);
    const replaced = run(
      [cmd('InviteToAccount', { invitationId: 'inv-2', tokenHash: h('c'), expiresAt: T(40) })],
      base,
    );
    expect(run([accept(T(2), h('a'))], replaced).errors).toEqual(['invitation-invalid']);
    expect(run([accept(T(2), h('c'))], replaced).errors).toEqual([]);
  });

  it('CUS-1: expiry must be after now and within the configured lifetime; the numbers are in the refusal', () => {
    const base = run([order('o-1')]);
    const past = decider.decide(invite(T(5), T(5)), base.state);
    expect(E.isLeft(past) && past.left.code).toBe('expiry-not-after-now');
    const far = decider.decide(invite(T(0), '2027-01-01T00:00:00.000Z'), base.state);
    expect(E.isLeft(far) && far.left.message).toContain('604800 s');
  });

  it('CUS-3: only the accounts service accepts, logs in, resets; a customer cannot claim a login', () => {
    const base = run([order('o-1'), invite()]);
    const asCustomer = decider.decide(
      cmd('AcceptInvitation', { tokenHash: h('a'), name: 'M', passwordHash: 'p' }, mai),
      base.state,
    );
    expect(E.isLeft(asCustomer) && asCustomer.left.code).toBe('forbidden');
    const claim = decider.decide(cmd('RecordLoginAttempt', { passwordMatched: true }, admin), withAccount().state);
    expect(E.isLeft(claim) && claim.left.code).toBe('forbidden');
    const other = decider.decide(cmd('ChangePassword', { passwordHash: 'p2' }, stranger), withAccount().state);
    expect(E.isLeft(other) && other.left.message).toContain('cu-x');
  });
});

describe('CUS-1: logins, lockout, change and reset', () => {
  it('records every attempt; five failures in a row lock for 15 minutes; the lock ends by itself', () => {
    const fails = [1, 2, 3, 4, 5].map((m) => login(false, T(10 + m)));
    const r = run(fails, withAccount());
    expect(r.events.slice(-2).map((e) => e.type)).toEqual(['LoginFailed', 'AccountLocked']);
    expect(r.events.at(-1)?.data).toMatchObject({ until: T(30), failures: 5 });
    expect(isLocked(r.state, T(29))).toBe(true);
    const during = run([login(true, T(20))], r);
    expect(during.events.at(-1)).toEqual({
      type: 'LoginFailed',
      data: { at: T(20), reason: 'locked', consecutiveFailures: 5 },
    });
    const after = run([login(true, T(30))], r);
    expect(after.events.at(-1)?.type).toBe('LoginSucceeded');
  });

  it('a success resets the count: four failures, a success, four failures do not lock', () => {
    const seq = [false, false, false, false, true, false, false, false, false].map((ok, i) => login(ok, T(10 + i)));
    const r = run(seq, withAccount());
    expect(r.events.some((e) => e.type === 'AccountLocked')).toBe(false);
  });

  it('reset by a single-use token before its expiry; it ends a lock; change password needs the owner', () => {
    const locked = run(
      [1, 2, 3, 4, 5].map((m) => login(false, T(10 + m))),
      withAccount(),
    );
    const asked = run(
      [cmd('RequestPasswordReset', { resetId: 'rs-1', tokenHash: h('d'), expiresAt: T(40) }, system, T(16))],
      locked,
    );
    const reset = (at: string, tokenHash = h('d')) =>
      cmd('ResetPassword', { tokenHash, passwordHash: 'scrypt$new' }, system, at);
    expect(run([reset(T(40))], asked).errors).toEqual(['reset-expired']);
    expect(run([reset(T(17), h('e'))], asked).errors).toEqual(['reset-invalid']);
    const done = run([reset(T(17)), reset(T(18))], asked);
    expect(done.errors).toEqual(['reset-used']);
    expect(done.state.passwordHash).toBe('scrypt$new');
    expect(isLocked(done.state, T(18))).toBe(false);
    const changed = run([cmd('ChangePassword', { passwordHash: 'scrypt$v3' }, mai, T(19))], done);
    expect(changed.state.passwordHash).toBe('scrypt$v3');
  });
});

describe('CUS-2: billing address, order access tokens, company contacts', () => {
  const address = { name: 'Mai Nguyễn', line1: '12 Lý Thường Kiệt', city: 'Hà Nội', country: 'VN' };
  it('CUS-2: the owner edits her main billing address; a guest or a stranger may not', () => {
    const r = run([cmd('ChangeMainBillingAddress', { address }, mai)], withAccount());
    expect(r.state.mainBillingAddress).toEqual(address);
    expect(run([cmd('ChangeMainBillingAddress', { address }, mai)], run([order('o-1')])).errors).toEqual(['forbidden']);
    expect(run([cmd('ChangeMainBillingAddress', { address }, stranger)], withAccount()).errors).toEqual(['forbidden']);
  });

  it('CUS-3: an order access token opens its own order until revoked; only her orders get one', () => {
    const r = run(
      [cmd('IssueOrderAccessToken', { orderId: 'o-1', tokenId: 't-1', tokenHash: h('f') })],
      run([order('o-1')]),
    );
    expect(orderTokenOpens(r.state, 'o-1', h('f'))).toBe(true);
    expect(orderTokenOpens(r.state, 'o-2', h('f'))).toBe(false);
    const foreign = run([cmd('IssueOrderAccessToken', { orderId: 'o-99', tokenId: 't-2', tokenHash: h('f') })], r);
    expect(foreign.errors).toEqual(['unknown-order']);
    const revoked = run([cmd('RevokeOrderAccessToken', { tokenId: 't-1' }, admin)], r);
    expect(orderTokenOpens(revoked.state, 'o-1', h('f'))).toBe(false);
  });

  it('CUS-2: contacts are added and removed by the shop only', () => {
    const c = (type: CompanyCommand['type'], data: CompanyCommand['data'], actor: Actor = admin): CompanyCommand =>
      ({ type, data, metadata: { commandId: `k-${++n}`, actor, at: T(0) } }) as CompanyCommand;
    let state = companyDecider.initialState;
    for (const command of [
      c('RegisterCompany', { companyId: 'co-1', name: 'Công ty Sen' }),
      c('AddCompanyContact', { customerId: 'cu-mai' }),
      c('AddCompanyContact', { customerId: 'cu-bao' }),
      c('RemoveCompanyContact', { customerId: 'cu-mai' }),
    ]) {
      const decided = decideCompany(command, state);
      if (E.isLeft(decided)) throw new Error(decided.left.message);
      state = applyEvents(companyDecider, state, decided.right);
    }
    expect(state.contacts).toEqual(['cu-bao']);
    const self = decideCompany(c('AddCompanyContact', { customerId: 'cu-mai' }, mai), state);
    expect(E.isLeft(self) && self.left.code).toBe('forbidden');
  });
});

describe('boundary: customer commands are decoded strictly', () => {
  it('names unknown fields and bad hashes, and never throws', () => {
    const input = {
      type: 'AcceptInvitation',
      data: { tokenHash: 'abc', name: 'Mai', passwordHash: 'p', password: 'hunter2' },
      metadata: { commandId: 'c', actor: system, at: T(0) },
    };
    const decoded = decodeCustomerCommand(input);
    const message = E.isLeft(decoded) ? decoded.left.message : '';
    expect(message).toContain('data.password: unknown field');
    expect(message).toContain('data.tokenHash: must be TokenHash(sha256 hex)');
    expect(E.isLeft(decodeCustomerCommand(null))).toBe(true);
  });
});
