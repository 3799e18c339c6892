import type { Hono } from 'hono';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { decode, strict } from '@ordersource/core';
import { ReceiptsCommandCodec, type AssignRefundGoods } from '@ordersource/domain/receipts';
import { authenticated, readJson } from './api-routes.js';
import { commandIdOf, isProblem, nowIso, sendProblem, type Deps } from './deps.js';
import { forbidden, notFound, problemOfError } from './problem.js';

/**
 * Issue 9 (PAY-5, REC-7): what the admin API shows and does about refunds
 * the receipts recorded with no goods named (a refund after the closing
 * receipt made in the bank's dashboard) and money refunded beyond any
 * receipt. `GET /api/reconciliation/attention` lists the orders needing an
 * admin, `GET /api/orders/:orderId/reconciliation` shows one with the goods
 * its refunds may name, and `POST /api/orders/:orderId/refunds/:movementId/goods`
 * names them (`AssignRefundGoods` on the order's receipts stream): the
 * income-return receipt follows. Admins only; cookie sessions send the CSRF
 * header, as for every other change.
 */

type Tagged = t.Any & { type?: t.Any; props?: t.Props };

/** A field's codec inside an object codec, through the exact/refinement wrappers io-ts and core put around it. */
const fieldCodec = (codec: t.Any, field: string): t.Any => {
  let node = codec as Tagged;
  for (let depth = 0; depth < 6; depth++) {
    const found = node.props?.[field];
    if (found !== undefined) return found;
    if (node.type === undefined) break;
    node = node.type;
  }
  throw new Error(`${codec.name}: no field ${field}`);
};

const assignCommand = ReceiptsCommandCodec.types.find((codec) => codec.name === 'AssignRefundGoods');
if (assignCommand === undefined) throw new Error('the receipts codec has no AssignRefundGoods command');

type AssignedLines = AssignRefundGoods['data']['lines'];

/** The domain command's own codec of `lines`, as the command types it. */
const assignedLines = fieldCodec(fieldCodec(assignCommand, 'data'), 'lines') as t.Type<AssignedLines, unknown, unknown>;

/**
 * The route's body: the goods, `{ lines: [{ lineId, qty, markingCodes? }] }`,
 * with the domain command's own codec for `lines` (at least one; whole
 * positive quantities; each marking code once); the movement comes from the
 * path. An unknown field at any depth, `movementId` included, is refused naming it.
 */
export const AssignRefundGoodsBody = strict(t.strict({ lines: assignedLines }, 'AssignRefundGoodsBody'));

const decodeBody = decode(AssignRefundGoodsBody, 'the goods of a refund');

export const registerRefundGoodsRoutes = (app: Hono, deps: Deps): void => {
  const { shop } = deps;

  app.get('/api/reconciliation/attention', async (c) => {
    const auth = authenticated(c, deps, false);
    if (isProblem(auth)) return sendProblem(c, auth);
    if (auth.session.actor.kind !== 'admin') return sendProblem(c, forbidden('the reconciliation is for admins'));
    return c.json({ orders: await shop.reconciliationAttention() });
  });

  app.get('/api/orders/:orderId/reconciliation', async (c) => {
    const auth = authenticated(c, deps, false);
    if (isProblem(auth)) return sendProblem(c, auth);
    if (auth.session.actor.kind !== 'admin') return sendProblem(c, forbidden('the reconciliation is for admins'));
    const orderId = c.req.param('orderId');
    const view = await shop.reconciliation(orderId);
    if (view === undefined) return sendProblem(c, notFound(`the receipts of order ${orderId}`));
    return c.json(view);
  });

  app.post('/api/orders/:orderId/refunds/:movementId/goods', async (c) => {
    const auth = authenticated(c, deps, true);
    if (isProblem(auth)) return sendProblem(c, auth);
    const { actor } = auth.session;
    if (actor.kind !== 'admin') return sendProblem(c, forbidden("an admin names a refund's goods"));
    const orderId = c.req.param('orderId');
    if ((await shop.order(orderId)) === undefined) return sendProblem(c, notFound(`order ${orderId}`));
    const body = await readJson(c);
    if (isProblem(body)) return sendProblem(c, body);
    const decoded = decodeBody(body);
    if (E.isLeft(decoded)) return sendProblem(c, problemOfError(decoded.left));
    const commandId = commandIdOf(c, actor);
    if (isProblem(commandId)) return sendProblem(c, commandId);
    const handled = await shop.receiptsCommand(
      orderId,
      { type: 'AssignRefundGoods', data: { movementId: c.req.param('movementId'), lines: decoded.right.lines } },
      { commandId, actor, at: nowIso() },
    );
    if (E.isLeft(handled)) return sendProblem(c, problemOfError(handled.left));
    if (handled.right.duplicate) c.header('idempotent-replayed', 'true');
    return c.json({
      version: handled.right.version,
      duplicate: handled.right.duplicate,
      events: handled.right.events.map((e) => e.type),
      reconciliation: (await shop.reconciliation(orderId)) ?? null,
    });
  });
};
