import type { Money } from '@ordersource/core';
import type { ReceiptsCommand } from './commands.js';
import type { ReceiptLine } from './model.js';
import { script } from './script.js';

/**
 * The scenarios of seed 003 (RetailCRM, "Автоматизация оплат и чеков"), as
 * command lists. Tests check them, the example prints them, the docs quote
 * them: one source for all three.
 */

export type Scenario = Readonly<{
  name: string;
  rules: readonly string[];
  /** The seed's words this scenario follows. */
  seed: string;
  commands: readonly ReceiptsCommand[];
}>;

/** Roubles to money in kopecks. */
export const rub = (roubles: number): Money => ({ amount: Math.round(roubles * 100), currency: 'RUB' });

const day = (d: number, hour = 10): string =>
  `2026-11-${String(d).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00Z`;

export const sneakers: ReceiptLine = {
  lineId: 'l-sneakers',
  name: 'Кроссовки беговые',
  quantity: 1,
  unit: 'шт',
  price: rub(5000),
  vat: 'vat20',
  subject: 'goods',
  kind: 'physical',
};

export const socks: ReceiptLine = {
  lineId: 'l-socks',
  name: 'Носки спортивные',
  quantity: 4,
  unit: 'пар',
  price: rub(500),
  vat: 'vat20',
  subject: 'goods',
  kind: 'physical',
};

export const cap: ReceiptLine = {
  lineId: 'l-cap',
  name: 'Кепка',
  quantity: 1,
  unit: 'шт',
  price: rub(1000),
  vat: 'vat20',
  subject: 'goods',
  kind: 'physical',
};

export const licence: ReceiptLine = {
  lineId: 'l-licence',
  name: 'Лицензия ПО, 1 год',
  quantity: 1,
  unit: 'шт',
  price: rub(2990),
  vat: 'none',
  subject: 'goods',
  kind: 'digital',
};

/**
 * Three marked pairs of shoes (REC-6, issue 9.5): each pair has its own
 * marking code (the GS1 DataMatrix of the box, with its GS separators),
 * scanned when the pairs are packed; `markedShoes` is the line as ordered,
 * `markedShoesPacked` the same line once its codes are known.
 */
export const SHOE_CODES: readonly string[] = [1, 2, 3].map(
  (n) => `0104600439931256215Mr7RfeH6J8r${n}\u001d91EE06\u001d92mmZgq1yv2jhG0/5W9VuNnHlT6/b0ZRcXNqmQDWTlDA8=`,
);
export const MARKING_CODE = SHOE_CODES[0]!;
export const markedShoes: ReceiptLine = {
  lineId: 'l-shoes',
  name: 'Туфли кожаные',
  quantity: 3,
  unit: 'пар',
  price: rub(7000),
  vat: 'vat20',
  subject: 'marked-goods',
  kind: 'physical',
};
export const markedShoesPacked: ReceiptLine = { ...markedShoes, markingCodes: SHOE_CODES };

/** The 7,000 roubles order: sneakers 5,000 + four pairs of socks 2,000. */
export const order7000: readonly ReceiptLine[] = [sneakers, socks];

const scenario = (
  name: string,
  rules: readonly string[],
  seed: string,
  build: (s: ReturnType<typeof script>) => readonly ReceiptsCommand[],
): Scenario => ({ name, rules, seed, commands: build(script(name)) });

