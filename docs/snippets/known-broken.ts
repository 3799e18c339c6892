// Blocks in docs this test's owner does not own that fail today. Each entry is
// run with it.fails: it shows in every run as KNOWN BROKEN, and it turns red
// once the doc is fixed, so the entry cannot outlive the problem. The fix is
// the doc owner's: make the block complete (a visible or a <!-- snippet-setup -->
// preamble), or mark it `ts no-run` / `ts fragment` (docs/snippets/README.md).
// Key: snippetKey() = "<doc> :: <first code line>".
export const knownBroken: Record<string, string> = {
  'docs/fulfillment.md :: ShipOrder { shipmentId, lines?: [{ lineId, qty }], carrier?, trackingReference?, shippedAt?, expectedDeliveryAt? }':
    'fulfillment.md owner: a shape, not TypeScript (fragment or a type)',
  'docs/orders.md :: {':
    'orders.md owner: a shape with optional-property syntax, not an expression (fragment or a type)',
  "docs/payments.md :: paymentMessage(config, { methodCode: 'wire', language: 'vi-VN', state: 'pending' });":
    'payments.md owner: paymentMessage, messageForPayment, config, payment, customer not in scope',
};
