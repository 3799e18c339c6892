import { minorUnitExponent } from '@ordersource/core';
import type { OrderState } from '@ordersource/domain';

/**
 * The admin's order actions as form specs: one list drives both the form on
 * the order page and the parsing of what the browser posts back, so a field
 * cannot be shown under one name and read under another. Parsing only turns
 * form strings into the JSON shapes of the command (numbers, booleans,
 * money in minor units, ISO instants); the command's own io-ts codec then
 * decides whether the result is valid, and names the field if it is not.
 */

export type FieldKind =
  'text' | 'textarea' | 'int' | 'bool' | 'datetime' | 'money' | 'select' | 'payment' | 'lines' | 'shipment';

export type FieldSpec = Readonly<{
  /** Dotted path in the command's data (`notify.email`). */
  name: string;
  label: string;
  kind: FieldKind;
  required?: boolean;
  options?: readonly Readonly<{ value: string; label: string }>[];
  hint?: string;
}>;

export type ActionSpec = Readonly<{
  /** The order command it sends. */
  type: string;
  label: string;
  /** Requirement ids the action serves (shown in the page, cited in tests). */
  ids: string;
  fields: readonly FieldSpec[];
  /** Fields the server fills in (new ids for a refund, a shipment, a payment). */
  generated?: readonly string[];
}>;

const notifyFields: readonly FieldSpec[] = [
  { name: 'note', label: 'Note', kind: 'textarea' },
  { name: 'noteVisibleToCustomer', label: 'Customer sees the note', kind: 'bool' },
  { name: 'notify.email', label: 'Notify by e-mail', kind: 'bool' },
  { name: 'notify.sms', label: 'Notify by SMS', kind: 'bool' },
];

const languageOptions = [
  { value: '', label: '(customer’s language)' },
  { value: 'en', label: 'English' },
  { value: 'vi', label: 'Tiếng Việt' },
  { value: 'fr', label: 'Français' },
  { value: 'zh-Hant', label: '繁體中文' },
  { value: 'ru', label: 'Русский' },
  { value: 'fa', label: 'فارسی' },
];

