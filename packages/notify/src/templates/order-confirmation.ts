import type { TemplateSpec } from '../template.js';
import { hello } from './greetings.js';

/** NOT-1: the customer's order confirmation; CUS-1: it carries the invitation to create an account. */
const items = (one: string, other: string) =>
  `.input {$itemCount :number}\n.match $itemCount\none {{${one}}}\n* {{${other}}}`;

export const orderConfirmation: TemplateSpec = {
  id: 'order-confirmation',
  required: ['customerName', 'orderNumber', 'placedAt', 'itemCount', 'total', 'shopName'],
  optional: ['orderUrl', 'inviteUrl'],
  texts: {
    en: {
      subject: 'Order {$orderNumber} confirmed: {$shopName}',
      body: [
        hello.en,
        'Thank you for your order {$orderNumber} of {$placedAt}.',
        items(
          'It holds {$itemCount} item; the total is {$total}.',
          'It holds {$itemCount} items; the total is {$total}.',
        ),
        { when: 'orderUrl', text: 'See your order at any time: {$orderUrl}' },
        { when: 'inviteUrl', text: 'Create your account to follow this order and the next ones: {$inviteUrl}' },
      ],
      sms: ['{$shopName}: order {$orderNumber} confirmed, total {$total}.'],
    },
    vi: {
      subject: 'Đơn hàng {$orderNumber} đã được xác nhận: {$shopName}',
      body: [
        hello.vi,
        'Cảm ơn bạn đã đặt đơn hàng {$orderNumber} ngày {$placedAt}.',
        items(
          'Đơn hàng gồm {$itemCount} sản phẩm; tổng cộng {$total}.',
          'Đơn hàng gồm {$itemCount} sản phẩm; tổng cộng {$total}.',
        ),
        { when: 'orderUrl', text: 'Xem đơn hàng của bạn bất cứ lúc nào: {$orderUrl}' },
        { when: 'inviteUrl', text: 'Tạo tài khoản để theo dõi đơn hàng này và các đơn hàng sau: {$inviteUrl}' },
      ],
      sms: ['{$shopName}: đơn hàng {$orderNumber} đã được xác nhận, tổng cộng {$total}.'],
    },
    fr: {
      subject: 'Commande {$orderNumber} confirmée : {$shopName}',
      body: [
        hello.fr,
        'Merci pour votre commande {$orderNumber} du {$placedAt}.',
        items(
          'Elle contient {$itemCount} article ; le total est de {$total}.',
          'Elle contient {$itemCount} articles ; le total est de {$total}.',
        ),
        { when: 'orderUrl', text: 'Consultez votre commande à tout moment : {$orderUrl}' },
        { when: 'inviteUrl', text: 'Créez votre compte pour suivre cette commande et les suivantes : {$inviteUrl}' },
      ],
      sms: ['{$shopName} : commande {$orderNumber} confirmée, total {$total}.'],
    },
    'zh-Hant': {
      subject: '訂單 {$orderNumber} 已確認:{$shopName}',
      body: [
        hello['zh-Hant'],
        '感謝您於 {$placedAt} 訂購,訂單編號 {$orderNumber}。',
        items('訂單共 {$itemCount} 件商品,應收總計 {$total}。', '訂單共 {$itemCount} 件商品,應收總計 {$total}。'),
        { when: 'orderUrl', text: '您可隨時查看訂單:{$orderUrl}' },
        { when: 'inviteUrl', text: '建立帳戶即可追蹤此訂單及日後的訂單:{$inviteUrl}' },
      ],
      sms: ['{$shopName}:訂單 {$orderNumber} 已確認,總計 {$total}。'],
    },
    ru: {
      subject: 'Заказ {$orderNumber} подтверждён: {$shopName}',
      body: [
        hello.ru,
        'Спасибо за заказ {$orderNumber} от {$placedAt}!',
        `.input {$itemCount :number}\n.match $itemCount\none {{В заказе {$itemCount} товар на сумму {$total}.}}\nfew {{В заказе {$itemCount} товара на сумму {$total}.}}\nmany {{В заказе {$itemCount} товаров на сумму {$total}.}}\n* {{В заказе {$itemCount} товара на сумму {$total}.}}`,
        { when: 'orderUrl', text: 'Ваш заказ всегда можно посмотреть здесь: {$orderUrl}' },
        {
          when: 'inviteUrl',
          text: 'Создайте учётную запись, чтобы следить за этим и следующими заказами: {$inviteUrl}',
        },
      ],
      sms: ['{$shopName}: заказ {$orderNumber} подтверждён, сумма {$total}.'],
    },
    fa: {
      subject: 'سفارش {$orderNumber} تأیید شد: {$shopName}',
      body: [
        hello.fa,
        'از سفارش {$orderNumber} شما در تاریخ {$placedAt} سپاسگزاریم.',
        items(
          'این سفارش شامل {$itemCount} کالا است؛ مبلغ کل {$total} است.',
          'این سفارش شامل {$itemCount} کالا است؛ مبلغ کل {$total} است.',
        ),
        { when: 'orderUrl', text: 'سفارش خود را هر زمان اینجا ببینید: {$orderUrl}' },
        { when: 'inviteUrl', text: 'برای پیگیری این سفارش و سفارش‌های بعدی، حساب کاربری بسازید: {$inviteUrl}' },
      ],
      sms: ['{$shopName}: سفارش {$orderNumber} تأیید شد، مبلغ کل {$total}.'],
    },
  },
};
