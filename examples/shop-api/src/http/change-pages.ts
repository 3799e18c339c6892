import * as E from 'fp-ts/lib/Either.js';
import { derivedId, newId, type Actor } from '@ordersource/core';
import type { OrderState } from '@ordersource/domain';
import { basisOf, changeReasonLabel, type OrderChangeState } from '@ordersource/domain/changes';
import {
  adminChangesSection,
  changeWordsFor,
  portalChangesSection,
  portalCreditSection,
  type ChangeView,
  type Html,
  type ReturnableLine,
} from '@ordersource/example-admin-web';
import { nowIso, type Deps } from './deps.js';
import { problemOfError } from './problem.js';

/**
 * Issue 17 on the pages: what the admin's and the portal's order pages show
 * of an order's changes and the customer's credit, and the two form posts
 * (the portal's return request, the admin's actions on a change) turned into
 * change commands. The codec and the change decider judge them as they judge
 * the JSON API's (CUS-3 included).
 */

const OPEN = new Set(['draft', 'requested', 'confirmed', 'received']);

const viewOf = async (deps: Deps, state: OrderChangeState, version: number, language: string): Promise<ChangeView> => {
  const lines = state.basis?.lines ?? [];
  const reasons = deps.shop.changeSettings.reasons;
  let refund: ChangeView['refund'];
  const currency = state.basis?.currency ?? 'RUB';
  if (state.applied?.credited !== undefined) refund = state.applied.credited;
  else if (OPEN.has(state.status)) {
    const preview = await deps.shop.previewChange(state, nowIso());
    if (E.isRight(preview) && preview.right.refundOwed > 0) refund = { amount: preview.right.refundOwed, currency };
  }
  return {
    changeId: state.changeId,
    kind: state.kind,
    status: state.status,
    version,
    requestedBy: state.requestedBy,
    items: state.items.map((i) => {
      const reason = reasons.find((r) => r.code === i.reason);
      return {
        lineId: i.lineId,
        name: lines.find((l) => l.lineId === i.lineId)?.name ?? i.lineId,
        qty: i.qty,
        reason: reason === undefined ? i.reason : changeReasonLabel(reason, language),
      };
    }),
    ...(refund === undefined ? {} : { refund }),
    ...(state.confirmation?.refundTo === undefined ? {} : { refundTo: state.confirmation.refundTo }),
    ...(state.declined === undefined ? {} : { declinedReason: state.declined.reason }),
    ...(state.canceled === undefined ? {} : { declinedReason: state.canceled.reason }),
    ...(state.failed === undefined ? {} : { failed: `${state.failed.code}: ${state.failed.message}` }),
  };
};

const changesOf = async (deps: Deps, orderId: string) => {
  const out: { state: OrderChangeState; version: number }[] = [];
  for (const id of await deps.shop.changesOf(orderId)) {
    const found = await deps.shop.change(id);
    if (found !== undefined) out.push(found);
  }
  return out;
};

const creditOf = async (deps: Deps, customerId: string) =>
  Object.entries((await deps.shop.credit(customerId)).balances).map(([currency, amount]) => ({ amount, currency }));

/** Her store credit, for her orders page. */
export const portalCredit = async (deps: Deps, language: string, customerId: string): Promise<Html> =>
  portalCreditSection(language, await creditOf(deps, customerId));

/** Delivered units not returned yet, less those an open return or exchange already names. */
const returnableLines = (
  order: OrderState,
  version: number,
  changes: readonly { state: OrderChangeState }[],
): ReturnableLine[] => {
  if (order.details === null) return [];
  const basis = basisOf(order, version);
  const pending: Record<string, number> = {};
  for (const { state } of changes)
    if ((state.kind === 'return' || state.kind === 'exchange') && OPEN.has(state.status))
      for (const item of state.items) pending[item.lineId] = (pending[item.lineId] ?? 0) + item.qty;
  return basis.lines.flatMap((line) => {
    const available =
      (basis.delivered[line.lineId] ?? 0) - (basis.returned[line.lineId] ?? 0) - (pending[line.lineId] ?? 0);
    return available > 0 ? [{ lineId: line.lineId, name: line.name, available }] : [];
  });
};

