import type { Actor } from '@ordersource/core';
import { newId } from '@ordersource/core';
import type { EmmettCartCommand } from './emmett-cart.js';

/**
 * Commands are built once, before anything is timed, and the very same
 * objects go to every kernel. Their metadata carries our `commandId`,
 * `actor` and `at` and Emmett's `now`.
 */

export type CartStream = Readonly<{ streamId: string; commands: readonly EmmettCartCommand[] }>;

const START_MS = Date.parse('2026-01-01T00:00:00.000Z');

const metadataAt = (actor: Actor, offsetMs: number): EmmettCartCommand['metadata'] => {
  const now = new Date(START_MS + offsetMs);
  return { commandId: newId(), actor, at: now.toISOString(), now };
};

/** `adds` add-item commands over `products` distinct products, then one confirm. */
export const cartCommands = (customer: string, adds: number, products: number): EmmettCartCommand[] => {
  const actor: Actor = { kind: 'customer', id: customer };
  const commands: EmmettCartCommand[] = [];
  for (let i = 0; i < adds; i++)
    commands.push({
      type: 'AddProductItem',
      data: { productId: `product-${i % products}`, quantity: 1 + (i % 3), unitPrice: 100 + 25 * (i % products) },
      metadata: metadataAt(actor, i * 1000),
    });
  commands.push({ type: 'ConfirmCart', data: {}, metadata: metadataAt(actor, adds * 1000) });
  return commands;
};

/** Emmett's documented workload: many carts, each 19 add-item commands and one confirm. */
export const cartWorkload = (streams: number, commandsPerStream: number): readonly CartStream[] =>
  Array.from({ length: streams }, (_, i) => ({
    streamId: `cart-${i}`,
    commands: cartCommands(`customer-${i}`, commandsPerStream - 1, 10),
  }));
