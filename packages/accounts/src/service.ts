import * as E from 'fp-ts/lib/Either.js';
import {
  createCommandHandler,
  createEnvelopeDecoder,
  domainError,
  newId,
  systemActor,
  type Actor,
  type EventStore,
  type HandlerError,
} from '@ordersource/core';
import {
  customerDecider,
  CustomerEventCodec,
  customerStreamId,
  decodeCustomerCommand,
  defaultCustomerSettings,
  isLocked,
  orderTokenOpens,
  type CustomerCommand,
  type CustomerEvent,
  type CustomerSettings,
  type CustomerState,
} from '@ordersource/domain/customers';
import {
  checkPassword,
  DEFAULT_SCRYPT,
  hashPassword,
  needsRehash,
  verifyPassword,
  type ScryptParams,
} from './password.js';
import { hashToken, newToken } from './tokens.js';

/**
 * The accounts service (CUS-1): the I/O around the pure customer decider.
 * It makes the tokens and password hashes, reads the clock, compares a
 * password with the stored hash, and sends the decider what happened. Every
 * command goes through `decodeCustomerCommand` first, like input from outside.
 */

export type AccountsOptions = Readonly<{
  store: EventStore;
  settings?: CustomerSettings;
  scrypt?: ScryptParams;
  /** How long invitations and reset links live (default 3 days and 1 hour). */
  invitationSeconds?: number;
  resetSeconds?: number;
  clock?: () => Date;
  newCommandId?: () => string;
}>;

export type LoginOutcome = 'ok' | 'wrong-password' | 'locked';

export type AccountsService = Readonly<{
  /** CUS-1: the token for the confirmation e-mail's "create your account" link. */
  invite: (customerId: string) => Promise<E.Either<HandlerError, string>>;
  acceptInvitation: (
    customerId: string,
    token: string,
    input: Readonly<{ name: string; password: string; guestOrderIds?: readonly string[] }>,
  ) => Promise<E.Either<HandlerError, void>>;
  login: (customerId: string, password: string) => Promise<E.Either<HandlerError, LoginOutcome>>;
  changePassword: (actor: Actor, current: string, next: string) => Promise<E.Either<HandlerError, void>>;
  /** The token for the reset e-mail. */
  requestReset: (customerId: string) => Promise<E.Either<HandlerError, string>>;
  resetPassword: (customerId: string, token: string, password: string) => Promise<E.Either<HandlerError, void>>;
  /** CUS-3: a guest order-status link's token for one order. */
  issueOrderAccessToken: (customerId: string, orderId: string) => Promise<E.Either<HandlerError, string>>;
  /** Whether `token` opens the status page of `orderId` (false when revoked or foreign). */
  opensOrder: (customerId: string, orderId: string, token: string) => Promise<boolean>;
}>;

type Data<K extends CustomerCommand['type']> = Extract<CustomerCommand, { type: K }>['data'];