export const portalChanges = async (
  deps: Deps,
  ctx: Readonly<{ language: string; csrf: string }>,
  order: Readonly<{ state: OrderState; version: number }>,
): Promise<Html> => {
  const details = order.state.details!;
  const changes = await changesOf(deps, details.orderId);
  return portalChangesSection(ctx, {
    orderId: details.orderId,
    changes: await Promise.all(changes.map((c) => viewOf(deps, c.state, c.version, ctx.language))),
    returnable: returnableLines(order.state, order.version, changes),
    reasons: deps.shop.changeSettings.reasons
      .filter((r) => r.kinds.includes('return') || r.kinds.includes('claim'))
      .map((r) => ({ code: r.code, label: changeReasonLabel(r, ctx.language) })),
    credit: await creditOf(deps, details.customer.id),
  });
};

export const adminChanges = async (
  deps: Deps,
  ctx: Readonly<{ csrf: string; nonce?: string }>,
  order: OrderState,
  version: number,
): Promise<Html> => {
  const details = order.details!;
  const changes = await changesOf(deps, details.orderId);
  const restocked = deps.shop
    .restocks()
    .filter((r) => changes.some((c) => c.state.changeId === r.changeId))
    .map((r) => `${r.restockId}: ${r.lines.map((l) => `${l.sku} × ${l.qty}`).join(', ')}`);
  return adminChangesSection(ctx, {
    returnable: returnableLines(order, version, changes),
    reasons: deps.shop.changeSettings.reasons.map((r) => ({
      code: r.code,
      label: `${r.label} (${r.kinds.join(', ')})`,
    })),
    orderId: details.orderId,
    customerId: details.customer.id,
    changes: await Promise.all(changes.map((c) => viewOf(deps, c.state, c.version, 'en'))),
    credit: await creditOf(deps, details.customer.id),
    restocked,
    notices: deps.shop
      .changeNotificationsFor(details.orderId)
      .map(
        ({ notification: n }) =>
          `${n.at} ${n.changeKind} ${n.changeId} ${n.step} → ${n.audience}${n.email === undefined ? '' : ` ${n.email}`}`,
      ),
  });
};

type Form = Record<string, string>;
type Outcome = Readonly<{ kind: 'ok' | 'error'; text: string }>;

const refusalText = (error: Parameters<typeof problemOfError>[0]): string => {
  const p = problemOfError(error);
  const fields = p.errors?.map((e) => `${e.path}: ${e.rule}`).join('; ');
  return `${p.code}: ${fields ?? p.detail}`;
};

/**
 * A change with items from a form (`qty.<lineId>`, `reason`, `note`): begin
 * it (the server reads the basis), stage each chosen line, and, for the
 * customer's request, request it. A line the codec or the decider refuses
 * cancels the draft, so no half-made change stays open.
 */