export const seedScenarios: readonly Scenario[] = [
  scenario(
    'advance-advance-delivery',
    ['REC-3', 'REC-5'],
    'Если сумма счета отличается от суммы товаров — передаем признак «аванс». ... при доставке выдать авансовый чек на разницу оплат и отправить закрывающий чек с финальным составом заказа.',
    (s) => [
      s.compose(day(1), 'placed', order7000),
      s.pay(day(1, 11), 'pay-1', rub(5000)),
      s.pay(day(2), 'pay-2', rub(2000)),
      s.handover(day(3), 'ship-1', 'shipped'),
      s.handover(day(4), 'ship-1-delivered', 'delivered'),
    ],
  ),
  scenario(
    'prepaid-in-full-delivery',
    ['REC-3', 'REC-5'],
    'Если сумма счета и товаров совпадает — передаем признак – предоплата и перечисление товаров.',
    (s) => [
      s.compose(day(1), 'placed', order7000),
      s.pay(day(1, 11), 'pay-1', rub(7000)),
      s.handover(day(4), 'delivered', 'delivered'),
    ],
  ),
  scenario(
    'prepaid-changed-paid-again-delivery',
    ['REC-3', 'REC-5'],
    'Если клиент изменит заказ, следующий чек будет с авансом. ... Заказ может изменяться сколько угодно раз, также может быть сколько угодно авансов.',
    (s) => [
      s.compose(day(1), 'placed', order7000),
      s.pay(day(1, 11), 'pay-1', rub(7000)),
      s.compose(day(2), 'cap-added', [...order7000, cap]),
      s.pay(day(2, 11), 'pay-2', rub(1000)),
      s.handover(day(4), 'delivered', 'delivered'),
    ],
  ),
  scenario(
    'licence-settled-at-payment',
    ['REC-4'],
    'когда вы продаете цифровые товары, где после оплаты сразу отправляете лицензию. В таких случаях необходимо передавать сразу чек полного расчета.',
    (s) => [s.compose(day(1), 'placed', [licence]), s.pay(day(1, 11), 'pay-1', rub(2990))],
  ),
  scenario(
    'full-refund-before-delivery',
    ['REC-7'],
    'Возврат денег — передаем информацию о возврате аванса. Увы, из интерфейса RetailCRM можно сделать только полный возврат.',
    (s) => [
      s.compose(day(1), 'placed', order7000),
      s.pay(day(1, 11), 'pay-1', rub(5000)),
      s.refund(day(2), 'refund-1', rub(5000)),
    ],
  ),
  scenario(
    'partial-refund-after-settlement',
    ['REC-7', 'REC-5'],
    'Частичный возврат доступен только из ЛК банка.',
    (s) => [
      s.compose(day(1), 'placed', order7000),
      s.pay(day(1, 11), 'pay-1', rub(7000)),
      s.handover(day(4), 'delivered', 'delivered'),
      s.refund(day(6), 'refund-1', rub(1000), [{ lineId: 'l-socks', quantity: 2 }]),
    ],
  ),
  scenario(
    'marked-goods',
    ['REC-6', 'REC-7'],
    'При продаже товаров с маркировкой, ее обязательно необходимо передать в чек. ... Если маркировка передалась верно — в чеке появляется пиктограмма [M+].',
    (s) => [
      s.compose(day(1), 'placed', [markedShoes]),
      s.pay(day(1, 11), 'pay-1', rub(21000)),
      // Packing scans one code per pair; the goods do not change, so no advance follows (REC-3).
      s.compose(day(3), 'packed', [markedShoesPacked]),
      s.handover(day(4), 'delivered', 'delivered'),
      // One pair comes back: the return names its code.
      s.refund(day(6), 'refund-1', rub(7000), [{ lineId: 'l-shoes', quantity: 1, markingCodes: [SHOE_CODES[1]!] }]),
    ],
  ),
  scenario(
    'courier-collects-the-difference',
    ['REC-5', 'REC-1'],
    'Главное при доставке выдать авансовый чек на разницу оплат и отправить закрывающий чек с финальным составом заказа. После этого заказ уже изменять нельзя.',
    (s) => [
      s.compose(day(1), 'placed', order7000),
      s.pay(day(1, 11), 'pay-1', rub(7000)),
      s.compose(day(3), 'cap-added', [...order7000, cap]),
      s.pay(day(4), 'courier-1', rub(1000), { means: 'cash', channel: 'courier' }),
      s.compose(day(5), 'too-late', order7000),
    ],
  ),
  scenario('cash-to-courier', ['REC-1', 'REC-5'], 'Как принимать оплаты курьером или в рознице.', (s) => [
    s.compose(day(1), 'placed', order7000),
    s.pay(day(4), 'courier-1', rub(7000), { means: 'cash', channel: 'courier' }),
  ]),
  scenario(
    'closing-on-a-date',
    ['REC-8'],
    'В наших модулях это также есть, и настраивается гибко, когда отправить чек закрытия.',
    (s) => [
      s.configure(day(1), { closeOn: { trigger: 'date', at: day(10, 0) }, digitalSettlesOnPayment: true }),
      s.compose(day(1), 'placed', order7000),
      s.pay(day(1, 11), 'pay-1', rub(7000)),
      s.handover(day(4), 'delivered', 'delivered'),
      s.dateReached(day(10, 0), day(10, 0)),
    ],
  ),
];
