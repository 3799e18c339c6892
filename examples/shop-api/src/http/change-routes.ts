import type { Hono } from 'hono';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import {
  decode,
  IsoInstant,
  NonEmptyString,
  PositiveMoneyCodec,
  strict,
  newId,
  type Actor,
  type ValidationError,
} from '@ordersource/core';
import {
  ChangeKindCodec,
  ClaimResolutionCodec,
  changeReasonLabel,
  type OrderChangeState,
} from '@ordersource/domain/changes';
import { commandIdOf, etagOf, ifMatchOf, isProblem, nowIso, sendProblem, type Deps } from './deps.js';
import { forbidden, notFound, problemOfError } from './problem.js';
import { authenticated, orderVisibleTo, readJson } from './api-routes.js';

/**
 * Issue 17 over HTTP: order changes (edit, return, exchange, claim) and the
 * customers' store credit. The server begins a change from the order it
 * reads (`beginOrderChange`: the caller never sends a basis); the change
 * commands are decoded by the change stream kind's codec, so a body that
 * does not match is the same 422 problem as an order command's and nothing
 * is written. Access as the order routes: an admin acts on every order, a
 * customer on her own only (404 for another's: no probing), and the change
 * decider checks ownership and which steps are the shop's again (CUS-3).
 */

/** The change commands a client may send by type (Begin has its own route; Record* are the reactor's). */
export const changeCommandTypes = [
  'StageChangeAction',
  'StageReturnItem',
  'RequestOrderChange',
  'ConfirmOrderChange',
  'DeclineOrderChange',
  'CancelOrderChange',
  'ReceiveReturn',
] as const;
/** What a customer may send on her own change (the decider refuses the rest too). */
const CUSTOMER_CHANGE_COMMANDS = new Set<string>([
  'StageReturnItem',
  'StageChangeAction',
  'RequestOrderChange',
  'CancelOrderChange',
]);
/** A customer asks for returns, exchanges and claims; edits are the shop's. */
const CUSTOMER_KINDS = new Set<string>(['return', 'exchange', 'claim']);

/** The body of `POST /api/orders/:orderId/changes`. */
export const BeginChangeBody = t.intersection(
  [
    t.type({ kind: ChangeKindCodec }),
    t.partial({ changeId: NonEmptyString, resolution: ClaimResolutionCodec, note: t.string }),
  ],
  'BeginChangeBody',
);
/** The body of `POST /api/customers/:customerId/credit/goodwill`: credit given for nothing (no receipt: REC-1). */
export const GoodwillBody = t.intersection(
  [
    t.type({ amount: PositiveMoneyCodec, reason: NonEmptyString }),
    t.partial({ creditId: NonEmptyString, expiresAt: IsoInstant, note: t.string }),
  ],
  'GoodwillBody',
);

/** Decode a body with the field paths an order command's body gets (`kind`, not `0.kind`). */
const decodeBody =
  <A>(codec: t.Type<A, unknown, unknown>, what: string) =>
  (body: unknown): E.Either<ValidationError, A> =>
    E.map((wrapped: { data: A }) => wrapped.data)(decode(strict(t.type({ data: codec }), what))({ data: body }));

/** What a customer sees of a change: not the shop's staff note. */
const changeView = (state: OrderChangeState, actor: Actor): OrderChangeState => {
  if (actor.kind === 'admin' || state.confirmation?.staffNote === undefined) return state;
  const { staffNote: _hidden, ...confirmation } = state.confirmation;
  return { ...state, confirmation };
};

