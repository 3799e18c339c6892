import { describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { orderCommandTypes } from '@ordersource/domain';
import { changeCommandTypes } from './change-routes.js';
import { openApiDocument } from './openapi.js';

/** The API document is generated from the io-ts codecs; an OpenAPI 3.1 validator must accept it. */
describe('OpenAPI 3.1 document', () => {
  it('is valid OpenAPI 3.1 (validated by @seriousme/openapi-schema-validator)', async () => {
    const { document } = openApiDocument();
    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('describes every codec it met: no refinement left as a bare name', () => {
    expect(openApiDocument().unknownCodecs).toEqual([]);
  });

  it('has a path for every order command, its body the command data codec (ORD-4 as example)', () => {
    const { document } = openApiDocument();
    const paths = document['paths'] as Record<string, { post?: { requestBody?: unknown } }>;
    for (const type of orderCommandTypes.filter((t) => t !== 'PlaceOrder'))
      expect(paths[`/api/orders/{orderId}/commands/${type}`]?.post).toBeDefined();
    const process = JSON.stringify(paths['/api/orders/{orderId}/commands/ProcessOrder']?.post?.requestBody);
    for (const field of ['status', 'mailLanguage', 'keepMailCopy', 'loyaltyPoints', 'shipDate', 'trackingReference'])
      expect(process).toContain(`"${field}"`);
    // The checkout's cross-field check is seen through: its fields are listed, amounts are integers.
    const schemas = (document['components'] as { schemas: Record<string, unknown> }).schemas;
    const checkout = JSON.stringify((paths['/api/orders'] as { post: { requestBody: unknown } }).post.requestBody);
    expect(checkout).toContain('"orderNumber"');
    expect(checkout).toContain('"remark"');
    expect(JSON.stringify(schemas)).toContain('"minor units"');
  });

  it('issue 9: the refunds awaiting goods routes; the body names the receipt positions, at least one', () => {
    const { document } = openApiDocument();
    const paths = document['paths'] as Record<string, { post?: { requestBody?: unknown }; get?: unknown }>;
    expect(paths['/api/reconciliation/attention']?.get).toBeDefined();
    expect(paths['/api/orders/{orderId}/reconciliation']?.get).toBeDefined();
    const assign = paths['/api/orders/{orderId}/refunds/{movementId}/goods']?.post;
    expect(JSON.stringify(assign?.requestBody)).toContain('"#/components/schemas/AssignRefundGoodsBody"');
    const schemas = (document['components'] as { schemas: Record<string, unknown> }).schemas;
    const body = JSON.stringify(schemas['AssignRefundGoodsBody']);
    for (const field of ['lines', 'lineId', 'qty', 'markingCodes', '"minItems":1']) expect(body).toContain(field);
    expect(body).not.toContain('"movementId"');
  });

  it('issue 17: the change routes, a path per change command with its data codec as the body', () => {
    const { document } = openApiDocument();
    const paths = document['paths'] as Record<string, { post?: { requestBody?: unknown }; get?: unknown }>;
    for (const type of changeCommandTypes)
      expect(paths[`/api/order-changes/{changeId}/commands/${type}`]?.post, type).toBeDefined();
    expect(paths['/api/order-changes/{changeId}/commands/RecordChangeApplied']).toBeUndefined();
    const stage = JSON.stringify(paths['/api/order-changes/{changeId}/commands/StageReturnItem']?.post?.requestBody);
    expect(stage).toContain('"#/components/schemas/ReturnItem"');
    const schemas = (document['components'] as { schemas: Record<string, unknown> }).schemas;
    const item = JSON.stringify(schemas['ReturnItem']);
    for (const field of ['lineId', 'qty', 'reason', 'units']) expect(item).toContain(`"${field}"`);
    const confirm = JSON.stringify(
      paths['/api/order-changes/{changeId}/commands/ConfirmOrderChange']?.post?.requestBody,
    );
    expect(confirm).toContain('"store-credit"');
    expect(JSON.stringify(paths['/api/orders/{orderId}/changes']?.post?.requestBody)).toContain(
      '"#/components/schemas/BeginChangeBody"',
    );
    const begin = JSON.stringify(schemas['BeginChangeBody']);
    expect(begin).toContain('"kind"');
    expect(begin).toContain('"exchange"');
    expect(begin).not.toContain('"basis"');
    expect(paths['/api/customers/{customerId}/credit/goodwill']?.post).toBeDefined();
    expect(paths['/api/me/credit']?.get).toBeDefined();
  });
});
