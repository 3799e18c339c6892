import { derivedId, type CommandHandler, type HandlerError } from '@ordersource/core';
import * as E from 'fp-ts/lib/Either.js';
import type { ReceiptsCommand, RecordRegisterResponse } from './commands.js';
import type { ReceiptsEvent } from './events.js';
import { externalIdOf, type FiscalRegister, type RegisterRequest, type RegisterResponse } from './register.js';
import type { ReceiptsState } from './state.js';

/**
 * The register-response flow: send what is owed to the register, record each
 * answer in the receipts stream. Accepted receipts are done; a retryable
 * rejection is sent again next time (up to `maxAttempts`); any other
 * rejection waits for a `CorrectReceipt`, which makes a new revision to send.
 */

/** Receipts to send now: pending ones and retryable rejections with attempts left (pure). */
export const pendingRequests = (state: ReceiptsState, maxAttempts = 5): RegisterRequest[] =>
  state.issued.flatMap((receiptId) => {
    const record = state.receipts[receiptId];
    if (record === undefined) return [];
    const due =
      record.status === 'pending' ||
      (record.status === 'rejected' && record.rejection?.retryable === true && record.attempts < maxAttempts);
    return due
      ? [
          {
            externalId: externalIdOf(receiptId, record.revision),
            receiptId,
            revision: record.revision,
            receipt: record.receipt,
          },
        ]
      : [];
  });

export type SendOptions = Readonly<{
  register: FiscalRegister;
  handler: CommandHandler<ReceiptsCommand, ReceiptsEvent, ReceiptsState>;
  streamId: string;
  /** Time stamped on the recorded answers (adapters own the clock). */
  now: () => string;
  maxAttempts?: number;
}>;

export type SendReport = Readonly<{ sent: number; accepted: number; rejected: number }>;

const unreachable = (error: unknown): RegisterResponse => ({
  status: 'rejected',
  reason: `register unreachable: ${error instanceof Error ? error.message : String(error)}`,
  retryable: true,
});

export const sendPendingReceipts = async (options: SendOptions): Promise<E.Either<HandlerError, SendReport>> => {
  const loaded = await options.handler.load(options.streamId);
  if (E.isLeft(loaded)) return loaded;
  let accepted = 0;
  let rejected = 0;
  const requests = pendingRequests(loaded.right.state, options.maxAttempts);
  for (const request of requests) {
    const response = await options.register.submit(request).catch(unreachable);
    const attempt = loaded.right.state.receipts[request.receiptId]?.attempts ?? 0;
    const command: RecordRegisterResponse = {
      type: 'RecordRegisterResponse',
      data: { receiptId: request.receiptId, revision: request.revision, response },
      metadata: {
        commandId: derivedId('register-response', request.externalId, attempt),
        actor: { kind: 'provider', id: 'fiscal-register' },
        at: options.now(),
      },
    };
    const handled = await options.handler.handle(options.streamId, command);
    if (E.isLeft(handled)) return handled;
    if (response.status === 'accepted') accepted += 1;
    else rejected += 1;
  }
  return E.right({ sent: requests.length, accepted, rejected });
};
