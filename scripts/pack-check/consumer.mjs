// Runs inside a throwaway project that installed the packed tarballs with npm.
import { createInMemoryEventStore, createCommandHandler, money } from '@ordersource/core';

const total = money.add(money.unsafe(500000, 'RUB'), money.unsafe(200000, 'RUB'));
if (total._tag !== 'Right' || total.right.amount !== 700000) throw new Error('money from the packed core is wrong');
if (typeof createCommandHandler !== 'function') throw new Error('createCommandHandler is not exported');

const store = createInMemoryEventStore();
const appended = await store.append(
  'order-1',
  [
    {
      event: { type: 'placed', data: {} },
      eventId: 'e-1',
      occurredAt: '2026-11-24T10:00:00Z',
      actor: { kind: 'system', id: 'pack-check' },
    },
  ],
  'no-stream',
);
if (appended._tag !== 'Right') throw new Error(`append failed: ${JSON.stringify(appended)}`);

for (const name of [
  '@ordersource/domain',
  '@ordersource/domain/receipts',
  '@ordersource/domain/subscriptions',
  '@ordersource/postgres',
  '@ordersource/eventstoredb',
  '@ordersource/domain/customers',
  '@ordersource/accounts',
  '@ordersource/notify',
  '@ordersource/notify-smtp',
  '@ordersource/notify-sms',
]) {
  const module = await import(name);
  if (Object.keys(module).length === 0) throw new Error(`${name} exports nothing`);
  console.log(`imported ${name}: ${Object.keys(module).length} exports`);
}
console.log('pack-check: @ordersource/core works from its packed tarball');
