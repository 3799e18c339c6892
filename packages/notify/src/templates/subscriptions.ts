import type { TemplateSpec } from '../template.js';
import { hello } from './greetings.js';

/** SUB-2 / SUB-5: a subscription renewed (invoiced), its payment past due, and SUB-3 / SUB-4: closed, with the reason. */
export const subscriptionRenewed: TemplateSpec = {
  id: 'subscription-renewed',
  required: ['customerName', 'subscriptionName', 'amount', 'nextBillingDate', 'shopName'],
  optional: [],
  texts: {
    en: {
      subject: '{$subscriptionName} renewed',
      body: [
        hello.en,
        'Your subscription {$subscriptionName} was renewed; {$amount} was invoiced.',
        'Next billing date: {$nextBillingDate}.',
      ],
      sms: ['{$shopName}: {$subscriptionName} renewed, {$amount}. Next billing: {$nextBillingDate}.'],
    },
    vi: {
      subject: '{$subscriptionName} đã được gia hạn',
      body: [
        hello.vi,
        'Gói đăng ký {$subscriptionName} của bạn đã được gia hạn; hóa đơn {$amount} đã được lập.',
        'Ngày lập hóa đơn tiếp theo: {$nextBillingDate}.',
      ],
      sms: ['{$shopName}: {$subscriptionName} đã gia hạn, {$amount}. Lần tới: {$nextBillingDate}.'],
    },
    fr: {
      subject: '{$subscriptionName} renouvelé',
      body: [
        hello.fr,
        'Votre abonnement {$subscriptionName} a été renouvelé ; {$amount} a été facturé.',
        'Prochaine facturation : {$nextBillingDate}.',
      ],
      sms: ['{$shopName} : {$subscriptionName} renouvelé, {$amount}. Prochaine facturation : {$nextBillingDate}.'],
    },
    'zh-Hant': {
      subject: '{$subscriptionName} 已續訂',
      body: [
        hello['zh-Hant'],
        '您的訂閱 {$subscriptionName} 已續訂,已開立 {$amount} 的發票。',
        '下次收費日期:{$nextBillingDate}。',
      ],
      sms: ['{$shopName}:{$subscriptionName} 已續訂,{$amount}。下次:{$nextBillingDate}。'],
    },
    ru: {
      subject: 'Подписка {$subscriptionName} продлена',
      body: [
        hello.ru,
        'Ваша подписка {$subscriptionName} продлена, выставлен счёт на {$amount}.',
        'Следующее списание: {$nextBillingDate}',
      ],
      sms: ['{$shopName}: подписка {$subscriptionName} продлена, {$amount}. Следующее списание: {$nextBillingDate}'],
    },
    fa: {
      subject: 'اشتراک {$subscriptionName} تمدید شد',
      body: [
        hello.fa,
        'اشتراک {$subscriptionName} شما تمدید شد و صورتحساب {$amount} صادر شد.',
        'تاریخ صورتحساب بعدی: {$nextBillingDate}.',
      ],
      sms: ['{$shopName}: اشتراک {$subscriptionName} تمدید شد، {$amount}. بعدی: {$nextBillingDate}.'],
    },
  },
};

