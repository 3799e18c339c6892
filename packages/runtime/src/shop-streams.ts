import { createEnvelopeDecoder } from '@ordersource/core';
import type { OrderChangeCommand } from '@ordersource/domain/changes';
import {
  decodeOrderCommand,
  decodeOrderEnvelope,
  orderDeciderFor,
  type CloseOn,
  type CreditCommand,
  type OrderCommand,
  type OrderEvent,
  type OrderState,
} from '@ordersource/domain';
import {
  companyDecider,
  CompanyEventCodec,
  customerDecider,
  CustomerEventCodec,
  decodeCompanyCommand,
  decodeCustomerCommand,
  defaultCustomerSettings,
  type CompanyCommand,
  type CompanyEvent,
  type CompanyState,
  type CustomerCommand,
  type CustomerEvent,
  type CustomerSettings,
  type CustomerState,
} from '@ordersource/domain/customers';
import {
  decodeReceiptsCommand,
  receiptsDecider,
  ReceiptsEventCodec,
  type ReceiptsCommand,
  type ReceiptsEvent,
  type ReceiptsState,
} from '@ordersource/domain/receipts';
import {
  decodeSubscriptionCommand,
  defaultSubscriptionSettings,
  subscriptionDecider,
  SubscriptionEventCodec,
  type SubscriptionCommand,
  type SubscriptionEvent,
  type SubscriptionSettings,
  type SubscriptionState,
} from '@ordersource/domain/subscriptions';
import { defineStreamKind, type StreamKind } from './streams.js';

/** The shop's stream kinds, by category: what `createShop` runs. */

/** Issue 17: order changes and store credit are commands the shop's reactors send too. */
export type ShopCommand =
  | OrderCommand
  | ReceiptsCommand
  | SubscriptionCommand
  | CustomerCommand
  | CompanyCommand
  | OrderChangeCommand
  | CreditCommand;
export type ShopEvent = OrderEvent | ReceiptsEvent | SubscriptionEvent | CustomerEvent | CompanyEvent;

export type ShopStreamKinds = Readonly<{
  order: StreamKind<OrderCommand, OrderEvent, OrderState>;
  receipts: StreamKind<ReceiptsCommand, ReceiptsEvent, ReceiptsState>;
  subscription: StreamKind<SubscriptionCommand, SubscriptionEvent, SubscriptionState>;
  customer: StreamKind<CustomerCommand, CustomerEvent, CustomerState>;
  company: StreamKind<CompanyCommand, CompanyEvent, CompanyState>;
}>;

export type StreamSettings = Readonly<{
  /** REC-8 (issue 9.7): the closing-receipt trigger new orders get (`ShopSettings.closingReceipt`). */
  closingReceipt?: CloseOn;
  subscriptions?: SubscriptionSettings;
  customers?: CustomerSettings;
}>;

export const shopStreamKinds = (settings: StreamSettings = {}): ShopStreamKinds => ({
  order: defineStreamKind({
    category: 'order',
    decider: orderDeciderFor(settings.closingReceipt === undefined ? {} : { closingReceipt: settings.closingReceipt }),
    decodeEnvelope: decodeOrderEnvelope,
    decodeCommand: decodeOrderCommand,
  }),
  receipts: defineStreamKind({
    category: 'receipts',
    decider: receiptsDecider,
    decodeEnvelope: createEnvelopeDecoder<ReceiptsEvent>(ReceiptsEventCodec),
    decodeCommand: decodeReceiptsCommand,
  }),
  subscription: defineStreamKind({
    category: 'subscription',
    decider: subscriptionDecider(settings.subscriptions ?? defaultSubscriptionSettings),
    decodeEnvelope: createEnvelopeDecoder<SubscriptionEvent>(SubscriptionEventCodec),
    decodeCommand: decodeSubscriptionCommand,
  }),
  customer: defineStreamKind({
    category: 'customer',
    decider: customerDecider(settings.customers ?? defaultCustomerSettings),
    decodeEnvelope: createEnvelopeDecoder<CustomerEvent>(CustomerEventCodec),
    decodeCommand: decodeCustomerCommand,
  }),
  company: defineStreamKind({
    category: 'company',
    decider: companyDecider,
    decodeEnvelope: createEnvelopeDecoder<CompanyEvent>(CompanyEventCodec),
    decodeCommand: decodeCompanyCommand,
  }),
});