export const registerChangeRoutes = (app: Hono, deps: Deps): void => {
  const { shop } = deps;

  /** The order if the actor may see it (admins all; a customer her own, else undefined: a 404). */
  const visibleOrder = async (actor: Actor, orderId: string) => {
    const found = await shop.order(orderId);
    if (found === undefined || !orderVisibleTo(actor, found.state, await shop.directory())) return undefined;
    return found;
  };

  /** The change if the actor may see its order. */
  const visibleChange = async (actor: Actor, changeId: string) => {
    const found = await shop.change(changeId);
    if (found?.state.basis === null || found === undefined) return undefined;
    return (await visibleOrder(actor, found.state.basis.orderId)) === undefined ? undefined : found;
  };

  const changeJson = async (actor: Actor, state: OrderChangeState, version: number) => {
    const preview = await shop.previewChange(state, nowIso());
    return {
      version,
      change: changeView(state, actor),
      preview: E.isRight(preview) ? preview.right : null,
      ...(E.isLeft(preview) ? { previewError: { code: preview.left.code, message: preview.left.message } } : {}),
    };
  };

  /** Begin a change; the basis is the order as the server reads it now. */
  app.post('/api/orders/:orderId/changes', async (c) => {
    const auth = authenticated(c, deps, true);
    if (isProblem(auth)) return sendProblem(c, auth);
    const { actor } = auth.session;
    const orderId = c.req.param('orderId');
    if ((await visibleOrder(actor, orderId)) === undefined) return sendProblem(c, notFound(`order ${orderId}`));
    const body = await readJson(c);
    if (isProblem(body)) return sendProblem(c, body);
    const decoded = decodeBody(BeginChangeBody, 'begin change body')(body);
    if (E.isLeft(decoded)) return sendProblem(c, problemOfError(decoded.left));
    if (actor.kind === 'customer' && !CUSTOMER_KINDS.has(decoded.right.kind))
      return sendProblem(c, forbidden(`a customer may not begin an ${decoded.right.kind} (CUS-3)`));
    const commandId = commandIdOf(c, actor);
    if (isProblem(commandId)) return sendProblem(c, commandId);
    const changeId = decoded.right.changeId ?? `chg-${newId()}`;
    const handled = await shop.beginChange(
      {
        changeId,
        orderId,
        kind: decoded.right.kind,
        ...(decoded.right.resolution === undefined ? {} : { resolution: decoded.right.resolution }),
        ...(decoded.right.note === undefined ? {} : { note: decoded.right.note }),
      },
      { commandId, actor, at: nowIso() },
    );
    if (E.isLeft(handled)) return sendProblem(c, problemOfError(handled.left));
    c.header('etag', etagOf(handled.right.version));
    c.header('location', `/api/order-changes/${encodeURIComponent(changeId)}`);
    return c.json(
      { changeId, version: handled.right.version, events: handled.right.events.map((e) => e.type) },
      handled.right.duplicate ? 200 : 201,
    );
  });

  app.get('/api/orders/:orderId/changes', async (c) => {
    const auth = authenticated(c, deps, false);
    if (isProblem(auth)) return sendProblem(c, auth);
    const orderId = c.req.param('orderId');
    if ((await visibleOrder(auth.session.actor, orderId)) === undefined)
      return sendProblem(c, notFound(`order ${orderId}`));
    const changes = [];
    for (const changeId of await shop.changesOf(orderId)) {
      const found = await shop.change(changeId);
      if (found !== undefined)
        changes.push({ version: found.version, change: changeView(found.state, auth.session.actor) });
    }
    return c.json({
      orderId,
      changes,
      // The notification intents the change steps decided (the shop's own list; see the README).
      ...(auth.session.actor.kind === 'admin' ? { notifications: shop.changeNotificationsFor(orderId) } : {}),
    });
  });

  /** The reasons a return, exchange or claim may name, labelled in `?lang=`. */
  app.get('/api/change-reasons', (c) => {
    const lang = c.req.query('lang');
    return c.json({
      reasons: shop.changeSettings.reasons.map((r) => ({
        code: r.code,
        label: changeReasonLabel(r, lang),
        kinds: r.kinds,
      })),
    });
  });

  app.get('/api/order-changes/:changeId', async (c) => {
    const auth = authenticated(c, deps, false);
    if (isProblem(auth)) return sendProblem(c, auth);
    const changeId = c.req.param('changeId');
    const found = await visibleChange(auth.session.actor, changeId);
    if (found === undefined) return sendProblem(c, notFound(`change ${changeId}`));
    c.header('etag', etagOf(found.version));
    return c.json(await changeJson(auth.session.actor, found.state, found.version));
  });

  /** A change command by type, its data as the body; If-Match (the change stream's version) and Idempotency-Key honoured. */
  app.post('/api/order-changes/:changeId/commands/:type', async (c) => {
    const auth = authenticated(c, deps, true);
    if (isProblem(auth)) return sendProblem(c, auth);
    const { actor } = auth.session;
    const changeId = c.req.param('changeId');
    const type = c.req.param('type');
    if (!(changeCommandTypes as readonly string[]).includes(type)) return sendProblem(c, notFound(`command ${type}`));
    if ((await visibleChange(actor, changeId)) === undefined) return sendProblem(c, notFound(`change ${changeId}`));
    if (actor.kind === 'customer' && !CUSTOMER_CHANGE_COMMANDS.has(type))
      return sendProblem(c, forbidden(`a customer may not send ${type} (CUS-3)`));
    const ifMatch = ifMatchOf(c);
    if (isProblem(ifMatch)) return sendProblem(c, ifMatch);
    const body = await readJson(c);
    if (isProblem(body)) return sendProblem(c, body);
    const commandId = commandIdOf(c, actor);
    if (isProblem(commandId)) return sendProblem(c, commandId);
    const handled = await shop.changeCommand(
      changeId,
      { type, data: body },
      { commandId, actor, at: nowIso() },
      ifMatch,
    );
    if (E.isLeft(handled)) return sendProblem(c, problemOfError(handled.left));
    c.header('etag', etagOf(handled.right.version));
    if (handled.right.duplicate) c.header('idempotent-replayed', 'true');
    return c.json({
      version: handled.right.version,
      duplicate: handled.right.duplicate,
      events: handled.right.events.map((e) => e.type),
    });
  });

  // ---- store credit ----------------------------------------------------------

  const creditJson = async (customerId: string) => {
    const { state, balances } = await shop.credit(customerId);
    return {
      customerId,
      balances: Object.entries(balances).map(([currency, amount]) => ({ amount, currency })),
      grants: state.grants,
      receipts: await shop.creditReceipts(customerId),
    };
  };

  app.get('/api/me/credit', async (c) => {
    const auth = authenticated(c, deps, false);
    if (isProblem(auth)) return sendProblem(c, auth);
    if (auth.session.actor.kind !== 'customer') return sendProblem(c, forbidden('for customers'));
    return c.json(await creditJson(auth.session.actor.id));
  });

  app.get('/api/customers/:customerId/credit', async (c) => {
    const auth = authenticated(c, deps, false);
    if (isProblem(auth)) return sendProblem(c, auth);
    const customerId = c.req.param('customerId');
    const { actor } = auth.session;
    if (actor.kind !== 'admin' && !(actor.kind === 'customer' && actor.id === customerId))
      return sendProblem(c, notFound(`credit account of ${customerId}`));
    return c.json(await creditJson(customerId));
  });

  /** Goodwill credit, issued by an admin (a customer never types money in). */
  app.post('/api/customers/:customerId/credit/goodwill', async (c) => {
    const auth = authenticated(c, deps, true);
    if (isProblem(auth)) return sendProblem(c, auth);
    if (auth.session.actor.kind !== 'admin') return sendProblem(c, forbidden('goodwill credit is issued by the shop'));
    const customerId = c.req.param('customerId');
    const body = await readJson(c);
    if (isProblem(body)) return sendProblem(c, body);
    const decoded = decodeBody(GoodwillBody, 'goodwill credit body')(body);
    if (E.isLeft(decoded)) return sendProblem(c, problemOfError(decoded.left));
    const commandId = commandIdOf(c, auth.session.actor);
    if (isProblem(commandId)) return sendProblem(c, commandId);
    const { amount, reason, creditId, expiresAt, note } = decoded.right;
    const id = creditId ?? `goodwill-${commandId}`;
    const handled = await shop.creditCommand(
      customerId,
      {
        type: 'IssueCredit',
        data: {
          customerId,
          creditId: id,
          amount,
          source: { kind: 'goodwill', reason },
          ...(expiresAt === undefined ? {} : { expiresAt }),
          ...(note === undefined ? {} : { note }),
        },
      },
      { commandId, actor: auth.session.actor, at: nowIso() },
    );
    if (E.isLeft(handled)) return sendProblem(c, problemOfError(handled.left));
    return c.json({ creditId: id, version: handled.right.version, ...(await creditJson(customerId)) }, 201);
  });
};
