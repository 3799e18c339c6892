import type { Paragraph, TemplateSpec, TemplateTexts } from '../template.js';
import { hello } from './greetings.js';

/**
 * Issue 17 (NOT-1, NOT-2): the steps of an order change (a return, an
 * exchange, a claim, an order edit) as the customer and the shop read them.
 * `changeKind` is the kind's label in the reader's language and `reasons`
 * the reasons the customer named, labelled by the shop's reason catalog and
 * joined by `Intl.ListFormat` (see change-intents.ts); `outcome` and
 * `outcomeTitle` say what applying the change did (a refund for a return).
 */
type Lang = 'en' | 'vi' | 'fr' | 'zh-Hant' | 'ru' | 'fa';

type Step =
  'requested' | 'confirmed' | 'declined' | 'canceled' | 'received' | 'applied' | 'requestAlert' | 'failedAlert';

/** Per language: the shared lines, then subject, opening sentence and SMS per step. */
type Phrases = Readonly<{
  reasons: string;
  note: string;
  why: string;
  orderUrl: string;
  adminUrl: string;
  customer: string;
  steps: Readonly<Record<Step, Readonly<{ subject: string; line: string; sms: string }>>>;
}>;

const phrases: Readonly<Record<Lang, Phrases>> = {
  en: {
    reasons: 'Reason: {$reasons}.',
    note: 'A note from {$shopName}: {$note}',
    why: 'Why: {$reason}',
    orderUrl: 'Follow it here: {$orderUrl}',
    adminUrl: 'Open it: {$adminUrl}',
    customer: 'Customer: {$customerName}',
    steps: {
      requested: {
        subject: 'Order {$orderNumber}: we received your {$changeKind} request',
        line: 'Your {$changeKind} request for order {$orderNumber} is registered. We will answer soon.',
        sms: '{$shopName}: your {$changeKind} request for order {$orderNumber} is registered.',
      },
      confirmed: {
        subject: 'Order {$orderNumber}: your {$changeKind} is accepted',
        line: 'Your {$changeKind} for order {$orderNumber} is accepted.',
        sms: '{$shopName}: your {$changeKind} for order {$orderNumber} is accepted.',
      },
      declined: {
        subject: 'Order {$orderNumber}: your {$changeKind} request was declined',
        line: 'We cannot accept your {$changeKind} request for order {$orderNumber}; your order stays as it was.',
        sms: '{$shopName}: your {$changeKind} request for order {$orderNumber} was declined.',
      },
      canceled: {
        subject: 'Order {$orderNumber}: {$changeKind} canceled',
        line: 'The {$changeKind} for order {$orderNumber} is canceled; your order stays as it was.',
        sms: '{$shopName}: the {$changeKind} for order {$orderNumber} is canceled.',
      },
      received: {
        subject: 'Order {$orderNumber}: we received your return',
        line: 'The goods you sent back for order {$orderNumber} ({$changeKind}) have arrived. We are finishing it now.',
        sms: '{$shopName}: your parcel for order {$orderNumber} ({$changeKind}) has arrived.',
      },
      applied: {
        subject: 'Order {$orderNumber}: {$outcomeTitle}',
        line: '{$outcome} (order {$orderNumber}, {$changeKind})',
        sms: '{$shopName}, order {$orderNumber}: {$outcome}',
      },
      requestAlert: {
        subject: 'Order {$orderNumber}: a {$changeKind} request waits for your answer',
        line: 'A customer asked for a {$changeKind} on order {$orderNumber}. Confirm or decline it.',
        sms: 'Order {$orderNumber}: {$changeKind} request waits for an answer.',
      },
      failedAlert: {
        subject: 'Order {$orderNumber}: the {$changeKind} could not be applied',
        line: 'The {$changeKind} on order {$orderNumber} was ready but the order refused it; nothing was changed. Please put it right by hand.',
        sms: 'Order {$orderNumber}: the {$changeKind} could not be applied.',
      },
    },
  },
  vi: {
    reasons: 'Lý do: {$reasons}.',
    note: 'Ghi chú từ {$shopName}: {$note}',
    why: 'Lý do: {$reason}',
    orderUrl: 'Theo dõi tại đây: {$orderUrl}',
    adminUrl: 'Mở: {$adminUrl}',
    customer: 'Khách hàng: {$customerName}',
    steps: {
      requested: {
        subject: 'Đơn hàng {$orderNumber}: chúng tôi đã nhận yêu cầu {$changeKind} của bạn',
        line: 'Yêu cầu {$changeKind} của bạn cho đơn hàng {$orderNumber} đã được ghi nhận. Chúng tôi sẽ sớm trả lời.',
        sms: '{$shopName}: yêu cầu {$changeKind} cho đơn hàng {$orderNumber} đã được ghi nhận.',
      },
      confirmed: {
        subject: 'Đơn hàng {$orderNumber}: yêu cầu {$changeKind} đã được chấp nhận',
        line: 'Yêu cầu {$changeKind} của bạn cho đơn hàng {$orderNumber} đã được chấp nhận.',
        sms: '{$shopName}: yêu cầu {$changeKind} cho đơn hàng {$orderNumber} đã được chấp nhận.',
      },
      declined: {
        subject: 'Đơn hàng {$orderNumber}: yêu cầu {$changeKind} bị từ chối',
        line: 'Chúng tôi không thể chấp nhận yêu cầu {$changeKind} cho đơn hàng {$orderNumber}; đơn hàng của bạn giữ nguyên.',
        sms: '{$shopName}: yêu cầu {$changeKind} cho đơn hàng {$orderNumber} bị từ chối.',
      },
      canceled: {
        subject: 'Đơn hàng {$orderNumber}: đã hủy {$changeKind}',
        line: 'Yêu cầu {$changeKind} cho đơn hàng {$orderNumber} đã bị hủy; đơn hàng của bạn giữ nguyên.',
        sms: '{$shopName}: yêu cầu {$changeKind} cho đơn hàng {$orderNumber} đã bị hủy.',
      },
      received: {
        subject: 'Đơn hàng {$orderNumber}: chúng tôi đã nhận hàng trả lại',
        line: 'Hàng bạn gửi lại cho đơn hàng {$orderNumber} ({$changeKind}) đã đến. Chúng tôi đang hoàn tất.',
        sms: '{$shopName}: kiện hàng cho đơn hàng {$orderNumber} ({$changeKind}) đã đến.',
      },
      applied: {
        subject: 'Đơn hàng {$orderNumber}: {$outcomeTitle}',
        line: '{$outcome} (đơn hàng {$orderNumber}, {$changeKind})',
        sms: '{$shopName}, đơn hàng {$orderNumber}: {$outcome}',
      },
      requestAlert: {
        subject: 'Đơn hàng {$orderNumber}: yêu cầu {$changeKind} đang chờ trả lời',
        line: 'Một khách hàng yêu cầu {$changeKind} cho đơn hàng {$orderNumber}. Hãy chấp nhận hoặc từ chối.',
        sms: 'Đơn hàng {$orderNumber}: yêu cầu {$changeKind} đang chờ trả lời.',
      },
      failedAlert: {
        subject: 'Đơn hàng {$orderNumber}: không thể áp dụng {$changeKind}',
        line: 'Yêu cầu {$changeKind} cho đơn hàng {$orderNumber} đã sẵn sàng nhưng đơn hàng từ chối; không có gì thay đổi. Hãy xử lý thủ công.',
        sms: 'Đơn hàng {$orderNumber}: không thể áp dụng {$changeKind}.',
      },
    },
  },
  fr: {
    reasons: 'Motif : {$reasons}.',
    note: 'Un mot de {$shopName} : {$note}',
    why: 'Pourquoi : {$reason}',
    orderUrl: 'Suivre ici : {$orderUrl}',
    adminUrl: 'Ouvrir : {$adminUrl}',
    customer: 'Client : {$customerName}',
    steps: {
      requested: {
        subject: 'Commande {$orderNumber} : nous avons reçu votre demande ({$changeKind})',
        line: 'Votre demande ({$changeKind}) pour la commande {$orderNumber} est enregistrée. Nous vous répondrons bientôt.',
        sms: '{$shopName} : votre demande ({$changeKind}) pour la commande {$orderNumber} est enregistrée.',
      },
      confirmed: {
        subject: 'Commande {$orderNumber} : votre demande ({$changeKind}) est acceptée',
        line: 'Votre demande ({$changeKind}) pour la commande {$orderNumber} est acceptée.',
        sms: '{$shopName} : votre demande ({$changeKind}) pour la commande {$orderNumber} est acceptée.',
      },
      declined: {
        subject: 'Commande {$orderNumber} : votre demande ({$changeKind}) est refusée',
        line: 'Nous ne pouvons pas accepter votre demande ({$changeKind}) pour la commande {$orderNumber} ; votre commande reste inchangée.',
        sms: '{$shopName} : votre demande ({$changeKind}) pour la commande {$orderNumber} est refusée.',
      },
      canceled: {
        subject: 'Commande {$orderNumber} : demande annulée ({$changeKind})',
        line: 'La demande ({$changeKind}) pour la commande {$orderNumber} est annulée ; votre commande reste inchangée.',
        sms: '{$shopName} : la demande ({$changeKind}) pour la commande {$orderNumber} est annulée.',
      },
      received: {
        subject: 'Commande {$orderNumber} : nous avons reçu votre retour',
        line: 'Les articles renvoyés pour la commande {$orderNumber} ({$changeKind}) sont arrivés. Nous finalisons la demande.',
        sms: '{$shopName} : votre colis pour la commande {$orderNumber} ({$changeKind}) est arrivé.',
      },
      applied: {
        subject: 'Commande {$orderNumber} : {$outcomeTitle}',
        line: '{$outcome} (commande {$orderNumber}, {$changeKind})',
        sms: '{$shopName}, commande {$orderNumber} : {$outcome}',
      },
      requestAlert: {
        subject: 'Commande {$orderNumber} : une demande ({$changeKind}) attend votre réponse',
        line: 'Un client a fait une demande ({$changeKind}) pour la commande {$orderNumber}. Acceptez-la ou refusez-la.',
        sms: 'Commande {$orderNumber} : une demande ({$changeKind}) attend une réponse.',
      },
      failedAlert: {
        subject: 'Commande {$orderNumber} : la demande ({$changeKind}) n’a pas pu être appliquée',
        line: 'La demande ({$changeKind}) pour la commande {$orderNumber} était prête mais la commande l’a refusée ; rien n’a changé. Corrigez-la à la main.',
        sms: 'Commande {$orderNumber} : la demande ({$changeKind}) n’a pas pu être appliquée.',
      },
    },
  },
  'zh-Hant': {
    reasons: '原因:{$reasons}。',
    note: '{$shopName} 的備註:{$note}',
    why: '原因:{$reason}',
    orderUrl: '於此查看:{$orderUrl}',
    adminUrl: '開啟:{$adminUrl}',
    customer: '顧客:{$customerName}',
    steps: {
      requested: {
        subject: '訂單 {$orderNumber}:已收到您的{$changeKind}申請',
        line: '您對訂單 {$orderNumber} 的{$changeKind}申請已登記,我們將盡快回覆。',
        sms: '{$shopName}:訂單 {$orderNumber} 的{$changeKind}申請已登記。',
      },
      confirmed: {
        subject: '訂單 {$orderNumber}:您的{$changeKind}申請已受理',
        line: '您對訂單 {$orderNumber} 的{$changeKind}申請已受理。',
        sms: '{$shopName}:訂單 {$orderNumber} 的{$changeKind}申請已受理。',
      },
      declined: {
        subject: '訂單 {$orderNumber}:您的{$changeKind}申請未獲受理',
        line: '我們無法受理您對訂單 {$orderNumber} 的{$changeKind}申請;您的訂單維持不變。',
        sms: '{$shopName}:訂單 {$orderNumber} 的{$changeKind}申請未獲受理。',
      },
      canceled: {
        subject: '訂單 {$orderNumber}:{$changeKind}已取消',
        line: '訂單 {$orderNumber} 的{$changeKind}已取消;您的訂單維持不變。',
        sms: '{$shopName}:訂單 {$orderNumber} 的{$changeKind}已取消。',
      },
      received: {
        subject: '訂單 {$orderNumber}:已收到您的退回商品',
        line: '您為訂單 {$orderNumber} 寄回的商品({$changeKind})已送達,我們正在處理。',
        sms: '{$shopName}:訂單 {$orderNumber} 的退回包裹({$changeKind})已送達。',
      },
      applied: {
        subject: '訂單 {$orderNumber}:{$outcomeTitle}',
        line: '{$outcome}(訂單 {$orderNumber},{$changeKind})',
        sms: '{$shopName},訂單 {$orderNumber}:{$outcome}',
      },
      requestAlert: {
        subject: '訂單 {$orderNumber}:{$changeKind}申請等待回覆',
        line: '有顧客對訂單 {$orderNumber} 提出{$changeKind}申請,請受理或拒絕。',
        sms: '訂單 {$orderNumber}:{$changeKind}申請等待回覆。',
      },
      failedAlert: {
        subject: '訂單 {$orderNumber}:{$changeKind}無法執行',
        line: '訂單 {$orderNumber} 的{$changeKind}已就緒,但訂單拒絕執行;未做任何變更,請手動處理。',
        sms: '訂單 {$orderNumber}:{$changeKind}無法執行。',
      },
    },
  },
  ru: {
    reasons: 'Причина: {$reasons}.',
    note: 'Комментарий {$shopName}: {$note}',
    why: 'Причина: {$reason}',
    orderUrl: 'Следить здесь: {$orderUrl}',
    adminUrl: 'Открыть: {$adminUrl}',
    customer: 'Покупатель: {$customerName}',
    steps: {
      requested: {
        subject: 'Заказ {$orderNumber}: мы получили вашу заявку ({$changeKind})',
        line: 'Ваша заявка ({$changeKind}) по заказу {$orderNumber} зарегистрирована. Мы скоро ответим.',
        sms: '{$shopName}: заявка ({$changeKind}) по заказу {$orderNumber} зарегистрирована.',
      },
      confirmed: {
        subject: 'Заказ {$orderNumber}: ваша заявка ({$changeKind}) принята',
        line: 'Ваша заявка ({$changeKind}) по заказу {$orderNumber} принята.',
        sms: '{$shopName}: заявка ({$changeKind}) по заказу {$orderNumber} принята.',
      },
      declined: {
        subject: 'Заказ {$orderNumber}: ваша заявка ({$changeKind}) отклонена',
        line: 'Мы не можем принять вашу заявку ({$changeKind}) по заказу {$orderNumber}; заказ остаётся без изменений.',
        sms: '{$shopName}: заявка ({$changeKind}) по заказу {$orderNumber} отклонена.',
      },
      canceled: {
        subject: 'Заказ {$orderNumber}: заявка ({$changeKind}) отменена',
        line: 'Заявка ({$changeKind}) по заказу {$orderNumber} отменена; заказ остаётся без изменений.',
        sms: '{$shopName}: заявка ({$changeKind}) по заказу {$orderNumber} отменена.',
      },
      received: {
        subject: 'Заказ {$orderNumber}: мы получили ваш возврат',
        line: 'Товары, которые вы отправили по заказу {$orderNumber} ({$changeKind}), пришли. Мы завершаем заявку.',
        sms: '{$shopName}: ваша посылка по заказу {$orderNumber} ({$changeKind}) пришла.',
      },
      applied: {
        subject: 'Заказ {$orderNumber}: {$outcomeTitle}',
        line: '{$outcome} (заказ {$orderNumber}, {$changeKind})',
        sms: '{$shopName}, заказ {$orderNumber}: {$outcome}',
      },
      requestAlert: {
        subject: 'Заказ {$orderNumber}: заявка ({$changeKind}) ждёт ответа',
        line: 'Покупатель подал заявку ({$changeKind}) по заказу {$orderNumber}. Примите или отклоните её.',
        sms: 'Заказ {$orderNumber}: заявка ({$changeKind}) ждёт ответа.',
      },
      failedAlert: {
        subject: 'Заказ {$orderNumber}: заявку ({$changeKind}) не удалось провести',
        line: 'Заявка ({$changeKind}) по заказу {$orderNumber} была готова, но заказ её отклонил; ничего не изменено. Исправьте вручную.',
        sms: 'Заказ {$orderNumber}: заявку ({$changeKind}) не удалось провести.',
      },
    },
  },
  fa: {
    reasons: 'دلیل: {$reasons}.',
    note: 'یادداشت {$shopName}: {$note}',
    why: 'دلیل: {$reason}',
    orderUrl: 'پیگیری از اینجا: {$orderUrl}',
    adminUrl: 'باز کردن: {$adminUrl}',
    customer: 'مشتری: {$customerName}',
    steps: {
      requested: {
        subject: 'سفارش {$orderNumber}: درخواست {$changeKind} شما دریافت شد',
        line: 'درخواست {$changeKind} شما برای سفارش {$orderNumber} ثبت شد. به‌زودی پاسخ می‌دهیم.',
        sms: '{$shopName}: درخواست {$changeKind} برای سفارش {$orderNumber} ثبت شد.',
      },
      confirmed: {
        subject: 'سفارش {$orderNumber}: درخواست {$changeKind} شما پذیرفته شد',
        line: 'درخواست {$changeKind} شما برای سفارش {$orderNumber} پذیرفته شد.',
        sms: '{$shopName}: درخواست {$changeKind} برای سفارش {$orderNumber} پذیرفته شد.',
      },
      declined: {
        subject: 'سفارش {$orderNumber}: درخواست {$changeKind} شما رد شد',
        line: 'نمی‌توانیم درخواست {$changeKind} شما برای سفارش {$orderNumber} را بپذیریم؛ سفارش شما بدون تغییر می‌ماند.',
        sms: '{$shopName}: درخواست {$changeKind} برای سفارش {$orderNumber} رد شد.',
      },
      canceled: {
        subject: 'سفارش {$orderNumber}: درخواست {$changeKind} لغو شد',
        line: 'درخواست {$changeKind} برای سفارش {$orderNumber} لغو شد؛ سفارش شما بدون تغییر می‌ماند.',
        sms: '{$shopName}: درخواست {$changeKind} برای سفارش {$orderNumber} لغو شد.',
      },
      received: {
        subject: 'سفارش {$orderNumber}: کالای بازگشتی شما رسید',
        line: 'کالاهایی که برای سفارش {$orderNumber} ({$changeKind}) بازگرداندید رسید. در حال تکمیل آن هستیم.',
        sms: '{$shopName}: بستهٔ شما برای سفارش {$orderNumber} ({$changeKind}) رسید.',
      },
      applied: {
        subject: 'سفارش {$orderNumber}: {$outcomeTitle}',
        line: '{$outcome} (سفارش {$orderNumber}، {$changeKind})',
        sms: '{$shopName}، سفارش {$orderNumber}: {$outcome}',
      },
      requestAlert: {
        subject: 'سفارش {$orderNumber}: درخواست {$changeKind} در انتظار پاسخ شماست',
        line: 'مشتری برای سفارش {$orderNumber} درخواست {$changeKind} داده است. آن را بپذیرید یا رد کنید.',
        sms: 'سفارش {$orderNumber}: درخواست {$changeKind} در انتظار پاسخ است.',
      },
      failedAlert: {
        subject: 'سفارش {$orderNumber}: {$changeKind} اعمال نشد',
        line: '{$changeKind} سفارش {$orderNumber} آماده بود اما سفارش آن را نپذیرفت؛ چیزی تغییر نکرد. لطفاً دستی رسیدگی کنید.',
        sms: 'سفارش {$orderNumber}: {$changeKind} اعمال نشد.',
      },
    },
  },
};

