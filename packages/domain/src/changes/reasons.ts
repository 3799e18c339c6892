import type { ChangeKind } from './values.js';

/**
 * Issue 17: the reason catalogs of returns and claims, labelled in the seeds'
 * languages (Persian, Russian, Vietnamese, French, Traditional Chinese) and
 * English, like the subscription close reasons. A shop may pass its own.
 */

export type ChangeReason = Readonly<{
  code: string;
  label: string;
  labels?: Readonly<Record<string, string>>;
  /** The change kinds that may name it. */
  kinds: readonly ChangeKind[];
}>;

export const defaultChangeReasons: readonly ChangeReason[] = [
  {
    code: 'wrong-size',
    label: 'Wrong size',
    labels: {
      fa: 'اندازه نادرست',
      ru: 'Не подошёл размер',
      vi: 'Sai kích cỡ',
      fr: 'Mauvaise taille',
      'zh-Hant': '尺寸不合',
    },
    kinds: ['return', 'exchange'],
  },
  {
    code: 'changed-mind',
    label: 'Changed my mind',
    labels: { fa: 'منصرف شدم', ru: 'Передумал(а)', vi: 'Đổi ý', fr: 'J’ai changé d’avis', 'zh-Hant': '改變主意' },
    kinds: ['return', 'exchange'],
  },
  {
    code: 'not-as-described',
    label: 'Not as described',
    labels: {
      fa: 'مطابق توضیحات نیست',
      ru: 'Не соответствует описанию',
      vi: 'Không đúng mô tả',
      fr: 'Non conforme à la description',
      'zh-Hant': '與描述不符',
    },
    kinds: ['return', 'exchange', 'claim'],
  },
  {
    code: 'damaged',
    label: 'Arrived damaged',
    labels: {
      fa: 'آسیب‌دیده رسید',
      ru: 'Пришёл повреждённым',
      vi: 'Bị hư hỏng khi nhận',
      fr: 'Arrivé endommagé',
      'zh-Hant': '到貨時已損壞',
    },
    kinds: ['return', 'claim'],
  },
  {
    code: 'missing',
    label: 'Missing from the parcel',
    labels: {
      fa: 'در بسته نبود',
      ru: 'Отсутствовал в посылке',
      vi: 'Thiếu trong kiện hàng',
      fr: 'Absent du colis',
      'zh-Hant': '包裹內缺少',
    },
    kinds: ['claim'],
  },
  {
    code: 'wrong-item',
    label: 'Wrong item sent',
    labels: {
      fa: 'کالای اشتباه ارسال شد',
      ru: 'Прислали не тот товар',
      vi: 'Gửi nhầm hàng',
      fr: 'Mauvais article envoyé',
      'zh-Hant': '寄錯商品',
    },
    kinds: ['return', 'exchange', 'claim'],
  },
];

/** The label in `language` (then its less specific tags), else the default label. */
export const changeReasonLabel = (reason: ChangeReason, language?: string): string => {
  if (language === undefined || reason.labels === undefined) return reason.label;
  const parts = language.split('-');
  for (let n = parts.length; n > 0; n--) {
    const label = reason.labels[parts.slice(0, n).join('-')];
    if (label !== undefined) return label;
  }
  return reason.label;
};
