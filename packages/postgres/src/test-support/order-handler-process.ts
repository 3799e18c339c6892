import * as E from 'fp-ts/lib/Either.js';
import { createCommandHandler } from '@ordersource/core';
import { decodeOrderCommand, decodeOrderEnvelope, orderDecider } from '@ordersource/domain';
import { createPostgresEventStore } from '../event-store.js';
import { createPgExecutor } from '../executor/pg.js';

/**
 * Child process of two-handlers.test.ts: a second app server. It opens its
 * own connection pool and command handler on the shared schema, handles the
 * commands it is given (JSON in HANDLER_COMMANDS) on HANDLER_STREAM in order,
 * prints one JSON line per outcome and exits.
 */
const url = process.env['ORDERSOURCE_PG_URL'];
const schema = process.env['HANDLER_SCHEMA'];
const streamId = process.env['HANDLER_STREAM'];
const commands = process.env['HANDLER_COMMANDS'];
if (url === undefined || schema === undefined || streamId === undefined || commands === undefined)
  throw new Error('order-handler-process needs ORDERSOURCE_PG_URL, HANDLER_SCHEMA, HANDLER_STREAM, HANDLER_COMMANDS');

const executor = createPgExecutor({ connectionString: url, max: 2, applicationName: 'ordersource-second-server' });
const store = await createPostgresEventStore(executor, { schema, migrate: false });
const orders = createCommandHandler({ store, decider: orderDecider, decodeEnvelope: decodeOrderEnvelope });
try {
  for (const input of JSON.parse(commands) as unknown[]) {
    const command = decodeOrderCommand(input);
    if (E.isLeft(command)) throw new Error(command.left.message);
    const handled = await orders.handle(streamId, command.right);
    const outcome = E.isLeft(handled)
      ? { refused: handled.left.kind === 'domain' ? handled.left.code : handled.left.kind }
      : { duplicate: handled.right.duplicate, version: handled.right.version, events: handled.right.events };
    process.stdout.write(`${JSON.stringify({ commandId: command.right.metadata.commandId, ...outcome })}\n`);
  }
} finally {
  await store.close();
  await executor.close();
}
