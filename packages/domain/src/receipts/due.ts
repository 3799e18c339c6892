import type { Due } from '@ordersource/core';
import type { ReachClosingDate } from './commands.js';
import { closingDateOf, type ReceiptsState } from './state.js';

/**
 * The receipts stream's timer (REC-8, issue 11): a closing receipt
 * configured for a later date (a fixed date, or N days after delivery) is
 * planned once the goods were handed over, as `ReachClosingDate` naming that
 * date. Once the closing receipt is out the plan is empty; a timer fired for
 * a date that is no longer the configured one is absorbed by the decider.
 */

/** The key of the closing-date timer: one closing receipt per order. */
export const CLOSING_DATE_KEY = 'closing-receipt';

export const receiptsDue = (state: ReceiptsState): readonly Due[] => {
  const closingDate = closingDateOf(state);
  if (closingDate === undefined) return [];
  const command: Pick<ReachClosingDate, 'type' | 'data'> = { type: 'ReachClosingDate', data: { closingDate } };
  return [{ key: CLOSING_DATE_KEY, at: closingDate, command }];
};
