import type { OrderEventType } from '@ordersource/domain';

/**
 * FUL-1 / PAY-2 statuses as the customer reads them, per language. "Process
 * order" carries the admin's own label (in the mail language she chose), so
 * it is used as written; these cover the changes that have no label of
 * their own. Anything else falls back to the history's English label.
 */
type Labels = Partial<Record<OrderEventType, string>>;

export const statusLabels: Readonly<Record<string, Labels>> = {
  en: {
    OrderConfirmed: 'confirmed',
    FulfillmentProcessed: 'processed, ready to ship',
    FulfillmentHeld: 'on hold',
    FulfillmentHoldReleased: 'back in progress',
    ShipmentDispatched: 'shipped',
    ShipmentDelivered: 'delivered',
    OrderFulfilled: 'fulfilled',
    OrderCancelled: 'cancelled',
    PaymentRefunded: 'refunded',
  },
  vi: {
    OrderConfirmed: 'đã xác nhận',
    FulfillmentProcessed: 'đã xử lý, sẵn sàng giao',
    FulfillmentHeld: 'tạm giữ',
    FulfillmentHoldReleased: 'đang xử lý trở lại',
    ShipmentDispatched: 'đã gửi hàng',
    ShipmentDelivered: 'đã giao',
    OrderFulfilled: 'đã hoàn tất',
    OrderCancelled: 'đã hủy',
    PaymentRefunded: 'đã hoàn tiền',
  },
  fr: {
    OrderConfirmed: 'confirmée',
    FulfillmentProcessed: 'traitée, prête à être expédiée',
    FulfillmentHeld: 'en attente',
    FulfillmentHoldReleased: 'de nouveau en cours',
    ShipmentDispatched: 'expédiée',
    ShipmentDelivered: 'livrée',
    OrderFulfilled: 'exécutée',
    OrderCancelled: 'annulée',
    PaymentRefunded: 'remboursée',
  },
  'zh-Hant': {
    OrderConfirmed: '已確認',
    FulfillmentProcessed: '已處理,準備寄出',
    FulfillmentHeld: '暫停處理',
    FulfillmentHoldReleased: '恢復處理',
    ShipmentDispatched: '已寄出',
    ShipmentDelivered: '已送達',
    OrderFulfilled: '已完成',
    OrderCancelled: '已取消',
    PaymentRefunded: '已退款',
  },
  ru: {
    OrderConfirmed: 'подтверждён',
    FulfillmentProcessed: 'собран и готов к отправке',
    FulfillmentHeld: 'приостановлен',
    FulfillmentHoldReleased: 'снова в работе',
    ShipmentDispatched: 'отправлен',
    ShipmentDelivered: 'доставлен',
    OrderFulfilled: 'выполнен',
    OrderCancelled: 'отменён',
    PaymentRefunded: 'деньги возвращены',
  },
  fa: {
    OrderConfirmed: 'تأیید شد',
    FulfillmentProcessed: 'آماده‌سازی شد و آمادهٔ ارسال است',
    FulfillmentHeld: 'در انتظار',
    FulfillmentHoldReleased: 'دوباره در جریان',
    ShipmentDispatched: 'ارسال شد',
    ShipmentDelivered: 'تحویل شد',
    OrderFulfilled: 'انجام شد',
    OrderCancelled: 'لغو شد',
    PaymentRefunded: 'مبلغ بازگردانده شد',
  },
};
