// Type-checked inside the throwaway consumer project: the packed .d.ts files must be usable.
import { money, type Decider, type Money } from '@ordersource/core';

const price: Money = money.unsafe(1999, 'EUR');

export const counter: Decider<{ type: 'add' }, { type: 'added' }, { total: number }> = {
  initialState: { total: 0 },
  decide: () => ({ _tag: 'Right', right: [{ type: 'added' }] }),
  evolve: (draft) => {
    draft.total += price.amount;
  },
};

// No EventStoreDB client package is installed here: the adapter's types must not need one.
export type { EventStoreDbClient, EventStoreDbEventStore } from '@ordersource/eventstoredb';

// The notification, account and customer packages' declarations resolve from their tarballs too.
export type { CustomerCommand } from '@ordersource/domain/customers';