const languages = Object.keys(phrases) as Lang[];

const customerTexts = (step: Step, language: Lang): TemplateTexts => {
  const p = phrases[language];
  const s = p.steps[step];
  const body: Paragraph[] = [{ when: 'customerName', text: hello[language] }, s.line];
  if (step === 'requested' || step === 'confirmed') body.push({ when: 'reasons', text: p.reasons });
  if (step === 'confirmed') body.push({ when: 'note', text: p.note });
  if (step === 'declined' || step === 'canceled') body.push({ when: 'reason', text: p.why });
  body.push({ when: 'orderUrl', text: p.orderUrl });
  const sms: Paragraph[] = [s.sms];
  if (step === 'declined' || step === 'canceled') sms.push({ when: 'reason', text: '{$reason}' });
  return { subject: s.subject, body, sms };
};

const adminTexts = (step: Step, language: Lang): TemplateTexts => {
  const p = phrases[language];
  const s = p.steps[step];
  return {
    subject: s.subject,
    body: [
      s.line,
      { when: 'customerName', text: p.customer },
      { when: 'reasons', text: p.reasons },
      { when: 'reason', text: p.why },
      { when: 'adminUrl', text: p.adminUrl },
    ],
    sms: [s.sms, { when: 'reason', text: '{$reason}' }],
  };
};

