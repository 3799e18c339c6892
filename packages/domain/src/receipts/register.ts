import { NonEmptyString, PositiveInt } from '@ordersource/core';
import * as t from 'io-ts';
import type { Receipt } from './receipt.js';

/**
 * The port to an online cash register (ОФД-connected ККТ). The domain hands
 * it a receipt with a stable external id; the register answers with the
 * fiscal sign or a reason for refusal. Registers deduplicate by external id,
 * and so must every adapter: the same (receiptId, revision) is fiscalised once.
 */

export type RegisterRequest = Readonly<{
  /** External id for the register: `<receiptId>#<revision>`. */
  externalId: string;
  receiptId: string;
  revision: number;
  receipt: Receipt;
}>;

export type RegisterAccepted = Readonly<{
  status: 'accepted';
  /** Fiscal sign of the document (tag 1077). */
  fiscalSign: string;
  /** Fiscal document number (tag 1040). */
  documentNumber: number;
  /** Marking codes the register verified (printed [M+], REC-6). */
  acceptedMarks: readonly string[];
}>;

export type RegisterRejected = Readonly<{
  status: 'rejected';
  reason: string;
  /** True for transient faults (register offline): send again. False: the receipt must be corrected. */
  retryable: boolean;
}>;

export type RegisterResponse = RegisterAccepted | RegisterRejected;

export const RegisterResponseCodec: t.Type<RegisterResponse, RegisterResponse, unknown> = t.union(
  [
    t.strict({
      status: t.literal('accepted'),
      fiscalSign: NonEmptyString,
      documentNumber: PositiveInt,
      acceptedMarks: t.readonlyArray(NonEmptyString),
    }),
    t.strict({ status: t.literal('rejected'), reason: NonEmptyString, retryable: t.boolean }),
  ],
  'RegisterResponse',
);

export type FiscalRegister = Readonly<{
  submit: (request: RegisterRequest) => Promise<RegisterResponse>;
}>;

export const externalIdOf = (receiptId: string, revision: number): string => `${receiptId}#${revision}`;