export const beginChangeFromForm = async (
  deps: Deps,
  input: Readonly<{
    actor: Actor;
    orderId: string;
    kind: 'return' | 'claim';
    resolution?: 'refund' | 'replace';
    request: boolean;
    form: Form;
    nothingChosen: string;
    done: string;
  }>,
): Promise<Outcome> => {
  const { form } = input;
  const chosen = Object.entries(form)
    .filter(([key, value]) => key.startsWith('qty.') && value.trim() !== '' && value.trim() !== '0')
    .map(([key, value]) => ({ lineId: key.slice('qty.'.length), qty: Number(value.trim()) }));
  if (chosen.length === 0) return { kind: 'error', text: input.nothingChosen };
  const changeId = `${input.kind === 'return' ? 'ret' : 'clm'}-${newId()}`;
  const at = nowIso();
  const meta = (step: string) => ({ commandId: derivedId('form-change', changeId, step), actor: input.actor, at });
  const begun = await deps.shop.beginChange(
    {
      changeId,
      orderId: input.orderId,
      kind: input.kind,
      ...(input.resolution === undefined ? {} : { resolution: input.resolution }),
    },
    meta('begin'),
  );
  if (E.isLeft(begun)) return { kind: 'error', text: refusalText(begun.left) };
  const note = (form['note'] ?? '').trim();
  for (const item of chosen) {
    const staged = await deps.shop.changeCommand(
      changeId,
      {
        type: 'StageReturnItem',
        data: {
          item: { lineId: item.lineId, qty: item.qty, reason: form['reason'] ?? '', ...(note === '' ? {} : { note }) },
        },
      },
      meta(`stage-${item.lineId}`),
    );
    if (E.isLeft(staged)) {
      await deps.shop.changeCommand(
        changeId,
        { type: 'CancelOrderChange', data: { reason: 'the request could not be completed' } },
        meta('cancel'),
      );
      return { kind: 'error', text: refusalText(staged.left) };
    }
  }
  if (!input.request) return { kind: 'ok', text: input.done };
  const requested = await deps.shop.changeCommand(
    changeId,
    { type: 'RequestOrderChange', data: note === '' ? {} : { note } },
    meta('request'),
  );
  return E.isLeft(requested) ? { kind: 'error', text: refusalText(requested.left) } : { kind: 'ok', text: input.done };
};

/** The portal's "Request a return": a customer's return or claim (CUS-3: on her own order), requested at once. */
export const requestReturnFromPortal = (
  deps: Deps,
  actor: Actor,
  language: string,
  orderId: string,
  form: Form,
): Promise<Outcome> => {
  const w = changeWordsFor(language);
  const claim = form['kind'] === 'claim-refund' || form['kind'] === 'claim-replace';
  return beginChangeFromForm(deps, {
    actor,
    orderId,
    kind: claim ? 'claim' : 'return',
    ...(claim ? { resolution: form['kind'] === 'claim-replace' ? 'replace' : 'refund' } : {}),
    request: true,
    form,
    nothingChosen: w.nothingChosen,
    done: claim ? w.claimRequested : w.returnRequested,
  });
};

/** The admin's "Start a return or claim" for the customer: staged as a draft, confirmed on the same page. */
export const startChangeFromAdmin = (deps: Deps, actor: Actor, orderId: string, form: Form): Promise<Outcome> =>
  beginChangeFromForm(deps, {
    actor,
    orderId,
    kind: form['kind'] === 'claim' ? 'claim' : 'return',
    ...(form['kind'] === 'claim' ? { resolution: form['resolution'] === 'replace' ? 'replace' : 'refund' } : {}),
    request: false,
    form,
    nothingChosen: 'Choose at least one unit.',
    done: 'Change staged: confirm it below.',
  });

export const ADMIN_CHANGE_ACTIONS = [
  'ConfirmOrderChange',
  'DeclineOrderChange',
  'CancelOrderChange',
  'ReceiveReturn',
] as const;

/** The admin's form on a change -> the command's data (the codec judges it). */
export const adminChangeData = (type: string, form: Form, change: OrderChangeState): Record<string, unknown> => {
  const text = (key: string) => (form[key] ?? '').trim();
  switch (type) {
    case 'ConfirmOrderChange':
      return {
        refundTo: text('refundTo') || 'original',
        notifyCustomer: form['notifyCustomer'] === '1',
        ...(form['refundShipping'] === '1' ? { refundShipping: true } : {}),
        ...(text('staffNote') === '' ? {} : { staffNote: text('staffNote') }),
      };
    case 'ReceiveReturn':
      return {
        items: change.items
          .filter((i) => text(`qty.${i.lineId}`) !== '0')
          .map((i) => ({
            lineId: i.lineId,
            qty: text(`qty.${i.lineId}`) === '' ? i.qty : Number(text(`qty.${i.lineId}`)),
            condition: text(`condition.${i.lineId}`) || 'sellable',
            restock: form[`restock.${i.lineId}`] === '1',
          })),
      };
    default:
      return { reason: text('reason') };
  }
};
