import { pageLanguage, type Language } from './i18n.js';

/**
 * Issue 9 (PAY-5, REC-7): the words of the admin order page's "refunds
 * awaiting goods" panel in the pages' six languages. Keyed by every
 * `Language`, so a language added to i18n.ts fails the typecheck here.
 */
export type RefundWords = Readonly<{
  title: string;
  intro: string;
  refund: string;
  open: string;
  since: string;
  unreceipted: string;
  unreceiptedHint: string;
  position: string;
  withCustomer: string;
  unitsBack: string;
  codesBack: string;
  assign: string;
}>;

export const refundWords: Readonly<Record<Language, RefundWords>> = {
  en: {
    title: 'Refunds awaiting goods',
    intro:
      'Money went back after the closing receipt without naming the goods. Name the goods that came back: the return receipt follows for this money.',
    refund: 'Refund',
    open: 'Not yet assigned',
    since: 'Waiting since',
    unreceipted: 'Refunded beyond any receipt',
    unreceiptedHint: 'No return receipt can cover this money; it is put right when the customer pays it back.',
    position: 'Receipt position',
    withCustomer: 'Still with the customer',
    unitsBack: 'Units back',
    codesBack: 'Marking codes back',
    assign: 'Assign the goods',
  },
  vi: {
    title: 'Khoản hoàn tiền chờ gán hàng',
    intro:
      'Tiền đã được hoàn sau biên lai cuối cùng mà không nêu hàng hóa. Hãy chọn hàng đã trả lại: biên lai trả hàng sẽ được lập cho số tiền này.',
    refund: 'Khoản hoàn tiền',
    open: 'Chưa gán',
    since: 'Chờ từ',
    unreceipted: 'Hoàn vượt mọi biên lai',
    unreceiptedHint: 'Không biên lai trả hàng nào có thể lập cho số tiền này; sẽ được bù khi khách trả lại.',
    position: 'Dòng biên lai',
    withCustomer: 'Khách còn giữ',
    unitsBack: 'Số lượng trả lại',
    codesBack: 'Mã định danh trả lại',
    assign: 'Gán hàng',
  },
  fr: {
    title: 'Remboursements en attente des articles',
    intro:
      'De l’argent a été rendu après le ticket de clôture sans nommer les articles. Indiquez les articles revenus : le ticket de retour suit pour ce montant.',
    refund: 'Remboursement',
    open: 'Pas encore attribué',
    since: 'En attente depuis',
    unreceipted: 'Remboursé au-delà de tout ticket',
    unreceiptedHint:
      'Aucun ticket de retour ne peut couvrir ce montant ; il est régularisé quand le client le rembourse.',
    position: 'Position du ticket',
    withCustomer: 'Encore chez le client',
    unitsBack: 'Unités revenues',
    codesBack: 'Codes de marquage revenus',
    assign: 'Attribuer les articles',
  },
  'zh-Hant': {
    title: '待指定商品的退款',
    intro: '結帳收據開立後已退款，但未指明商品。請指定退回的商品：將為此金額開立退貨收據。',
    refund: '退款',
    open: '尚未指定',
    since: '等待自',
    unreceipted: '超出所有收據的退款',
    unreceiptedHint: '沒有任何退貨收據能涵蓋此金額；顧客付回後即沖銷。',
    position: '收據項目',
    withCustomer: '仍在顧客處',
    unitsBack: '退回數量',
    codesBack: '退回的標記碼',
    assign: '指定商品',
  },
  ru: {
    title: 'Возвраты, ожидающие товаров',
    intro:
      'Деньги вернули после закрывающего чека, не указав товары. Укажите, какие товары вернулись: на эту сумму будет выбит чек возврата.',
    refund: 'Возврат',
    open: 'Ещё не распределено',
    since: 'Ожидает с',
    unreceipted: 'Возвращено сверх всех чеков',
    unreceiptedHint: 'Ни один чек возврата не покроет эту сумму; она закрывается, когда покупатель вернёт деньги.',
    position: 'Позиция чека',
    withCustomer: 'Осталось у покупателя',
    unitsBack: 'Вернулось, шт.',
    codesBack: 'Вернувшиеся коды маркировки',
    assign: 'Указать товары',
  },
  fa: {
    title: 'بازپرداخت‌های در انتظار کالا',
    intro:
      'پس از رسید نهایی، پول بدون ذکر کالا بازگردانده شد. کالاهای بازگشتی را مشخص کنید: رسید بازگشت برای این مبلغ صادر می‌شود.',
    refund: 'بازپرداخت',
    open: 'هنوز تخصیص نیافته',
    since: 'در انتظار از',
    unreceipted: 'بازپرداخت بیش از همهٔ رسیدها',
    unreceiptedHint: 'هیچ رسید بازگشتی این مبلغ را پوشش نمی‌دهد؛ وقتی مشتری آن را بازپرداخت کند تسویه می‌شود.',
    position: 'ردیف رسید',
    withCustomer: 'هنوز نزد مشتری',
    unitsBack: 'تعداد بازگشتی',
    codesBack: 'کدهای نشانه‌گذاری بازگشتی',
    assign: 'تخصیص کالا',
  },
};

export const refundWordsFor = (language: string | undefined): RefundWords => refundWords[pageLanguage(language)];
