import type { Decider } from '@ordersource/core';
import { customerMayAccess } from '../order/access.js';
import type { SubscriptionCommand } from './commands.js';
import { endGrace, failPayment, invoiceByHand, markServed, pay, refund, renew, retry } from './decide-billing.js';
import { applyScheduledClose, close, undoScheduledClose } from './decide-close.js';
import { pause, resume, resumeAt } from './decide-pause.js';
import { changePlan } from './decide-plan-change.js';
import { confirmQuotation, createQuotation, startSubscription } from './decide-start.js';
import { recordNotification } from './decide-notification.js';
import { fail, type Ctx, type Decision } from './decision.js';
import { planSubscriptionDue, runDueWork } from './due.js';
import type { SubscriptionEvent } from './events.js';
import type { SubscriptionSettings } from './settings.js';
import { evolveSubscription, initialSubscriptionState, type SubscriptionState } from './state.js';

/**
 * SUB-1..SUB-5 (seed 004, Odoo Subscriptions) with Stripe Billing's cycle:
 * quotation -> confirmed -> trialing | in progress, a renewal invoice per
 * period, past due and dunning, unpaid, paused, closed now or at the period
 * end. The configured close reasons and dunning rules come from the shop's
 * settings, bound when the decider is made, so decide stays a pure function.
 * Each rule lives in its decide-*.ts; this file only routes and checks that
 * a customer acts on her own (or her company's) subscription (CUS-3).
 */

export const decideSubscription = (settings: SubscriptionSettings) => {
  const plan = planSubscriptionDue(settings);
  const decide = (command: SubscriptionCommand, state: SubscriptionState): Decision => {
    const ctx: Ctx = { settings, actor: command.metadata.actor, at: command.metadata.at };
    switch (command.type) {
      case 'StartSubscription':
        return startSubscription(state, ctx, command.data);
      case 'CreateQuotation':
        return createQuotation(state, ctx, command.data);
      default:
        break;
    }
    if (state.status === 'none' || state.customer === null)
      return fail('subscription-not-found', 'no such subscription');
    if (ctx.actor.kind === 'customer' && !customerMayAccess(ctx.actor, state.customer))
      return fail('forbidden', 'this subscription belongs to another customer (CUS-3)');
    switch (command.type) {
      case 'ConfirmQuotation':
        return confirmQuotation(state, ctx, command.data);
      case 'InvoiceSubscription':
        return invoiceByHand(state, ctx, command.data);
      case 'PaySubscriptionInvoice':
        return pay(state, ctx, command.data);
      case 'FailSubscriptionPayment':
        return failPayment(state, ctx, command.data);
      case 'RefundSubscriptionInvoice':
        return refund(state, ctx, command.data);
      case 'CloseSubscription':
        return close(state, ctx, command.data);
      case 'UndoScheduledClose':
        return undoScheduledClose(state, ctx, command.data);
      case 'PauseSubscription':
        return pause(state, ctx, command.data);
      case 'ResumeSubscription':
        return resume(state, ctx, command.data);
      case 'ChangePlan':
        return changePlan(state, ctx, command.data);
      case 'RenewSubscription':
        return renew(state, ctx, command.data);
      case 'RetrySubscriptionPayment':
        return retry(state, ctx, command.data);
      case 'EndDunningGrace':
        return endGrace(state, ctx, command.data);
      case 'MarkPeriodServed':
        return markServed(state, ctx, command.data);
      case 'ApplyScheduledClose':
        return applyScheduledClose(state, ctx, command.data);
      case 'ResumeAt':
        return resumeAt(state, ctx, command.data);
      case 'RunDueWork':
        return runDueWork(decide, plan, state, ctx, command.data.at);
      case 'RecordSubscriptionNotification':
        return recordNotification(state, ctx, command.data);
    }
  };
  return decide;
};

/**
 * The subscription decider for one shop's settings. `due` plans renewals,
 * trial ends, retries, grace ends, scheduled closes and resumes, and the
 * rendering of paid periods. A closed subscription is never invoiced again;
 * an open invoice may still be paid.
 */
export const subscriptionDecider = (
  settings: SubscriptionSettings,
): Decider<SubscriptionCommand, SubscriptionEvent, SubscriptionState> => ({
  initialState: initialSubscriptionState,
  decide: decideSubscription(settings),
  evolve: evolveSubscription,
  due: planSubscriptionDue(settings),
});
