import { createEnvelopeDecoder, type Projection } from '@ordersource/core';
import { CustomerEventCodec, CUSTOMER_STREAM_PREFIX, type CustomerEvent } from '@ordersource/domain/customers';

/**
 * Lower-case e-mail -> customer id of the account created with it (CUS-1).
 * The portal's login form takes an e-mail; the accounts service takes a
 * customer id. Only accounts are listed: a guest has no password to log in with.
 */
export type AccountEmails = Record<string, string>;

export const accountEmailsProjection: Projection<AccountEmails, CustomerEvent> = {
  name: 'example-shop.account-emails',
  initialState: {},
  decode: createEnvelopeDecoder<CustomerEvent>(CustomerEventCodec),
  filter: { streamPrefix: CUSTOMER_STREAM_PREFIX, eventTypes: ['AccountCreated'] },
  evolve: (draft, envelope) => {
    if (envelope.event.type !== 'AccountCreated') return;
    draft[envelope.event.data.email.trim().toLowerCase()] = envelope.streamId.slice(CUSTOMER_STREAM_PREFIX.length);
  },
};
