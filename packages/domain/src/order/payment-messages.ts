import * as t from 'io-ts';
import type { PaymentState, PaymentStatus } from './state.js';

/**
 * PAY-6 (Odoo's "Messages" tab of a payment method): what the customer reads
 * for each payment state, configurable per payment method and language.
 * Pure data plus a lookup; the shop stores the configuration where it likes.
 */

export const PaymentMessageStateCodec = t.keyof(
  { pending: null, authorized: null, done: null, cancelled: null, error: null },
  'PaymentMessageState',
);
export type PaymentMessageState = t.TypeOf<typeof PaymentMessageStateCodec>;

/** Messages of one language: some states may be left out (a fallback fills them). */
const MessagesCodec = t.partial({
  pending: t.string,
  authorized: t.string,
  done: t.string,
  cancelled: t.string,
  error: t.string,
});

export const PaymentMessagesCodec = t.strict(
  {
    /** The language used when neither the customer's nor its base language has a text. */
    defaultLanguage: t.string,
    /** Shop-wide texts per language. */
    defaults: t.record(t.string, MessagesCodec),
    /** Per payment method code, per language: overrides the shop-wide texts. */
    methods: t.record(t.string, t.record(t.string, MessagesCodec)),
  },
  'PaymentMessages',
);
export type PaymentMessages = t.TypeOf<typeof PaymentMessagesCodec>;

/** Odoo's default texts, used when the shop configured nothing for a state. */
export const builtInPaymentMessages: Readonly<Record<PaymentMessageState, string>> = {
  pending: 'Your payment has been received but still needs to be confirmed by the provider.',
  authorized: 'Your payment has been authorized.',
  done: 'Your payment has been processed. Thank you!',
  cancelled: 'Your payment has been cancelled.',
  error: 'An error occurred during the processing of your payment. Please try again.',
};

/** The message state of a payment's lifecycle status. */
export const paymentMessageState = (status: PaymentStatus): PaymentMessageState => {
  switch (status) {
    // 3-D Secure (action_required): still pending, waiting for the customer's confirmation.
    case 'pending':
    case 'action_required':
      return 'pending';
    case 'failed':
      return 'error';
    case 'authorized':
      return 'authorized';
    case 'partially_captured':
    case 'captured':
      return 'done';
    case 'voided':
    case 'expired':
      return 'cancelled';
  }
};

const baseLanguage = (language: string): string => language.split('-')[0] ?? language;

/**
 * The text for a state, method and language. Looked up in order: the
 * method's text in the language, in its base language ("zh" for "zh-Hant"),
 * in the default language; then the shop-wide texts the same way; then the
 * built-in English text.
 */
export const paymentMessage = (
  config: PaymentMessages,
  query: Readonly<{ methodCode: string; language?: string; state: PaymentMessageState }>,
): string => {
  const languages = [
    ...(query.language === undefined ? [] : [query.language, baseLanguage(query.language)]),
    config.defaultLanguage,
  ];
  const method = config.methods[query.methodCode] ?? {};
  for (const table of [method, config.defaults])
    for (const language of languages) {
      const text = table[language]?.[query.state];
      if (text !== undefined) return text;
    }
  return builtInPaymentMessages[query.state];
};

/** The message a customer should see for one payment of her order. */
export const messageForPayment = (config: PaymentMessages, payment: PaymentState, language?: string): string =>
  paymentMessage(config, {
    methodCode: payment.method.code,
    state: paymentMessageState(payment.status),
    ...(language === undefined ? {} : { language }),
  });
