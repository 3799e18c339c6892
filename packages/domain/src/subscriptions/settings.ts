import * as t from 'io-ts';
import { NonEmptyString, NonNegativeInt, PositiveInt } from '@ordersource/core';
import { LanguageCodec } from '../order/values.js';

/**
 * SUB-5: the shop's configured close reasons (Odoo: Subscriptions >
 * Configuration > Close Reasons), and the dunning rules Stripe Billing calls
 * "smart retries" and "subscription status after all retries fail".
 */

/**
 * One close reason. `label` is the default text; `labels` the same reason in
 * other languages (by language tag). `customerSelectable: false` keeps a
 * reason out of the portal's list (the billing engine's "payment failed").
 */
export const ConfiguredCloseReasonCodec = t.intersection(
  [
    t.strict({ code: NonEmptyString, label: NonEmptyString }),
    t.exact(t.partial({ labels: t.record(LanguageCodec, NonEmptyString), customerSelectable: t.boolean })),
  ],
  'ConfiguredCloseReason',
);
export type ConfiguredCloseReason = t.TypeOf<typeof ConfiguredCloseReasonCodec>;

/**
 * Dunning: after the first failed renewal payment, retry `retryAfterHours`
 * hours after that failure (each retry only once the one before failed);
 * `graceHours` after the first failure an invoice still open makes the
 * subscription `unpaid` (renewals go on, retries stop) or closes it with
 * `closeReasonCode` (Stripe: "mark the subscription as unpaid" or "cancel").
 */
export const DunningCodec = t.strict(
  {
    retryAfterHours: t.array(PositiveInt),
    graceHours: PositiveInt,
    onGraceEnd: t.keyof({ unpaid: null, close: null }),
    closeReasonCode: NonEmptyString,
  },
  'Dunning',
);
export type Dunning = t.TypeOf<typeof DunningCodec>;

export const SubscriptionSettingsCodec = t.intersection(
  [
    t.strict({ closeReasons: t.array(ConfiguredCloseReasonCodec) }),
    t.exact(t.partial({ dunning: DunningCodec, maxDueSteps: NonNegativeInt })),
  ],
  'SubscriptionSettings',
);
export type SubscriptionSettings = t.TypeOf<typeof SubscriptionSettingsCodec>;

/** Stripe's default smart-retry window: 3 retries within a week, then unpaid. */
export const defaultDunning: Dunning = {
  retryAfterHours: [24, 72, 120],
  graceHours: 168,
  onGraceEnd: 'unpaid',
  closeReasonCode: 'payment-failed',
};

/** The dunning rules in force: the shop's own, else `defaultDunning`. */
export const dunningOf = (settings: SubscriptionSettings): Dunning => settings.dunning ?? defaultDunning;

/**
 * The default catalog the issue lists, labelled in the seeds' languages
 * (Persian of seed 004, Russian, Vietnamese, French, Traditional Chinese)
 * and English. "Payment failed" is the billing engine's own.
 */
export const defaultCloseReasons: readonly ConfiguredCloseReason[] = [
  {
    code: 'too-expensive',
    label: 'Subscription is too expensive',
    labels: {
      fa: 'اشتراک بیش از حد گران است',
      ru: 'Подписка слишком дорогая',
      vi: 'Gói đăng ký quá đắt',
      fr: 'L’abonnement est trop cher',
      'zh-Hant': '訂閱太貴',
    },
  },
  {
    code: 'not-meeting-requirements',
    label: 'Does not meet my requirements',
    labels: {
      fa: 'نیازهای من را برآورده نمی‌کند',
      ru: 'Не отвечает моим требованиям',
      vi: 'Không đáp ứng yêu cầu của tôi',
      fr: 'Ne répond pas à mes besoins',
      'zh-Hant': '不符合我的需求',
    },
  },
  {
    code: 'not-used',
    label: 'I don’t use it',
    labels: {
      fa: 'از آن استفاده نمی‌کنم',
      ru: 'Я им не пользуюсь',
      vi: 'Tôi không sử dụng',
      fr: 'Je ne l’utilise pas',
      'zh-Hant': '我沒有使用',
    },
  },
  {
    code: 'switched-service',
    label: 'Switched to another service',
    labels: {
      fa: 'به سرویس دیگری رفتم',
      ru: 'Перешёл на другой сервис',
      vi: 'Đã chuyển sang dịch vụ khác',
      fr: 'Passé à un autre service',
      'zh-Hant': '已改用其他服務',
    },
  },
  {
    code: 'payment-failed',
    label: 'Payment failed',
    customerSelectable: false,
    labels: {
      fa: 'پرداخت ناموفق بود',
      ru: 'Оплата не прошла',
      vi: 'Thanh toán thất bại',
      fr: 'Échec du paiement',
      'zh-Hant': '付款失敗',
    },
  },
  {
    code: 'end-of-contract',
    label: 'End of contract',
    labels: {
      fa: 'پایان قرارداد',
      ru: 'Окончание договора',
      vi: 'Hết hợp đồng',
      fr: 'Fin de contrat',
      'zh-Hant': '合約到期',
    },
  },
  {
    code: 'other',
    label: 'Other',
    labels: { fa: 'سایر', ru: 'Другое', vi: 'Khác', fr: 'Autre', 'zh-Hant': '其他' },
  },
];

export const defaultSubscriptionSettings: SubscriptionSettings = {
  closeReasons: [...defaultCloseReasons],
  dunning: defaultDunning,
};

/** The label of a reason in a language ("zh-Hant-TW" tries "zh-Hant", then "zh"), else `label`. */
export const closeReasonLabel = (reason: ConfiguredCloseReason, language?: string): string => {
  if (language === undefined || reason.labels === undefined) return reason.label;
  const parts = language.split('-');
  for (let n = parts.length; n > 0; n--) {
    const label = reason.labels[parts.slice(0, n).join('-')];
    if (label !== undefined) return label;
  }
  return reason.label;
};

/** SUB-4: the reasons a customer may pick in the portal. */
export const customerCloseReasons = (settings: SubscriptionSettings): readonly ConfiguredCloseReason[] =>
  settings.closeReasons.filter((reason) => reason.customerSelectable !== false);