export const createAccountsService = (options: AccountsOptions): AccountsService => {
  const settings = options.settings ?? defaultCustomerSettings;
  const params = options.scrypt ?? DEFAULT_SCRYPT;
  const clock = options.clock ?? (() => new Date());
  const commandId = options.newCommandId ?? newId;
  const actor = systemActor('accounts');
  const invitationSeconds = options.invitationSeconds ?? 3 * 24 * 3600;
  const resetSeconds = options.resetSeconds ?? 3600;
  const handler = createCommandHandler({
    store: options.store,
    decider: customerDecider(settings),
    decodeEnvelope: createEnvelopeDecoder(CustomerEventCodec),
  });
  // A login for an account that does not exist still costs one scrypt, so timing does not tell which ids exist.
  const dummy = hashPassword('not a password of anyone', params);

  const send = async <K extends CustomerCommand['type']>(
    customerId: string,
    type: K,
    data: Data<K>,
    at: string,
    by: Actor = actor,
  ): Promise<E.Either<HandlerError, readonly CustomerEvent[]>> => {
    const command = decodeCustomerCommand({ type, data, metadata: { commandId: commandId(), actor: by, at } });
    if (E.isLeft(command)) return command;
    const handled = await handler.handle(customerStreamId(customerId), command.right);
    return E.isLeft(handled) ? handled : E.right(handled.right.events);
  };

  const stateOf = async (customerId: string): Promise<E.Either<HandlerError, CustomerState>> => {
    const loaded = await handler.load(customerStreamId(customerId));
    return E.isLeft(loaded) ? loaded : E.right(loaded.right.state);
  };

  const strongEnough = (password: string): E.Either<HandlerError, void> => {
    const problem = checkPassword(password);
    return problem === undefined
      ? E.right(undefined)
      : E.left(domainError(`password-${problem}`, `a password has 8 to 256 characters (${problem})`));
  };

  const later = (at: Date, seconds: number): string => new Date(at.getTime() + seconds * 1000).toISOString();
  const voidOf = (r: E.Either<HandlerError, unknown>): E.Either<HandlerError, void> =>
    E.isLeft(r) ? r : E.right(undefined);

  return {
    invite: async (customerId) => {
      const token = newToken();
      const now = clock();
      const sent = await send(
        customerId,
        'InviteToAccount',
        { invitationId: commandId(), tokenHash: hashToken(token), expiresAt: later(now, invitationSeconds) },
        now.toISOString(),
      );
      return E.isLeft(sent) ? sent : E.right(token);
    },

    acceptInvitation: async (customerId, token, input) => {
      const strong = strongEnough(input.password);
      if (E.isLeft(strong)) return strong;
      const passwordHash = await hashPassword(input.password, params);
      const data = {
        tokenHash: hashToken(token),
        name: input.name,
        passwordHash,
        ...(input.guestOrderIds === undefined ? {} : { guestOrderIds: [...input.guestOrderIds] }),
      };
      return voidOf(await send(customerId, 'AcceptInvitation', data, clock().toISOString()));
    },

    login: async (customerId, password) => {
      const at = clock().toISOString();
      const state = await stateOf(customerId);
      if (E.isLeft(state)) return state;
      const stored = state.right.passwordHash;
      if (state.right.status !== 'account' || stored === undefined) {
        await verifyPassword(password, await dummy);
        return E.left(domainError('no-account', `customer ${customerId} has no account`));
      }
      // During a lock the password is not even checked; the try is still recorded.
      const matched = isLocked(state.right, at) ? false : await verifyPassword(password, stored);
      const recorded = await send(customerId, 'RecordLoginAttempt', { passwordMatched: matched }, at);
      if (E.isLeft(recorded)) return recorded;
      const first = recorded.right[0];
      if (first?.type === 'LoginSucceeded') {
        if (needsRehash(stored, params)) {
          const rehashed = await send(
            customerId,
            'ChangePassword',
            { passwordHash: await hashPassword(password, params) },
            at,
          );
          if (E.isLeft(rehashed)) return rehashed;
        }
        return E.right('ok');
      }
      return E.right(first?.type === 'LoginFailed' && first.data.reason === 'locked' ? 'locked' : 'wrong-password');
    },

    changePassword: async (by, current, next) => {
      const strong = strongEnough(next);
      if (E.isLeft(strong)) return strong;
      const state = await stateOf(by.id);
      if (E.isLeft(state)) return state;
      const stored = state.right.passwordHash;
      if (stored === undefined || !(await verifyPassword(current, stored)))
        return E.left(domainError('wrong-password', 'the current password does not match'));
      const passwordHash = await hashPassword(next, params);
      return voidOf(await send(by.id, 'ChangePassword', { passwordHash }, clock().toISOString(), by));
    },

    requestReset: async (customerId) => {
      const token = newToken();
      const now = clock();
      const sent = await send(
        customerId,
        'RequestPasswordReset',
        { resetId: commandId(), tokenHash: hashToken(token), expiresAt: later(now, resetSeconds) },
        now.toISOString(),
      );
      return E.isLeft(sent) ? sent : E.right(token);
    },

    resetPassword: async (customerId, token, password) => {
      const strong = strongEnough(password);
      if (E.isLeft(strong)) return strong;
      const passwordHash = await hashPassword(password, params);
      return voidOf(
        await send(customerId, 'ResetPassword', { tokenHash: hashToken(token), passwordHash }, clock().toISOString()),
      );
    },

    issueOrderAccessToken: async (customerId, orderId) => {
      const token = newToken();
      const sent = await send(
        customerId,
        'IssueOrderAccessToken',
        { orderId, tokenId: commandId(), tokenHash: hashToken(token) },
        clock().toISOString(),
      );
      return E.isLeft(sent) ? sent : E.right(token);
    },

    opensOrder: async (customerId, orderId, token) => {
      const state = await stateOf(customerId);
      return E.isRight(state) && orderTokenOpens(state.right, orderId, hashToken(token));
    },
  };
};
