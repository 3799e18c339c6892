import type { TemplateSpec } from '../template.js';
import { hello } from './greetings.js';

/** REC-1: the customer's copy of a fiscal receipt, as a link to the register's page or as its fiscal data. */
export const receipt: TemplateSpec = {
  id: 'receipt',
  required: ['customerName', 'orderNumber', 'amount', 'shopName'],
  optional: ['receiptUrl', 'fiscalData'],
  texts: {
    en: {
      subject: 'Your receipt for order {$orderNumber}',
      body: [
        hello.en,
        'Here is your receipt of {$amount} for order {$orderNumber}.',
        { when: 'receiptUrl', text: 'View the fiscal receipt: {$receiptUrl}' },
        { when: 'fiscalData', text: 'Fiscal data: {$fiscalData}' },
      ],
      sms: ['{$shopName}: receipt of {$amount}, order {$orderNumber}.', { when: 'receiptUrl', text: '{$receiptUrl}' }],
    },
    vi: {
      subject: 'Biên lai cho đơn hàng {$orderNumber}',
      body: [
        hello.vi,
        'Đây là biên lai {$amount} cho đơn hàng {$orderNumber}.',
        { when: 'receiptUrl', text: 'Xem biên lai: {$receiptUrl}' },
        { when: 'fiscalData', text: 'Dữ liệu tài chính: {$fiscalData}' },
      ],
      sms: ['{$shopName}: biên lai {$amount}, đơn hàng {$orderNumber}.', { when: 'receiptUrl', text: '{$receiptUrl}' }],
    },
    fr: {
      subject: 'Votre reçu pour la commande {$orderNumber}',
      body: [
        hello.fr,
        'Voici votre reçu de {$amount} pour la commande {$orderNumber}.',
        { when: 'receiptUrl', text: 'Voir le reçu fiscal : {$receiptUrl}' },
        { when: 'fiscalData', text: 'Données fiscales : {$fiscalData}' },
      ],
      sms: ['{$shopName} : reçu de {$amount}, commande {$orderNumber}.', { when: 'receiptUrl', text: '{$receiptUrl}' }],
    },
    'zh-Hant': {
      subject: '訂單 {$orderNumber} 的收據',
      body: [
        hello['zh-Hant'],
        '這是訂單 {$orderNumber} 金額 {$amount} 的收據。',
        { when: 'receiptUrl', text: '查看收據:{$receiptUrl}' },
        { when: 'fiscalData', text: '稅務資料:{$fiscalData}' },
      ],
      sms: ['{$shopName}:收據 {$amount},訂單 {$orderNumber}。', { when: 'receiptUrl', text: '{$receiptUrl}' }],
    },
    ru: {
      subject: 'Чек по заказу {$orderNumber}',
      body: [
        hello.ru,
        'Ваш чек на {$amount} по заказу {$orderNumber}.',
        { when: 'receiptUrl', text: 'Посмотреть чек: {$receiptUrl}' },
        { when: 'fiscalData', text: 'Фискальные данные: {$fiscalData}' },
      ],
      sms: ['{$shopName}: чек на {$amount}, заказ {$orderNumber}.', { when: 'receiptUrl', text: '{$receiptUrl}' }],
    },
    fa: {
      subject: 'رسید سفارش {$orderNumber}',
      body: [
        hello.fa,
        'رسید {$amount} برای سفارش {$orderNumber}.',
        { when: 'receiptUrl', text: 'دیدن رسید: {$receiptUrl}' },
        { when: 'fiscalData', text: 'داده‌های مالی: {$fiscalData}' },
      ],
      sms: ['{$shopName}: رسید {$amount}، سفارش {$orderNumber}.', { when: 'receiptUrl', text: '{$receiptUrl}' }],
    },
  },
};
