import type { TemplateSpec } from '../template.js';
import { hello } from './greetings.js';

/**
 * ORD-4 / FUL-1 / NOT-2: a status change the admin chose to tell the customer
 * about, with her note, the ship and delivery dates and the carrier's
 * tracking reference (ec2Biz "處理訂單").
 */
export const orderUpdate: TemplateSpec = {
  id: 'order-update',
  required: ['customerName', 'orderNumber', 'status', 'shopName'],
  optional: ['note', 'tracking', 'trackingUrl', 'shipDate', 'deliveryDate'],
  texts: {
    en: {
      subject: 'Order {$orderNumber}: {$status}',
      body: [
        hello.en,
        'Your order {$orderNumber} is now: {$status}.',
        { when: 'note', text: 'A note from {$shopName}: {$note}' },
        { when: 'shipDate', text: 'Shipped on {$shipDate}.' },
        { when: 'deliveryDate', text: 'Delivery date: {$deliveryDate}.' },
        { when: 'tracking', text: 'Tracking reference: {$tracking}' },
        { when: 'trackingUrl', text: 'Follow the parcel: {$trackingUrl}' },
      ],
      sms: [
        '{$shopName}: order {$orderNumber}: {$status}.',
        { when: 'note', text: '{$note}' },
        { when: 'tracking', text: 'Tracking: {$tracking}' },
      ],
    },
    vi: {
      subject: 'Đơn hàng {$orderNumber}: {$status}',
      body: [
        hello.vi,
        'Đơn hàng {$orderNumber} của bạn hiện ở trạng thái: {$status}.',
        { when: 'note', text: 'Ghi chú từ {$shopName}: {$note}' },
        { when: 'shipDate', text: 'Ngày gửi hàng: {$shipDate}.' },
        { when: 'deliveryDate', text: 'Ngày giao hàng: {$deliveryDate}.' },
        { when: 'tracking', text: 'Mã vận đơn: {$tracking}' },
        { when: 'trackingUrl', text: 'Theo dõi kiện hàng: {$trackingUrl}' },
      ],
      sms: [
        '{$shopName}: đơn hàng {$orderNumber}: {$status}.',
        { when: 'note', text: '{$note}' },
        { when: 'tracking', text: 'Mã vận đơn: {$tracking}' },
      ],
    },
    fr: {
      subject: 'Commande {$orderNumber} : {$status}',
      body: [
        hello.fr,
        'Votre commande {$orderNumber} est maintenant : {$status}.',
        { when: 'note', text: 'Un mot de {$shopName} : {$note}' },
        { when: 'shipDate', text: 'Expédiée le {$shipDate}.' },
        { when: 'deliveryDate', text: 'Date de livraison : {$deliveryDate}.' },
        { when: 'tracking', text: 'Numéro de suivi : {$tracking}' },
        { when: 'trackingUrl', text: 'Suivre le colis : {$trackingUrl}' },
      ],
      sms: [
        '{$shopName} : commande {$orderNumber} : {$status}.',
        { when: 'note', text: '{$note}' },
        { when: 'tracking', text: 'Suivi : {$tracking}' },
      ],
    },
    'zh-Hant': {
      subject: '訂單 {$orderNumber}:{$status}',
      body: [
        hello['zh-Hant'],
        '您的訂單 {$orderNumber} 目前狀態:{$status}。',
        { when: 'note', text: '{$shopName} 的備註:{$note}' },
        { when: 'shipDate', text: '產品寄出日期:{$shipDate}。' },
        { when: 'deliveryDate', text: '產品送貨日期:{$deliveryDate}。' },
        { when: 'tracking', text: '貨運參考編號:{$tracking}' },
        { when: 'trackingUrl', text: '追蹤包裹:{$trackingUrl}' },
      ],
      sms: [
        '{$shopName}:訂單 {$orderNumber}:{$status}。',
        { when: 'note', text: '{$note}' },
        { when: 'tracking', text: '貨運編號:{$tracking}' },
      ],
    },
    ru: {
      subject: 'Заказ {$orderNumber}: {$status}',
      body: [
        hello.ru,
        'Статус вашего заказа {$orderNumber}: {$status}.',
        { when: 'note', text: 'Комментарий {$shopName}: {$note}' },
        { when: 'shipDate', text: 'Дата отправки: {$shipDate}' },
        { when: 'deliveryDate', text: 'Дата доставки: {$deliveryDate}' },
        { when: 'tracking', text: 'Трек-номер: {$tracking}' },
        { when: 'trackingUrl', text: 'Отследить посылку: {$trackingUrl}' },
      ],
      sms: [
        '{$shopName}: заказ {$orderNumber}: {$status}.',
        { when: 'note', text: '{$note}' },
        { when: 'tracking', text: 'Трек-номер: {$tracking}' },
      ],
    },
    fa: {
      subject: 'سفارش {$orderNumber}: {$status}',
      body: [
        hello.fa,
        'وضعیت سفارش {$orderNumber} شما: {$status}.',
        { when: 'note', text: 'یادداشت {$shopName}: {$note}' },
        { when: 'shipDate', text: 'تاریخ ارسال: {$shipDate}.' },
        { when: 'deliveryDate', text: 'تاریخ تحویل: {$deliveryDate}.' },
        { when: 'tracking', text: 'کد رهگیری: {$tracking}' },
        { when: 'trackingUrl', text: 'پیگیری مرسوله: {$trackingUrl}' },
      ],
      sms: [
        '{$shopName}: سفارش {$orderNumber}: {$status}.',
        { when: 'note', text: '{$note}' },
        { when: 'tracking', text: 'کد رهگیری: {$tracking}' },
      ],
    },
  },
};
