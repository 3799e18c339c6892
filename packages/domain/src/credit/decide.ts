import * as E from 'fp-ts/lib/Either.js';
import { domainError, type Actor, type Decider, type DomainError, type Due } from '@ordersource/core';
import type { CreditCommand } from './commands.js';
import type { CreditEvent } from './events.js';
import {
  creditBalance,
  evolveCredit,
  grantUsable,
  initialCreditState,
  spendableCredit,
  type CreditDraw,
  type CreditGrant,
  type CreditState,
} from './state.js';
import { fundOf, type CreditFund } from './values.js';

/**
 * Issue 17: the credit account decider. Pure; time and ids come in the
 * command. The balance never goes negative because nothing takes more from a
 * grant than is left of it: a spend beyond what can be spent, a reversal
 * beyond what is left, are refused with the numbers. Issues and spends are
 * idempotent by their own ids (a refund retried with a new command id still
 * issues its credit once).
 */

type Decision = E.Either<DomainError, CreditEvent[]>;
const ok = (...events: CreditEvent[]): Decision => E.right(events);
const fail = (code: string, message: string, details?: Readonly<Record<string, unknown>>): Decision =>
  E.left(domainError(code, message, details));

/**
 * CUS-3: the account is the customer's; she may only spend her own credit
 * (as a tender on her order). Issuing, releasing, reversing and expiring are
 * the shop's (admin) or its reactors' (system); providers send nothing here.
 */
const access = (actor: Actor, command: CreditCommand): Decision | undefined => {
  if (actor.kind === 'admin' || actor.kind === 'system') return undefined;
  if (actor.kind === 'customer' && command.type === 'SpendCredit') {
    return actor.id === command.data.customerId
      ? undefined
      : fail('forbidden', 'a customer spends her own credit only');
  }
  return fail('forbidden', `${actor.kind} may not send ${command.type} to a credit account`);
};

/**
 * The grants a spend draws on: those expiring soonest first (so credit that
 * lapses is used before credit that stays), then the rest oldest first.
 */
export const drawsFor = (
  grants: readonly CreditGrant[],
  currency: string,
  amount: number,
  at: string,
  fund?: CreditFund,
): CreditDraw[] => {
  const usable = grants
    .map((grant, index) => ({ grant, index }))
    .filter(
      ({ grant }) =>
        grant.currency === currency && grantUsable(grant, at) && (fund === undefined || fundOf(grant.source) === fund),
    )
    .sort((a, b) => {
      const ea = a.grant.expiresAt === undefined ? Infinity : Date.parse(a.grant.expiresAt);
      const eb = b.grant.expiresAt === undefined ? Infinity : Date.parse(b.grant.expiresAt);
      return ea === eb ? a.index - b.index : ea - eb;
    });
  const draws: CreditDraw[] = [];
  let left = amount;
  for (const { grant } of usable) {
    if (left === 0) break;
    const take = Math.min(left, grant.remaining);
    draws.push({ creditId: grant.creditId, amount: take });
    left -= take;
  }
  return draws;
};

