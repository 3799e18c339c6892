import type { TemplateSpec } from '../template.js';

/** NOT-1: the alert to the shop's staff (e-mail, SMS, or fax through an e-mail-to-fax gateway). */
const items = (one: string, other: string) =>
  `.input {$itemCount :number}\n.match $itemCount\none {{${one}}}\n* {{${other}}}`;

export const newOrderAlert: TemplateSpec = {
  id: 'new-order-alert',
  required: ['orderNumber', 'customerName', 'placedAt', 'itemCount', 'total'],
  optional: ['fraudSignals', 'adminUrl'],
  texts: {
    en: {
      subject: 'New order {$orderNumber} from {$customerName}',
      body: [
        'A new order {$orderNumber} was placed on {$placedAt} by {$customerName}.',
        items('{$itemCount} item, total {$total}.', '{$itemCount} items, total {$total}.'),
        { when: 'fraudSignals', text: 'Check before shipping: {$fraudSignals}.' },
        { when: 'adminUrl', text: 'Open it: {$adminUrl}' },
      ],
      sms: [
        'New order {$orderNumber}: {$total}, {$customerName}.',
        { when: 'fraudSignals', text: 'Check: {$fraudSignals}.' },
      ],
    },
    vi: {
      subject: 'Đơn hàng mới {$orderNumber} từ {$customerName}',
      body: [
        'Đơn hàng mới {$orderNumber} được đặt ngày {$placedAt} bởi {$customerName}.',
        items('{$itemCount} sản phẩm, tổng cộng {$total}.', '{$itemCount} sản phẩm, tổng cộng {$total}.'),
        { when: 'fraudSignals', text: 'Kiểm tra trước khi giao hàng: {$fraudSignals}.' },
        { when: 'adminUrl', text: 'Mở đơn hàng: {$adminUrl}' },
      ],
      sms: [
        'Đơn hàng mới {$orderNumber}: {$total}, {$customerName}.',
        { when: 'fraudSignals', text: 'Kiểm tra: {$fraudSignals}.' },
      ],
    },
    fr: {
      subject: 'Nouvelle commande {$orderNumber} de {$customerName}',
      body: [
        'Une nouvelle commande {$orderNumber} a été passée le {$placedAt} par {$customerName}.',
        items('{$itemCount} article, total {$total}.', '{$itemCount} articles, total {$total}.'),
        { when: 'fraudSignals', text: "À vérifier avant l'expédition : {$fraudSignals}." },
        { when: 'adminUrl', text: "L'ouvrir : {$adminUrl}" },
      ],
      sms: [
        'Nouvelle commande {$orderNumber} : {$total}, {$customerName}.',
        { when: 'fraudSignals', text: 'À vérifier : {$fraudSignals}.' },
      ],
    },
    'zh-Hant': {
      subject: '新訂單 {$orderNumber}:{$customerName}',
      body: [
        '{$customerName} 於 {$placedAt} 下了新訂單 {$orderNumber}。',
        items('共 {$itemCount} 件商品,總計 {$total}。', '共 {$itemCount} 件商品,總計 {$total}。'),
        { when: 'fraudSignals', text: '付運前請核對:{$fraudSignals}。' },
        { when: 'adminUrl', text: '開啟訂單:{$adminUrl}' },
      ],
      sms: [
        '新訂單 {$orderNumber}:{$total},{$customerName}。',
        { when: 'fraudSignals', text: '請核對:{$fraudSignals}。' },
      ],
    },
    ru: {
      subject: 'Новый заказ {$orderNumber} от {$customerName}',
      body: [
        'Новый заказ {$orderNumber} оформлен {$placedAt}, покупатель: {$customerName}.',
        `.input {$itemCount :number}\n.match $itemCount\none {{{$itemCount} товар, сумма {$total}.}}\nfew {{{$itemCount} товара, сумма {$total}.}}\nmany {{{$itemCount} товаров, сумма {$total}.}}\n* {{{$itemCount} товара, сумма {$total}.}}`,
        { when: 'fraudSignals', text: 'Проверьте перед отправкой: {$fraudSignals}.' },
        { when: 'adminUrl', text: 'Открыть заказ: {$adminUrl}' },
      ],
      sms: [
        'Новый заказ {$orderNumber}: {$total}, {$customerName}.',
        { when: 'fraudSignals', text: 'Проверьте: {$fraudSignals}.' },
      ],
    },
    fa: {
      subject: 'سفارش جدید {$orderNumber} از {$customerName}',
      body: [
        'سفارش جدید {$orderNumber} در تاریخ {$placedAt} توسط {$customerName} ثبت شد.',
        items('{$itemCount} کالا، مبلغ کل {$total}.', '{$itemCount} کالا، مبلغ کل {$total}.'),
        { when: 'fraudSignals', text: 'پیش از ارسال بررسی کنید: {$fraudSignals}.' },
        { when: 'adminUrl', text: 'باز کردن سفارش: {$adminUrl}' },
      ],
      sms: [
        'سفارش جدید {$orderNumber}: {$total}، {$customerName}.',
        { when: 'fraudSignals', text: 'بررسی کنید: {$fraudSignals}.' },
      ],
    },
  },
};
