import * as E from 'fp-ts/lib/Either.js';
import { deepCopy, type Due } from '@ordersource/core';
import type { Draft } from 'immer';
import type { SubscriptionCommand, SubscriptionCommandType } from './commands.js';
import { graceEndsAt, retryAt, servedAt } from './decide-billing.js';
import { billing, fail, ok, staff, type Ctx, type Decision } from './decision.js';
import type { SubscriptionEvent } from './events.js';
import { instant, isBefore, notAfter } from './period.js';
import type { SubscriptionSettings } from './settings.js';
import { evolveSubscription, type SubscriptionState } from './state.js';

/**
 * Time through timers: what a subscription's state says must happen later,
 * as a pure function (`Decider.due`). Every entry has a key that names what
 * it is for and its instant, and fires a command that is idempotent: the
 * same renewal, retry or close sent twice appends nothing the second time.
 * `RunDueWork(at)` runs the same plan without a runtime, in time order.
 */

/** Order of entries due at the same instant: a period is served before the close, the close before a renewal. */
const PRIORITY: Readonly<Partial<Record<SubscriptionCommandType, number>>> = {
  MarkPeriodServed: 0,
  ResumeAt: 1,
  ApplyScheduledClose: 2,
  EndDunningGrace: 3,
  RetrySubscriptionPayment: 4,
  RenewSubscription: 5,
};

const entry = (key: string, at: string, type: SubscriptionCommandType, data: unknown): Due => ({
  key,
  at: instant(at),
  command: { type, data },
});

/** Everything the state plans, earliest first. */
export const planSubscriptionDue =
  (settings: SubscriptionSettings) =>
  (state: SubscriptionState): readonly Due[] => {
    const ctx = { settings };
    const out: Due[] = [];
    for (const invoice of state.invoices) {
      const at = servedAt(state, invoice);
      if (at !== undefined)
        out.push(entry(`served-${invoice.invoiceId}`, at, 'MarkPeriodServed', { invoiceId: invoice.invoiceId }));
    }
    if (state.status === 'closed' || state.status === 'none' || state.status === 'quotation') return sorted(out);
    if (state.status === 'paused') {
      const resumeAt = state.paused?.resumeAt;
      if (resumeAt !== undefined) out.push(entry(`resume-${resumeAt}`, resumeAt, 'ResumeAt', { resumeAt }));
      return sorted(out);
    }
    const close = state.scheduledClose;
    if (close !== undefined)
      out.push(
        entry(`close-${close.effectiveAt}`, close.effectiveAt, 'ApplyScheduledClose', {
          effectiveAt: close.effectiveAt,
        }),
      );
    for (const dunning of Object.values(state.dunning)) {
      const grace = graceEndsAt(ctx, dunning.firstFailedAt);
      out.push(entry(`grace-${dunning.invoiceId}`, grace, 'EndDunningGrace', { invoiceId: dunning.invoiceId }));
      const attempt = dunning.retries + 2;
      const at = retryAt(ctx, dunning.firstFailedAt, attempt);
      if (dunning.failures >= attempt - 1 && at !== undefined && isBefore(at, grace))
        out.push(
          entry(`retry-${dunning.invoiceId}-${attempt}`, at, 'RetrySubscriptionPayment', {
            invoiceId: dunning.invoiceId,
            attempt,
          }),
        );
    }
    const next = state.nextRenewalAt;
    if (billing(state) && next !== null && (close === undefined || isBefore(next, close.effectiveAt)))
      out.push(entry(`renewal-${instant(next)}`, next, 'RenewSubscription', { periodStart: instant(next) }));
    return sorted(out);
  };

const sorted = (due: Due[]): readonly Due[] =>
  due.sort(
    (a, b) =>
      Date.parse(a.at) - Date.parse(b.at) ||
      (PRIORITY[a.command.type as SubscriptionCommandType] ?? 9) -
        (PRIORITY[b.command.type as SubscriptionCommandType] ?? 9) ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );

const DEFAULT_MAX_STEPS = 1_000;

/**
 * RunDueWork(at): fire, in time order, every planned entry due at or before
 * `at`, each on the state the one before left, until nothing more is due.
 * The same as the runtime firing each timer on time; a re-run finds nothing due.
 */
export const runDueWork = (
  decideOne: (command: SubscriptionCommand, state: SubscriptionState) => Decision,
  plan: (state: SubscriptionState) => readonly Due[],
  state: SubscriptionState,
  ctx: Ctx,
  at: string,
): Decision => {
  if (!staff(ctx.actor)) return fail('forbidden', 'due work is run by the shop');
  const max = ctx.settings.maxDueSteps ?? DEFAULT_MAX_STEPS;
  const events: SubscriptionEvent[] = [];
  const done = new Set<string>();
  // One private copy evolved in place (as the handler does): no produce per step.
  const current = deepCopy(state);
  for (let step = 0; ; step++) {
    const next = plan(current).find((due) => notAfter(due.at, at) && !done.has(`${due.key}@${due.at}`));
    if (next === undefined) return ok(...events);
    if (step >= max)
      return fail('too-much-due-work', `more than ${max} due entries up to ${at}: run the due work in smaller steps`, {
        max,
      });
    done.add(`${next.key}@${next.at}`);
    const command = {
      type: next.command.type,
      data: next.command.data,
      metadata: { commandId: `due:${next.key}`, actor: ctx.actor, at },
    } as SubscriptionCommand;
    const decided = decideOne(command, current);
    if (E.isLeft(decided)) return decided;
    events.push(...decided.right);
    for (const event of decided.right) evolveSubscription(current as Draft<SubscriptionState>, event);
  }
};
