// Blocks in docs this test's owner does not own that fail today. Each entry is
// run with it.fails: it shows in every run as KNOWN BROKEN, and it turns red
// once the doc is fixed, so the entry cannot outlive the problem. The fix is
// the doc owner's: make the block complete (a visible or a <!-- snippet-setup -->
// preamble), or mark it `ts no-run` / `ts fragment` (docs/snippets/README.md).
// Key: snippetKey() = "<doc> :: <first code line>".
export const knownBroken: Record<string, string> = {
  "README.md :: import { createCommandHandler } from '@ordersource/core';":
    'README owner: store, requestBody, orderId are not declared',
  "README.md :: import { createInMemoryEventStore } from '@ordersource/core';":
    'README owner: process.env.DATABASE_URL is string | undefined for connectionString (and needs a server: no-run)',
  'docs/architecture.md :: type Decider<C, E, S> = {': 'architecture.md owner: Either, DomainError, Draft not imported',
  "docs/eventstoredb.md :: import { connectEventStoreDb } from '@ordersource/eventstoredb';":
    'eventstoredb owner: needs a server (no-run); run without KURRENTDB_URL it throws a TypeError from redactConnectionString(undefined) instead of a typed error',
  'docs/fulfillment.md :: ShipOrder { shipmentId, lines?: [{ lineId, qty }], carrier?, trackingReference?, shippedAt?, expectedDeliveryAt? }':
    'fulfillment.md owner: a shape, not TypeScript (fragment or a type)',
  'docs/kernel.md :: const decodeCartCommand = decode(':
    'kernel.md owner: decode, t, commandCodec, AddItemData not in scope (snippet-setup importing snippets/cart.js)',
  'docs/kernel.md :: type Decider<C, E, S> = {': 'kernel.md owner: Either, DomainError, Draft not imported',
  'docs/kernel.md :: interface EventStore {': 'kernel.md owner: pseudo-signature, not TypeScript (fragment)',
  'docs/kernel.md :: const carts = createCommandHandler({':
    'kernel.md owner: store, cartDecider, CartEventCodec, command not in scope',
  'docs/kernel.md :: const revenue: Projection<{ confirmedCarts: number }, CartEvent> = {':
    'kernel.md owner: Projection, CartEvent, store, onProgress not in scope',
  "docs/notifications.md :: import { createCommandHandler } from '@ordersource/core';":
    'notifications.md owner: shopOverrides, describeProblem, privateKey, accountSid, authToken, store, deadLetters, copies, effect, shopContacts not declared',
  "docs/notifications.md :: import { outboxDelivery, outboxMessageFor } from '@ordersource/notify';":
    'notifications.md owner: store, streamId, events, expected, intents, dispatcher not declared',
  'docs/notifications.md :: smsGatewayChannel({':
    'notifications.md owner: smsGatewayChannel not imported, token not declared',
  'docs/notifications.md :: const catalog = loadCatalog(builtInTemplates, {':
    'notifications.md owner: loadCatalog, builtInTemplates not imported',
  "docs/notifications.md :: import { verifyWebhook } from '@ordersource/notify';":
    'notifications.md owner: req, rawBody, res not declared; return outside a function',
  'docs/orders.md :: {':
    'orders.md owner: a shape with optional-property syntax, not an expression (fragment or a type)',
  "docs/payments.md :: paymentMessage(config, { methodCode: 'wire', language: 'vi-VN', state: 'pending' });":
    'payments.md owner: paymentMessage, messageForPayment, config, payment, customer not in scope',
  "docs/scale-out.md :: import { createPgExecutor, createPostgresEventStore, createPostgresPartitionStore } from '@ordersource/postgres';":
    'scale-out.md owner: process.env.DATABASE_URL is string | undefined; os, orderSummaries, receiptsPolicy, shop not declared (needs a server: no-run)',
};