const every = (texts: (language: Lang) => TemplateTexts): Record<Lang, TemplateTexts> =>
  Object.fromEntries(languages.map((language) => [language, texts(language)])) as Record<Lang, TemplateTexts>;

/** What every customer message of a change carries, and may carry. */
const customerRequired = ['orderNumber', 'changeKind', 'shopName'];
const customerOptional = ['customerName', 'reasons', 'note', 'reason', 'orderUrl'];

const customer = (id: string, step: Step, extra: readonly string[] = []): TemplateSpec => ({
  id,
  required: [...customerRequired, ...extra],
  optional: customerOptional,
  texts: every((language) => customerTexts(step, language)),
});

const admin = (id: string, step: Step): TemplateSpec => ({
  id,
  required: ['orderNumber', 'changeKind'],
  optional: ['customerName', 'reasons', 'reason', 'adminUrl'],
  texts: every((language) => adminTexts(step, language)),
});

export const orderChangeRequested = customer('order-change-requested', 'requested');
export const orderChangeConfirmed = customer('order-change-confirmed', 'confirmed');
export const orderChangeDeclined = customer('order-change-declined', 'declined');
export const orderChangeCanceled = customer('order-change-canceled', 'canceled');
export const orderChangeReceived = customer('order-change-received', 'received');
/** A return's refund, an exchange's new order, a claim settled, an edit made. */
export const orderChangeApplied = customer('order-change-applied', 'applied', ['outcome', 'outcomeTitle']);
/** To the shop: a customer's request waits for an answer. */
export const orderChangeRequestAlert = admin('order-change-request-alert', 'requestAlert');
/** To the shop: a change the order refused, to put right by hand. */
export const orderChangeFailedAlert = admin('order-change-failed-alert', 'failedAlert');

export const orderChangeTemplates: readonly TemplateSpec[] = [
  orderChangeRequested,
  orderChangeConfirmed,
  orderChangeDeclined,
  orderChangeCanceled,
  orderChangeReceived,
  orderChangeApplied,
  orderChangeRequestAlert,
  orderChangeFailedAlert,
];
