import type { ClientEventData, ClientPosition, ClientRecordedEvent } from '../client.js';

/**
 * What a client hands back for an event it wrote: the server keeps the bytes
 * of `JSON.stringify(data)` and of the metadata, the client parses them on
 * read, and adds the revision, the position and the creation time (as the
 * real clients' convertGrpcEvent / convertRustEvent do).
 */
export const asRecorded = (
  streamId: string,
  written: ClientEventData,
  revision: bigint,
  position: ClientPosition,
  created = new Date('2026-12-01T10:00:00.123Z'),
): ClientRecordedEvent => ({
  streamId,
  id: written.id,
  revision,
  type: written.type,
  created,
  isJson: true,
  data: JSON.parse(JSON.stringify(written.data)) as unknown,
  metadata: JSON.parse(JSON.stringify(written.metadata)) as unknown,
  position,
});