const decideCredit = (command: CreditCommand, state: CreditState): Decision => {
  const refused = access(command.metadata.actor, command);
  if (refused !== undefined) return refused;
  if (state.customerId !== null && command.data.customerId !== state.customerId)
    return fail('wrong-account', `this account is ${state.customerId}'s, not ${command.data.customerId}'s`);
  const at = command.metadata.at;
  switch (command.type) {
    case 'IssueCredit': {
      const d = command.data;
      const existing = state.grants.find((g) => g.creditId === d.creditId);
      if (existing !== undefined)
        return existing.issued === d.amount.amount && existing.currency === d.amount.currency
          ? ok()
          : fail('credit-id-reused', `credit ${d.creditId} was issued for ${existing.issued} ${existing.currency}`);
      if (d.expiresAt !== undefined && Date.parse(d.expiresAt) <= Date.parse(at))
        return fail('credit-expires-in-past', `credit ${d.creditId} would expire at ${d.expiresAt}, before ${at}`);
      return ok({ type: 'CreditIssued', data: { at, ...d } });
    }
    case 'SpendCredit': {
      const d = command.data;
      const earlier = state.spends[d.spendId];
      if (earlier !== undefined)
        return earlier.amount === d.amount.amount && earlier.orderId === d.orderId && earlier.paymentId === d.paymentId
          ? ok()
          : fail('spend-id-reused', `spend ${d.spendId} was for ${earlier.amount} on order ${earlier.orderId}`);
      const spendable = spendableCredit(state, d.amount.currency, at, d.fund);
      if (d.amount.amount > spendable)
        return fail(
          'insufficient-credit',
          `only ${spendable} ${d.amount.currency} of ${d.fund === undefined ? '' : `${d.fund} `}credit can be spent, ${d.amount.amount} asked`,
          { spendable, asked: d.amount.amount, balance: creditBalance(state, d.amount.currency) },
        );
      const from = drawsFor(state.grants, d.amount.currency, d.amount.amount, at, d.fund);
      return ok({
        type: 'CreditSpent',
        data: { at, spendId: d.spendId, amount: d.amount, orderId: d.orderId, paymentId: d.paymentId, from },
      });
    }
    case 'ReleaseCreditSpend': {
      const spend = state.spends[command.data.spendId];
      if (spend === undefined) return fail('spend-not-found', `no spend ${command.data.spendId} on this account`);
      if (spend.released) return ok();
      return ok({
        type: 'CreditSpendReleased',
        data: {
          at,
          spendId: spend.spendId,
          amount: { amount: spend.amount, currency: spend.currency },
          reason: command.data.reason,
        },
      });
    }
    case 'ReverseCredit': {
      const d = command.data;
      const grant = state.grants.find((g) => g.creditId === d.creditId);
      if (grant === undefined) return fail('credit-not-found', `no credit ${d.creditId} on this account`);
      if (d.amount !== undefined && d.amount.currency !== grant.currency)
        return fail('currency-mismatch', `credit ${d.creditId} is in ${grant.currency}`);
      if (d.shortfall === 'record') {
        // A fact to follow (a reversed refund): take what is left, record the rest as her debt.
        const asked = d.amount?.amount ?? grant.remaining;
        const taken = Math.min(asked, grant.remaining);
        if (asked === 0) return ok();
        return ok({
          type: 'CreditReversed',
          data: {
            at,
            creditId: d.creditId,
            amount: { amount: taken, currency: grant.currency },
            reason: d.reason,
            ...(asked > taken ? { unrecovered: { amount: asked - taken, currency: grant.currency } } : {}),
          },
        });
      }
      const amount = d.amount?.amount ?? grant.remaining;
      if (amount === 0) return fail('nothing-to-reverse', `nothing is left of credit ${d.creditId}`);
      if (amount > grant.remaining)
        return fail('insufficient-credit', `only ${grant.remaining} is left of credit ${d.creditId}, ${amount} asked`, {
          remaining: grant.remaining,
          asked: amount,
        });
      return ok({
        type: 'CreditReversed',
        data: { at, creditId: d.creditId, amount: { amount, currency: grant.currency }, reason: d.reason },
      });
    }
    case 'ExpireCredit': {
      const d = command.data;
      const grant = state.grants.find((g) => g.creditId === d.creditId);
      if (grant === undefined) return fail('credit-not-found', `no credit ${d.creditId} on this account`);
      // A plan that no longer holds (nothing left, another expiry) records nothing.
      if (grant.expiresAt !== d.dueAt || grant.remaining === 0) return ok();
      if (Date.parse(at) < Date.parse(grant.expiresAt))
        return fail('credit-not-expired', `credit ${d.creditId} expires at ${grant.expiresAt}, not before`);
      return ok({
        type: 'CreditExpired',
        data: { at, creditId: d.creditId, amount: { amount: grant.remaining, currency: grant.currency } },
      });
    }
  }
};

/** Timers: each grant with an expiry and something left of it expires then. */
const creditDue = (state: CreditState): readonly Due[] =>
  state.customerId === null
    ? []
    : state.grants
        .filter((g) => g.expiresAt !== undefined && g.remaining > 0)
        .map((g) => ({
          key: `credit-expiry-${g.creditId}`,
          at: g.expiresAt as string,
          command: {
            type: 'ExpireCredit',
            data: { customerId: state.customerId, creditId: g.creditId, dueAt: g.expiresAt },
          },
        }));

export const creditDecider: Decider<CreditCommand, CreditEvent, CreditState> = {
  initialState: initialCreditState,
  decide: decideCredit,
  evolve: evolveCredit,
  due: creditDue,
};