export const actionSpecs: readonly ActionSpec[] = [
  {
    type: 'ProcessOrder',
    label: 'Process order',
    ids: 'ORD-4, ORD-5, NOT-2',
    fields: [
      { name: 'status', label: 'New status', kind: 'text', required: true, hint: 'the label the customer reads' },
      {
        name: 'fulfillmentStatus',
        label: 'Fulfillment status',
        kind: 'select',
        options: [
          { value: '', label: '(unchanged)' },
          { value: 'processed', label: 'processed' },
          { value: 'on_hold', label: 'on hold' },
          { value: 'shipped', label: 'shipped' },
          { value: 'fulfilled', label: 'fulfilled' },
          { value: 'cancelled', label: 'cancelled' },
        ],
      },
      { name: 'holdReason', label: 'Hold reason', kind: 'text' },
      ...notifyFields,
      { name: 'mailLanguage', label: 'Mail language', kind: 'select', options: languageOptions },
      { name: 'keepMailCopy', label: 'Keep a copy of the mail', kind: 'bool' },
      { name: 'loyaltyPoints', label: 'Loyalty points', kind: 'int' },
      { name: 'loyaltyPointsApproved', label: 'Points approved', kind: 'bool' },
      { name: 'shipDate', label: 'Ship date', kind: 'datetime' },
      { name: 'deliveryDate', label: 'Delivery date', kind: 'datetime' },
      { name: 'carrier', label: 'Carrier', kind: 'text' },
      { name: 'trackingReference', label: 'Tracking reference', kind: 'text' },
    ],
  },
  { type: 'RecordOrder', label: 'Record the order (gateway checked)', ids: 'ORD-2', fields: notifyFields },
  { type: 'ConfirmOrder', label: 'Confirm', ids: 'ORD-3', fields: notifyFields },
  {
    type: 'ConfirmOfflinePayment',
    label: 'Mark paid',
    ids: 'PAY-2, PAY-4',
    fields: [{ name: 'paymentId', label: 'Payment', kind: 'payment' }, ...notifyFields],
  },
  {
    type: 'RequestPayment',
    label: 'Payment link',
    ids: 'PAY-3',
    generated: ['paymentId', 'url', 'method'],
    fields: [
      { name: 'amount', label: 'Amount', kind: 'money', required: true },
      {
        name: 'channel',
        label: 'Share by',
        kind: 'select',
        options: ['email', 'sms', 'telegram', 'whatsapp', 'vk', 'qr', 'sbp'].map((value) => ({ value, label: value })),
      },
      { name: 'expiresAt', label: 'Expires', kind: 'datetime' },
    ],
  },
  {
    type: 'CapturePayment',
    label: 'Capture',
    ids: 'PAY-1',
    fields: [
      { name: 'paymentId', label: 'Payment', kind: 'payment', required: true },
      { name: 'amount', label: 'Amount (empty: all)', kind: 'money' },
      { name: 'final', label: 'Final (release the rest)', kind: 'bool' },
    ],
  },
  {
    type: 'VoidPayment',
    label: 'Void',
    ids: 'PAY-1',
    fields: [
      { name: 'paymentId', label: 'Payment', kind: 'payment', required: true },
      { name: 'reason', label: 'Reason', kind: 'text' },
    ],
  },
  {
    type: 'RefundPayment',
    label: 'Refund',
    ids: 'PAY-5, REC-7',
    generated: ['refundId'],
    fields: [
      { name: 'paymentId', label: 'Payment', kind: 'payment' },
      { name: 'amount', label: 'Amount (empty: full or the returned lines)', kind: 'money' },
      { name: 'lines', label: 'Returned lines', kind: 'lines' },
      { name: 'external', label: 'Refunded outside (mark as refunded)', kind: 'bool' },
      { name: 'reason', label: 'Reason', kind: 'text' },
      ...notifyFields,
    ],
  },
  { type: 'MarkProcessed', label: 'Mark processed', ids: 'FUL-1', fields: notifyFields },
  {
    type: 'HoldFulfillment',
    label: 'Hold',
    ids: 'FUL-1, ORD-7',
    fields: [
      { name: 'reason', label: 'Reason', kind: 'text', required: true },
      { name: 'until', label: 'Until', kind: 'datetime' },
      ...notifyFields,
    ],
  },
  { type: 'ReleaseFulfillmentHold', label: 'Release hold', ids: 'FUL-1', fields: notifyFields },
  {
    type: 'ShipOrder',
    label: 'Ship',
    ids: 'FUL-1, FUL-2',
    generated: ['shipmentId'],
    fields: [
      { name: 'carrier', label: 'Carrier', kind: 'text' },
      { name: 'trackingReference', label: 'Tracking reference', kind: 'text' },
      { name: 'expectedDeliveryAt', label: 'Expected delivery', kind: 'datetime' },
      ...notifyFields,
    ],
  },
  {
    type: 'MarkDelivered',
    label: 'Delivered',
    ids: 'FUL-1, FUL-4',
    fields: [{ name: 'shipmentId', label: 'Shipment (empty: all)', kind: 'shipment' }, ...notifyFields],
  },
  {
    type: 'AmendShipment',
    label: 'Correct a shipment',
    ids: 'FUL-2, issue 10.2',
    fields: [
      { name: 'shipmentId', label: 'Shipment', kind: 'shipment', required: true },
      { name: 'carrier', label: 'Carrier', kind: 'text' },
      { name: 'trackingReference', label: 'Tracking reference', kind: 'text' },
      { name: 'trackingUrl', label: 'Tracking URL', kind: 'text' },
      { name: 'expectedDeliveryAt', label: 'Expected delivery', kind: 'datetime' },
      { name: 'deliveredAt', label: 'Delivered at', kind: 'datetime' },
      ...notifyFields,
    ],
  },
  {
    type: 'CancelShipment',
    label: 'Cancel a shipment (or it came back)',
    ids: 'FUL-1, issue 10.2',
    fields: [
      { name: 'shipmentId', label: 'Shipment', kind: 'shipment', required: true },
      { name: 'reason', label: 'Reason', kind: 'text', required: true },
      { name: 'returned', label: 'The parcel came back undelivered', kind: 'bool' },
      ...notifyFields,
    ],
  },
  {
    type: 'ChangeShippingFee',
    label: 'Correct the shipping fee',
    ids: 'ORD-9',
    fields: [
      { name: 'shippingFee', label: 'Shipping fee', kind: 'money', required: true },
      { name: 'discount', label: 'Discount', kind: 'money' },
      ...notifyFields,
    ],
  },
  {
    type: 'CancelOrder',
    label: 'Cancel',
    ids: 'FUL-1',
    fields: [{ name: 'reason', label: 'Reason', kind: 'text', required: true }, ...notifyFields],
  },
  {
    type: 'DiscardOrder',
    label: 'Discard',
    ids: 'ORD-6',
    fields: [
      {
        name: 'reason',
        label: 'Reason',
        kind: 'select',
        required: true,
        options: [
          { value: 'erroneous', label: 'erroneous' },
          { value: 'stale', label: 'stale (long incomplete)' },
          { value: 'duplicate', label: 'duplicate' },
        ],
      },
      { name: 'duplicateOf', label: 'Duplicate of (order id)', kind: 'text' },
      { name: 'note', label: 'Note', kind: 'textarea' },
    ],
  },
];

