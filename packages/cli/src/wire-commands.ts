import { ActorCodec, commandCodec, CommandMetadataCodec, type ValidationError } from '@ordersource/core';
import { OrderCommandCodec } from '@ordersource/domain';
import * as customers from '@ordersource/domain/customers';
import { ReceiptsCommandCodec } from '@ordersource/domain/receipts';
import { SubscriptionCommandCodec } from '@ordersource/domain/subscriptions';
import type * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';

/**
 * Every command of every stream kind with the io-ts codec of its data, as the
 * wire format documents them. Where a module exports its union of command
 * codecs, the list is read from it; where it only exports a decoder, the
 * decoder is asked which types it accepts and each `<Type>Data` codec is
 * looked up, so a command added to a decoder cannot be missing here.
 */

export type WireCommand = Readonly<{ type: string; data: t.Any | undefined }>;

export type WireStreamKind = Readonly<{
  /** Stream id prefix: "order" for "order-<orderId>". */
  category: string;
  title: string;
  /** Where the codecs come from, for the doc. */
  source: string;
  commands: readonly WireCommand[];
}>;

type Tagged = t.Any & { _tag?: string; type?: t.Any; props?: t.Props };

/** `commandCodec(type, data)` is strict(t.strict({ type, data, metadata })): dig out `data`. */
export const dataCodecOf = (command: t.Any): t.Any | undefined => {
  let codec = command as Tagged;
  for (let i = 0; i < 4 && codec.props === undefined && codec.type !== undefined; i++) codec = codec.type;
  return codec.props?.['data'];
};

/** The command types a decoder accepts, read from its refusal of a missing type. */
export const acceptedTypes = (decode: (input: unknown) => E.Either<ValidationError, unknown>): string[] => {
  const result = decode({ type: 0 });
  if (result._tag === 'Right') return [];
  const message = result.left.issues.find((issue) => issue.path === 'type')?.message ?? '';
  const list = /must be one of (.*) \(got/.exec(message)?.[1];
  return list === undefined ? [] : list.split(', ');
};

const fromUnion = (union: t.Any & { types?: readonly t.Any[] }): WireCommand[] =>
  (union.types ?? []).map((command) => ({ type: command.name, data: dataCodecOf(command) }));

const fromDecoder = (
  decode: (input: unknown) => E.Either<ValidationError, unknown>,
  module: Record<string, unknown>,
): WireCommand[] =>
  acceptedTypes(decode).map((type) => {
    const data = module[`${type}Data`] as t.Any | undefined;
    return { type, data: data === undefined ? undefined : dataCodecOf(commandCodec(type, data)) };
  });

export const wireStreamKinds = (): WireStreamKind[] => [
  {
    category: 'order',
    title: 'Orders, payments and fulfillment',
    source: '`OrderCommandCodec` of `@ordersource/domain`',
    commands: fromUnion(OrderCommandCodec),
  },
  {
    category: 'receipts',
    title: 'Fiscal receipts (54-FZ)',
    source: '`ReceiptsCommandCodec` of `@ordersource/domain/receipts`',
    commands: fromUnion(ReceiptsCommandCodec),
  },
  {
    category: 'subscription',
    title: 'Subscriptions',
    source: '`SubscriptionCommandCodec` of `@ordersource/domain/subscriptions`',
    commands: fromUnion(SubscriptionCommandCodec),
  },
  {
    category: 'customer',
    title: 'Customers',
    source: '`decodeCustomerCommand` and the `<Type>Data` codecs of `@ordersource/domain/customers`',
    commands: fromDecoder(customers.decodeCustomerCommand, customers),
  },
  {
    category: 'company',
    title: 'Companies (customer accounts of a company)',
    source: '`decodeCompanyCommand` of `@ordersource/domain/customers`',
    commands: fromDecoder(customers.decodeCompanyCommand, customers),
  },
];

export { ActorCodec, CommandMetadataCodec };
