import { readFileSync } from 'node:fs';
import { decodeOrderCommand } from '@ordersource/domain';
import { decodeCompanyCommand, decodeCustomerCommand } from '@ordersource/domain/customers';
import { decodeReceiptsCommand } from '@ordersource/domain/receipts';
import { decodeSubscriptionCommand } from '@ordersource/domain/subscriptions';
import * as t from 'io-ts';
import { describe, expect, it } from 'vitest';
import { acceptedTypes, wireStreamKinds } from './wire-commands.js';
import { WIRE_DOC } from '../../../scripts/wire-format.js';
import { renderWireFormat } from './wire-format.js';

describe('docs/wire-format.md', () => {
  it('is what the codecs say: regenerate with npx tsx --conditions=source scripts/wire-format.ts', () => {
    expect(readFileSync(WIRE_DOC, 'utf8')).toBe(renderWireFormat());
  });

  it('lists every command each stream decoder accepts', () => {
    const byKind = new Map(wireStreamKinds().map((k) => [k.category, k.commands.map((c) => c.type)]));
    expect(byKind.get('order')).toEqual(acceptedTypes(decodeOrderCommand));
    expect(byKind.get('receipts')).toEqual(acceptedTypes(decodeReceiptsCommand));
    expect(byKind.get('subscription')).toEqual(acceptedTypes(decodeSubscriptionCommand));
    expect(byKind.get('customer')).toEqual(acceptedTypes(decodeCustomerCommand));
    expect(byKind.get('company')).toEqual(acceptedTypes(decodeCompanyCommand));
    expect(byKind.get('order')?.length).toBeGreaterThan(30);
  });

  it('changes when a codec changes', () => {
    const kinds = wireStreamKinds();
    const [order, ...rest] = kinds;
    const [first, ...others] = order!.commands;
    const changed = [
      {
        ...order!,
        commands: [{ ...first!, data: t.intersection([first!.data!, t.strict({ giftWrap: t.boolean })]) }, ...others],
      },
      ...rest,
    ];
    const before = renderWireFormat(kinds);
    const after = renderWireFormat(changed);
    expect(after).not.toBe(before);
    expect(after).toContain('| `giftWrap` | boolean | yes |');
  });

  it('spells out required and optional fields, arrays and named shapes', () => {
    const doc = renderWireFormat();
    expect(doc).toContain('### order · PlaceOrder');
    expect(doc).toContain('| `lines` | array of OrderLine | yes |');
    expect(doc).toContain('| `remark` | string | no |');
    expect(doc).toContain('### Money');
    expect(doc).toContain('| `amount` | SafeInteger | yes |');
    expect(doc).toContain('### receipts · RecordPayment');
  });
});
