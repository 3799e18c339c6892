import * as t from 'io-ts';
import { IsoInstant, PositiveInt } from '@ordersource/core';

/**
 * REC-8 (issue 9.7): the rule for when an order's closing fiscal receipt goes
 * out. The order owns it (its decider must know when the composition becomes
 * final, ORD-9); the receipts stream gets it from the order's events.
 */

/** When the closing receipt goes out (REC-8). */
export type CloseOn =
  | Readonly<{ trigger: 'shipment' }>
  | Readonly<{ trigger: 'delivery' }>
  /** On this date, once the goods have been handed over (or at handover, if later). */
  | Readonly<{ trigger: 'date'; at: string }>
  /** N days after the goods reached the customer: a return window before the closing receipt. */
  | Readonly<{ trigger: 'days-after-delivery'; days: number }>;

export const CloseOnCodec: t.Type<CloseOn, CloseOn, unknown> = t.union(
  [
    t.strict({ trigger: t.literal('shipment') }),
    t.strict({ trigger: t.literal('delivery') }),
    t.strict({ trigger: t.literal('date'), at: IsoInstant }),
    t.strict({ trigger: t.literal('days-after-delivery'), days: PositiveInt }),
  ],
  'CloseOn',
);

/** What an order without a rule of its own does (and every order placed before rules existed). */
export const DEFAULT_CLOSE_ON: CloseOn = { trigger: 'delivery' };

export const sameCloseOn = (a: CloseOn, b: CloseOn): boolean => {
  switch (a.trigger) {
    case 'shipment':
    case 'delivery':
      return b.trigger === a.trigger;
    case 'date':
      return b.trigger === 'date' && Date.parse(b.at) === Date.parse(a.at);
    case 'days-after-delivery':
      return b.trigger === 'days-after-delivery' && b.days === a.days;
  }
};
