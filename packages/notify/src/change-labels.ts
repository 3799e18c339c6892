import type { ChangeKind } from '@ordersource/domain/changes';

/**
 * Issue 17 (NOT-2): how a customer reads the kind of an order change and
 * what its application did, per language. The reasons come already labelled
 * by the domain (the shop's reason catalog); these cover the rest. A
 * language without a label falls back like the templates do (closest tag,
 * then English).
 */
export type ChangeLabels = Readonly<{
  kind: Readonly<Record<ChangeKind, string>>;
  /** The subject of the "applied" message: a return is a refund, an edit an updated order. */
  doneTitle: Readonly<Record<ChangeKind, string>>;
  /** Its first sentence. */
  done: Readonly<Record<ChangeKind, string>>;
}>;

export const changeLabels: Readonly<Record<string, ChangeLabels>> = {
  en: {
    kind: { edit: 'order edit', return: 'return', exchange: 'exchange', claim: 'claim' },
    doneTitle: { edit: 'order updated', return: 'refund made', exchange: 'exchange completed', claim: 'claim settled' },
    done: {
      edit: 'Your order has been changed as agreed.',
      return: 'We have refunded the items you returned.',
      exchange: 'Your exchange is done: the new items come in a new order.',
      claim: 'Your claim is settled.',
    },
  },
  vi: {
    kind: { edit: 'chỉnh sửa đơn hàng', return: 'trả hàng', exchange: 'đổi hàng', claim: 'khiếu nại' },
    doneTitle: {
      edit: 'đơn hàng đã được cập nhật',
      return: 'đã hoàn tiền',
      exchange: 'đã đổi hàng xong',
      claim: 'khiếu nại đã được giải quyết',
    },
    done: {
      edit: 'Đơn hàng của bạn đã được thay đổi như đã thống nhất.',
      return: 'Chúng tôi đã hoàn tiền cho các sản phẩm bạn trả lại.',
      exchange: 'Việc đổi hàng đã hoàn tất: sản phẩm mới sẽ được gửi trong một đơn hàng mới.',
      claim: 'Khiếu nại của bạn đã được giải quyết.',
    },
  },
  fr: {
    kind: { edit: 'modification de commande', return: 'retour', exchange: 'échange', claim: 'réclamation' },
    doneTitle: {
      edit: 'commande modifiée',
      return: 'remboursement effectué',
      exchange: 'échange effectué',
      claim: 'réclamation réglée',
    },
    done: {
      edit: 'Votre commande a été modifiée comme convenu.',
      return: 'Nous avons remboursé les articles que vous avez retournés.',
      exchange: 'Votre échange est effectué : les nouveaux articles partent dans une nouvelle commande.',
      claim: 'Votre réclamation est réglée.',
    },
  },
  'zh-Hant': {
    kind: { edit: '訂單修改', return: '退貨', exchange: '換貨', claim: '索賠' },
    doneTitle: { edit: '訂單已更新', return: '已退款', exchange: '換貨完成', claim: '索賠已處理' },
    done: {
      edit: '您的訂單已依約定修改。',
      return: '您退回的商品已退款。',
      exchange: '換貨已完成:新商品將以新訂單寄出。',
      claim: '您的索賠已處理完畢。',
    },
  },
  ru: {
    kind: { edit: 'изменение заказа', return: 'возврат', exchange: 'обмен', claim: 'претензия' },
    doneTitle: {
      edit: 'заказ изменён',
      return: 'деньги возвращены',
      exchange: 'обмен выполнен',
      claim: 'претензия урегулирована',
    },
    done: {
      edit: 'Ваш заказ изменён, как договорились.',
      return: 'Мы вернули деньги за возвращённые товары.',
      exchange: 'Обмен выполнен: новые товары придут отдельным заказом.',
      claim: 'Ваша претензия урегулирована.',
    },
  },
  fa: {
    kind: { edit: 'ویرایش سفارش', return: 'مرجوعی', exchange: 'تعویض', claim: 'ادعای خسارت' },
    doneTitle: {
      edit: 'سفارش به‌روز شد',
      return: 'مبلغ بازگردانده شد',
      exchange: 'تعویض انجام شد',
      claim: 'به ادعای خسارت رسیدگی شد',
    },
    done: {
      edit: 'سفارش شما طبق توافق تغییر کرد.',
      return: 'مبلغ کالاهایی که بازگرداندید، بازگردانده شد.',
      exchange: 'تعویض انجام شد: کالاهای جدید با سفارشی تازه ارسال می‌شوند.',
      claim: 'به ادعای خسارت شما رسیدگی شد.',
    },
  },
};
