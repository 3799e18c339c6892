import type { TemplateSpec } from '../template.js';
import { hello } from './greetings.js';

/**
 * PAY-6: the message for a payment state (pending, authorized, done,
 * cancelled, error). `paymentMessage` is the shop's configured text for the
 * payment method and language (the domain's `messageForPayment`); the
 * template only frames it.
 */
export const paymentStatus: TemplateSpec = {
  id: 'payment-status',
  required: ['customerName', 'orderNumber', 'paymentMessage', 'methodName', 'amount', 'shopName'],
  optional: ['paymentUrl'],
  texts: {
    en: {
      subject: '{$shopName}: payment for order {$orderNumber}',
      body: [
        hello.en,
        '{$paymentMessage}',
        'Order {$orderNumber}, {$methodName}: {$amount}.',
        { when: 'paymentUrl', text: 'Pay here: {$paymentUrl}' },
      ],
      sms: ['{$shopName}, order {$orderNumber}: {$paymentMessage}', { when: 'paymentUrl', text: '{$paymentUrl}' }],
    },
    vi: {
      subject: '{$shopName}: thanh toán cho đơn hàng {$orderNumber}',
      body: [
        hello.vi,
        '{$paymentMessage}',
        'Đơn hàng {$orderNumber}, {$methodName}: {$amount}.',
        { when: 'paymentUrl', text: 'Thanh toán tại đây: {$paymentUrl}' },
      ],
      sms: ['{$shopName}, đơn hàng {$orderNumber}: {$paymentMessage}', { when: 'paymentUrl', text: '{$paymentUrl}' }],
    },
    fr: {
      subject: '{$shopName} : paiement de la commande {$orderNumber}',
      body: [
        hello.fr,
        '{$paymentMessage}',
        'Commande {$orderNumber}, {$methodName} : {$amount}.',
        { when: 'paymentUrl', text: 'Payer ici : {$paymentUrl}' },
      ],
      sms: ['{$shopName}, commande {$orderNumber} : {$paymentMessage}', { when: 'paymentUrl', text: '{$paymentUrl}' }],
    },
    'zh-Hant': {
      subject: '{$shopName}:訂單 {$orderNumber} 的付款',
      body: [
        hello['zh-Hant'],
        '{$paymentMessage}',
        '訂單 {$orderNumber},{$methodName}:{$amount}。',
        { when: 'paymentUrl', text: '於此付款:{$paymentUrl}' },
      ],
      sms: ['{$shopName},訂單 {$orderNumber}:{$paymentMessage}', { when: 'paymentUrl', text: '{$paymentUrl}' }],
    },
    ru: {
      subject: '{$shopName}: оплата заказа {$orderNumber}',
      body: [
        hello.ru,
        '{$paymentMessage}',
        'Заказ {$orderNumber}, {$methodName}: {$amount}.',
        { when: 'paymentUrl', text: 'Оплатить: {$paymentUrl}' },
      ],
      sms: ['{$shopName}, заказ {$orderNumber}: {$paymentMessage}', { when: 'paymentUrl', text: '{$paymentUrl}' }],
    },
    fa: {
      subject: '{$shopName}: پرداخت سفارش {$orderNumber}',
      body: [
        hello.fa,
        '{$paymentMessage}',
        'سفارش {$orderNumber}، {$methodName}: {$amount}.',
        { when: 'paymentUrl', text: 'پرداخت از اینجا: {$paymentUrl}' },
      ],
      sms: ['{$shopName}، سفارش {$orderNumber}: {$paymentMessage}', { when: 'paymentUrl', text: '{$paymentUrl}' }],
    },
  },
};
