import type { FiscalRegister, RegisterAccepted, RegisterRequest, RegisterResponse } from './register.js';

/**
 * An in-memory online cash register for tests and demos. It records every
 * request it was given, answers through `respond` (default: accept, verify
 * every marking code), and like a real register it fiscalises one external
 * id once: asking again returns the first answer.
 */

export type Fiscalised = Readonly<{ request: RegisterRequest; response: RegisterAccepted }>;

export type InMemoryFiscalRegister = FiscalRegister &
  Readonly<{
    /** Every request, in order, including repeats and rejected ones. */
    submissions: () => readonly RegisterRequest[];
    /** Documents actually fiscalised, one per external id. */
    fiscalised: () => readonly Fiscalised[];
  }>;

export type InMemoryFiscalRegisterOptions = Readonly<{
  /** Decide the answer; `attempt` counts this external id's submissions from 1. */
  respond?: (request: RegisterRequest, attempt: number, documentNumber: number) => RegisterResponse;
}>;

export const acceptAll = (request: RegisterRequest, _attempt: number, documentNumber: number): RegisterAccepted => ({
  status: 'accepted',
  fiscalSign: String(3_000_000_000 + documentNumber),
  documentNumber,
  acceptedMarks: request.receipt.items.flatMap((item) => (item.markingCode === undefined ? [] : [item.markingCode])),
});

export const createInMemoryFiscalRegister = (options: InMemoryFiscalRegisterOptions = {}): InMemoryFiscalRegister => {
  const respond = options.respond ?? acceptAll;
  const submissions: RegisterRequest[] = [];
  const fiscalised: Fiscalised[] = [];
  const accepted = new Map<string, RegisterAccepted>();
  const attempts = new Map<string, number>();
  return {
    submit: async (request) => {
      submissions.push(request);
      const earlier = accepted.get(request.externalId);
      if (earlier !== undefined) return earlier;
      const attempt = (attempts.get(request.externalId) ?? 0) + 1;
      attempts.set(request.externalId, attempt);
      const response = respond(request, attempt, fiscalised.length + 1);
      if (response.status === 'accepted') {
        accepted.set(request.externalId, response);
        fiscalised.push({ request, response });
      }
      return response;
    },
    submissions: () => [...submissions],
    fiscalised: () => [...fiscalised],
  };
};
