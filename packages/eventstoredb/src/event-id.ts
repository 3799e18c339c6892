import { derivedId } from '@ordersource/core';

/**
 * Event ids on the server are UUIDs. A canonical lowercase UUID (the kernel's
 * `newId`) is used as it is, so the server's own deduplication sees it; any
 * other id is mapped to a name-based UUID (kept in the metadata for reading).
 */
const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const serverEventId = (eventId: string): string =>
  CANONICAL_UUID.test(eventId) ? eventId : derivedId('ordersource/eventstoredb/event-id', eventId);