export const actionSpec = (type: string): ActionSpec | undefined => actionSpecs.find((spec) => spec.type === type);

const setPath = (target: Record<string, unknown>, path: string, value: unknown): void => {
  const keys = path.split('.');
  let node = target;
  keys.slice(0, -1).forEach((key) => {
    const next = node[key];
    if (typeof next === 'object' && next !== null) node = next as Record<string, unknown>;
    else {
      const made: Record<string, unknown> = {};
      node[key] = made;
      node = made;
    }
  });
  node[keys[keys.length - 1] ?? ''] = value;
};

/** "12.50" in a currency with 2 decimals -> 1250; anything that is not a plain decimal stays text (the codec names it). */
export const minorUnits = (text: string, currency: string): number | string => {
  const exponent = minorUnitExponent(currency) ?? 2;
  const match = /^(\d{1,15})(?:[.,](\d+))?$/.exec(text.trim());
  if (match === null) return text;
  const fraction = match[2] ?? '';
  if (fraction.length > exponent) return text;
  return Number(match[1]) * 10 ** exponent + Number(fraction.padEnd(exponent, '0') || '0');
};

export const majorUnits = (amount: number, currency: string): string => {
  const exponent = minorUnitExponent(currency) ?? 2;
  if (exponent === 0) return String(amount);
  const sign = amount < 0 ? '-' : '';
  const abs = Math.abs(amount);
  return `${sign}${Math.floor(abs / 10 ** exponent)}.${String(abs % 10 ** exponent).padStart(exponent, '0')}`;
};

/** A datetime-local value ("2026-12-01T10:30") is read as UTC; a full instant is kept. */
const instant = (text: string): string => (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(text) ? `${text}:00Z` : text);

export type FormInput = Readonly<Record<string, string | undefined>>;

/**
 * The command data a posted form stands for. Empty optional fields are left
 * out; checkboxes are `true` when ticked and `false` otherwise, except the
 * notify pair, which is only sent when one of them is ticked.
 */
export const formToData = (spec: ActionSpec, form: FormInput, order: OrderState): Record<string, unknown> => {
  const data: Record<string, unknown> = {};
  const currency = order.currency;
  for (const field of spec.fields) {
    const value = form[field.name];
    switch (field.kind) {
      case 'bool':
        if (field.name.startsWith('notify.')) break;
        if (value !== undefined) setPath(data, field.name, true);
        break;
      case 'lines': {
        const lines = order.lines.flatMap((line) => {
          const qty = form[`lines.${line.lineId}`];
          if (qty === undefined || qty.trim() === '' || qty.trim() === '0') return [];
          return [{ lineId: line.lineId, qty: /^\d+$/.test(qty.trim()) ? Number(qty.trim()) : qty }];
        });
        if (lines.length > 0) data['lines'] = lines;
        break;
      }
      default: {
        if (value === undefined || value.trim() === '') break;
        const text = value.trim();
        if (field.kind === 'int') setPath(data, field.name, /^-?\d+$/.test(text) ? Number(text) : text);
        else if (field.kind === 'money') setPath(data, field.name, { amount: minorUnits(text, currency), currency });
        else if (field.kind === 'datetime') setPath(data, field.name, instant(text));
        else setPath(data, field.name, field.kind === 'textarea' ? value : text);
      }
    }
  }
  if (spec.fields.some((f) => f.name === 'notify.email')) {
    const email = form['notify.email'] !== undefined;
    const sms = form['notify.sms'] !== undefined;
    if (email || sms) data['notify'] = { email, sms };
  }
  return data;
};
