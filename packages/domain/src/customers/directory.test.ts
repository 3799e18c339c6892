import { describe, expect, it } from 'vitest';
import { project, type Envelope } from '@ordersource/core';
import { directoryProjection, guestOrdersFor, type DirectoryEvent } from './directory.js';
import { customerStreamId } from './events.js';

const T0 = '2026-12-01T09:00:00Z';
let position = 0;
const at = (customerId: string, event: DirectoryEvent): Envelope<DirectoryEvent> => ({
  event,
  eventId: `e-${++position}`,
  streamId: customerStreamId(customerId),
  streamVersion: 0,
  globalPosition: String(position),
  occurredAt: T0,
  recordedAt: T0,
  actor: { kind: 'system', id: 't' },
  schemaVersion: 1,
});

describe('CUS-1: guest orders by e-mail, for the invitation to link', () => {
  it('lists guest orders under any guest id with that e-mail; an account takes them, later ones are not guest orders', () => {
    const directory = project(directoryProjection, [
      at('g-1', {
        type: 'GuestCustomerCreated',
        data: { at: T0, customerId: 'g-1', name: 'Mai', orderId: 'o-1', email: 'Mai@x.vn' },
      }),
      at('g-2', {
        type: 'GuestCustomerCreated',
        data: { at: T0, customerId: 'g-2', name: 'Mai', orderId: 'o-2', email: 'mai@x.vn' },
      }),
      at('g-3', {
        type: 'GuestCustomerCreated',
        data: { at: T0, customerId: 'g-3', name: 'Bao', orderId: 'o-3', email: 'bao@x.vn' },
      }),
    ]);
    expect(guestOrdersFor(directory, 'MAI@x.vn')).toEqual(['o-1', 'o-2']);
    const after = project(
      directoryProjection,
      [
        at('g-2', {
          type: 'AccountCreated',
          data: {
            at: T0,
            invitationId: 'i',
            name: 'Mai',
            email: 'mai@x.vn',
            passwordHash: 'h',
            linkedOrderIds: ['o-1', 'o-2'],
          },
        }),
        at('g-2', { type: 'CustomerOrderRecorded', data: { at: T0, orderId: 'o-4', email: 'mai@x.vn' } }),
      ],
      directory,
    );
    expect(guestOrdersFor(after, 'mai@x.vn')).toEqual([]);
    expect(after.linked['g-2']).toEqual(['o-1', 'o-2']);
  });
});