export const subscriptionPastDue: TemplateSpec = {
  id: 'subscription-past-due',
  required: ['customerName', 'subscriptionName', 'amount', 'dueDate', 'shopName'],
  optional: ['paymentUrl'],
  texts: {
    en: {
      subject: 'Payment overdue for {$subscriptionName}',
      body: [
        hello.en,
        'The payment of {$amount} for {$subscriptionName}, due on {$dueDate}, has not reached us.',
        { when: 'paymentUrl', text: 'Pay now: {$paymentUrl}' },
      ],
      sms: [
        '{$shopName}: {$amount} for {$subscriptionName} is overdue since {$dueDate}.',
        { when: 'paymentUrl', text: '{$paymentUrl}' },
      ],
    },
    vi: {
      subject: 'Quá hạn thanh toán cho {$subscriptionName}',
      body: [
        hello.vi,
        'Khoản thanh toán {$amount} cho {$subscriptionName}, đến hạn ngày {$dueDate}, vẫn chưa được nhận.',
        { when: 'paymentUrl', text: 'Thanh toán ngay: {$paymentUrl}' },
      ],
      sms: [
        '{$shopName}: {$amount} cho {$subscriptionName} quá hạn từ {$dueDate}.',
        { when: 'paymentUrl', text: '{$paymentUrl}' },
      ],
    },
    fr: {
      subject: 'Paiement en retard pour {$subscriptionName}',
      body: [
        hello.fr,
        'Le paiement de {$amount} pour {$subscriptionName}, dû le {$dueDate}, ne nous est pas parvenu.',
        { when: 'paymentUrl', text: 'Payer maintenant : {$paymentUrl}' },
      ],
      sms: [
        '{$shopName} : {$amount} pour {$subscriptionName} en retard depuis le {$dueDate}.',
        { when: 'paymentUrl', text: '{$paymentUrl}' },
      ],
    },
    'zh-Hant': {
      subject: '{$subscriptionName} 付款逾期',
      body: [
        hello['zh-Hant'],
        '{$subscriptionName} 應於 {$dueDate} 支付的 {$amount} 尚未收到。',
        { when: 'paymentUrl', text: '立即付款:{$paymentUrl}' },
      ],
      sms: [
        '{$shopName}:{$subscriptionName} 的 {$amount} 自 {$dueDate} 起逾期。',
        { when: 'paymentUrl', text: '{$paymentUrl}' },
      ],
    },
    ru: {
      subject: 'Просрочена оплата подписки {$subscriptionName}',
      body: [
        hello.ru,
        'Оплата {$amount} за подписку {$subscriptionName} со сроком {$dueDate} не поступила.',
        { when: 'paymentUrl', text: 'Оплатить: {$paymentUrl}' },
      ],
      sms: [
        '{$shopName}: оплата {$amount} за {$subscriptionName} просрочена с {$dueDate}',
        { when: 'paymentUrl', text: '{$paymentUrl}' },
      ],
    },
    fa: {
      subject: 'پرداخت اشتراک {$subscriptionName} عقب افتاده است',
      body: [
        hello.fa,
        'پرداخت {$amount} برای {$subscriptionName} با سررسید {$dueDate} هنوز به دست ما نرسیده است.',
        { when: 'paymentUrl', text: 'اکنون پرداخت کنید: {$paymentUrl}' },
      ],
      sms: [
        '{$shopName}: پرداخت {$amount} برای {$subscriptionName} از {$dueDate} عقب افتاده است.',
        { when: 'paymentUrl', text: '{$paymentUrl}' },
      ],
    },
  },
};

export const subscriptionClosed: TemplateSpec = {
  id: 'subscription-closed',
  required: ['customerName', 'subscriptionName', 'closedAt', 'shopName'],
  optional: ['reason'],
  texts: {
    en: {
      subject: '{$subscriptionName} closed',
      body: [
        hello.en,
        'Your subscription {$subscriptionName} was closed on {$closedAt}.',
        { when: 'reason', text: 'Reason: {$reason}' },
      ],
      sms: ['{$shopName}: {$subscriptionName} closed on {$closedAt}.'],
    },
    vi: {
      subject: '{$subscriptionName} đã đóng',
      body: [
        hello.vi,
        'Gói đăng ký {$subscriptionName} của bạn đã được đóng ngày {$closedAt}.',
        { when: 'reason', text: 'Lý do: {$reason}' },
      ],
      sms: ['{$shopName}: {$subscriptionName} đã đóng ngày {$closedAt}.'],
    },
    fr: {
      subject: '{$subscriptionName} clôturé',
      body: [
        hello.fr,
        'Votre abonnement {$subscriptionName} a été clôturé le {$closedAt}.',
        { when: 'reason', text: 'Motif : {$reason}' },
      ],
      sms: ['{$shopName} : {$subscriptionName} clôturé le {$closedAt}.'],
    },
    'zh-Hant': {
      subject: '{$subscriptionName} 已關閉',
      body: [
        hello['zh-Hant'],
        '您的訂閱 {$subscriptionName} 已於 {$closedAt} 關閉。',
        { when: 'reason', text: '原因:{$reason}' },
      ],
      sms: ['{$shopName}:{$subscriptionName} 已於 {$closedAt} 關閉。'],
    },
    ru: {
      subject: 'Подписка {$subscriptionName} закрыта',
      body: [
        hello.ru,
        'Ваша подписка {$subscriptionName} закрыта {$closedAt}',
        { when: 'reason', text: 'Причина: {$reason}' },
      ],
      sms: ['{$shopName}: подписка {$subscriptionName} закрыта {$closedAt}'],
    },
    fa: {
      subject: 'اشتراک {$subscriptionName} بسته شد',
      body: [
        hello.fa,
        'اشتراک {$subscriptionName} شما در تاریخ {$closedAt} بسته شد.',
        { when: 'reason', text: 'دلیل: {$reason}' },
      ],
      sms: ['{$shopName}: اشتراک {$subscriptionName} در تاریخ {$closedAt} بسته شد.'],
    },
  },
};
