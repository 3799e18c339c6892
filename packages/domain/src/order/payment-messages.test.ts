import { describe, expect, it } from 'vitest';
import { decode } from '@ordersource/core';
import * as E from 'fp-ts/lib/Either.js';
import {
  builtInPaymentMessages,
  paymentMessage,
  paymentMessageState,
  PaymentMessagesCodec,
  type PaymentMessages,
} from './payment-messages.js';

const config: PaymentMessages = {
  defaultLanguage: 'en',
  defaults: {
    en: { pending: 'We are waiting for your payment.', done: 'Paid, thank you!' },
    vi: { done: 'Thanh toán thành công, cảm ơn bạn!' },
  },
  methods: {
    wire: {
      en: { pending: 'Please transfer the amount to IBAN FR76 0000 with your order number.' },
      vi: { pending: 'Vui lòng chuyển khoản kèm mã đơn hàng.' },
    },
  },
};

describe('customer-facing payment messages (PAY-6)', () => {
  it('PAY-6: a method’s own text in the customer’s language wins', () => {
    expect(paymentMessage(config, { methodCode: 'wire', language: 'vi', state: 'pending' })).toBe(
      'Vui lòng chuyển khoản kèm mã đơn hàng.',
    );
  });

  it('PAY-6: falls back to the base language, the shop-wide text, then the built-in text', () => {
    expect(paymentMessage(config, { methodCode: 'wire', language: 'en-GB', state: 'pending' })).toContain('IBAN');
    expect(paymentMessage(config, { methodCode: 'card', language: 'vi-VN', state: 'done' })).toBe(
      'Thanh toán thành công, cảm ơn bạn!',
    );
    expect(paymentMessage(config, { methodCode: 'card', language: 'fr', state: 'done' })).toBe('Paid, thank you!');
    expect(paymentMessage(config, { methodCode: 'card', state: 'error' })).toBe(builtInPaymentMessages.error);
  });

  it('PAY-6: payment lifecycle states map to the five message states', () => {
    expect(paymentMessageState('failed')).toBe('error');
    expect(paymentMessageState('partially_captured')).toBe('done');
    expect(paymentMessageState('expired')).toBe('cancelled');
    expect(paymentMessageState('authorized')).toBe('authorized');
  });

  it('PAY-6: the configuration is data, decoded at the boundary', () => {
    expect(E.isRight(decode(PaymentMessagesCodec)(config))).toBe(true);
    expect(
      E.isLeft(decode(PaymentMessagesCodec)({ defaultLanguage: 'en', defaults: { en: { done: 5 } }, methods: {} })),
    ).toBe(true);
  });
});
