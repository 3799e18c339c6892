import type * as t from 'io-ts';
import { OrderCommandCodec, PlaceOrderData } from '@ordersource/domain';
import { SubscriptionCommandCodec, StartSubscriptionData } from '@ordersource/domain/subscriptions';
import { OrderChangeCommandCodec } from '@ordersource/domain/changes';
import { BeginChangeBody, changeCommandTypes, GoodwillBody } from './change-routes.js';
import { createSchemaRegistry, type Schema } from './json-schema.js';
import { AssignRefundGoodsBody } from './refund-goods.js';
import { ProviderEventCodec, WEBHOOK_PATH } from './webhook.js';

/**
 * The OpenAPI 3.1 document of the JSON API, generated from the io-ts codecs
 * the handlers decode with: one path per order command, its request body the
 * command's `data` codec. Served at /openapi.json; the test validates it
 * with an OpenAPI 3.1 schema validator.
 */

type Tagged = t.Any & { _tag?: string; type?: t.Any; props?: t.Props };

/** The `data` codec of a `commandCodec(type, data)`: strict(t.strict({ type, data, metadata })). */
export const dataCodecOf = (command: t.Any): t.Any => {
  let node = command as Tagged;
  for (let i = 0; i < 5; i++) {
    const data = node.props?.['data'];
    if (data !== undefined) return data;
    if (node.type === undefined) break;
    node = node.type;
  }
  throw new Error(`${command.name}: not a command codec`);
};

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

const errors = {
  '400': problemResponse('Malformed request (JSON, If-Match, Idempotency-Key)'),
  '401': problemResponse('Not logged in'),
  '403': problemResponse('Not allowed (CUS-3) or CSRF token missing'),
  '404': problemResponse('No such order, or not yours'),
  '412': problemResponse('If-Match names an older version of the order'),
  '413': problemResponse('Body too large'),
  '415': problemResponse('Body is not JSON'),
  '422': problemResponse('Body does not match the schema (errors name each field), or the shop refused it'),
};

const outcome = {
  description: 'The command was handled (or was a repeat of an Idempotency-Key)',
  headers: {
    ETag: { description: 'The order stream version after the command', schema: { type: 'string' } },
    'Idempotent-Replayed': { description: '"true" when nothing was appended again', schema: { type: 'string' } },
  },
  content: { 'application/json': { schema: { $ref: '#/components/schemas/CommandOutcome' } } },
};

const headerParams = [
  {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description: 'The command id (scoped to the caller): a repeat appends nothing and answers the first outcome',
    schema: { type: 'string', minLength: 1, maxLength: 255 },
  },
  {
    name: 'If-Match',
    in: 'header',
    required: false,
    description: 'The ETag of the order as read; a newer order answers 412 and nothing is written',
    schema: { type: 'string' },
  },
];

const orderIdParam = { name: 'orderId', in: 'path', required: true, schema: { type: 'string' } };

const jsonBody = (schema: Schema) => ({ required: true, content: { 'application/json': { schema } } });

export const openApiDocument = (): { document: Record<string, unknown>; unknownCodecs: readonly string[] } => {
  const registry = createSchemaRegistry();
  const paths: Record<string, unknown> = {};

  paths['/api/orders'] = {
    post: {
      operationId: 'placeOrder',
      summary: 'Checkout (ORD-1): place an order; a guest gets the order-status link',
      tags: ['orders'],
      parameters: [headerParams[0]],
      requestBody: jsonBody(registry.schemaOf(PlaceOrderData)),
      responses: {
        '201': {
          description: 'Placed',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/PlacedOrder' } } },
        },
        '200': { description: 'A repeat of the same Idempotency-Key' },
        ...errors,
      },
    },
    get: {
      operationId: 'listOrders',
      summary: 'The admin order list with the seeds’ filters',
      tags: ['orders'],
      parameters: [
        'status',
        'paymentStatus',
        'financialStatus',
        'fulfillmentStatus',
        'q',
        'fraud',
        'discarded',
        'limit',
        'offset',
      ].map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } })),
      responses: { '200': { description: 'Orders, newest first' }, ...errors },
    },
  };
  paths['/api/orders/{orderId}'] = {
    get: {
      operationId: 'getOrder',
      summary: 'One order with its history newest first, receipts and messages sent (ORD-5, NOT-3)',
      tags: ['orders'],
      parameters: [orderIdParam],
      responses: {
        '200': { description: 'The order; ETag is its version', headers: { ETag: { schema: { type: 'string' } } } },
        '304': { description: 'Not modified (If-None-Match)' },
        ...errors,
      },
    },
  };
  paths['/api/orders/{orderId}/summary'] = {
    get: {
      operationId: 'orderSummary',
      summary: 'The printable order summary (ORD-10)',
      tags: ['orders'],
      parameters: [orderIdParam],
      responses: {
        '200': { description: 'HTML', content: { 'text/html': { schema: { type: 'string' } } } },
        ...errors,
      },
    },
  };
  for (const command of OrderCommandCodec.types) {
    if (command.name === 'PlaceOrder') continue;
    paths[`/api/orders/{orderId}/commands/${command.name}`] = {
      post: {
        operationId: `order${command.name}`,
        summary: `Send ${command.name} to the order`,
        tags: ['order commands'],
        parameters: [orderIdParam, ...headerParams],
        requestBody: jsonBody(registry.schemaOf(dataCodecOf(command))),
        responses: { '200': outcome, ...errors },
      },
    };
  }
  // Issue 9 (PAY-5, REC-7): refunds awaiting goods and money refunded beyond any receipt.
  const movementIdParam = {
    name: 'movementId',
    in: 'path',
    required: true,
    description: 'The refund recorded with no goods named: <paymentId>:refund-<refundId> (URL-encoded)',
    schema: { type: 'string' },
  };
  paths['/api/reconciliation/attention'] = {
    get: {
      operationId: 'reconciliationAttention',
      summary:
        'Orders with a refund awaiting goods or money refunded beyond any receipt, longest waiting first (admins)',
      tags: ['receipts'],
      responses: { '200': { description: 'The orders needing an admin' }, ...errors },
    },
  };
  paths['/api/orders/{orderId}/reconciliation'] = {
    get: {
      operationId: 'orderReconciliation',
      summary:
        'The order’s money against its receipts, its refunds awaiting goods and the goods they may name (admins)',
      tags: ['receipts'],
      parameters: [orderIdParam],
      responses: { '200': { description: 'The reconciliation' }, ...errors },
    },
  };
  paths['/api/orders/{orderId}/refunds/{movementId}/goods'] = {
    post: {
      operationId: 'assignRefundGoods',
      summary: 'Name the goods of a refund recorded with none (AssignRefundGoods); the return receipt follows (admins)',
      tags: ['receipts'],
      parameters: [orderIdParam, movementIdParam, headerParams[0]],
      requestBody: jsonBody(registry.schemaOf(AssignRefundGoodsBody)),
      responses: { '200': outcome, ...errors },
    },
  };
  paths['/api/orders/{orderId}/payment-links'] = {
    post: {
      operationId: 'createPaymentLink',
      summary: 'A payment link for the balance or a part, with its QR code (PAY-3)',
      tags: ['payments'],
      parameters: [orderIdParam, ...headerParams],
      requestBody: jsonBody({
        type: 'object',
        properties: {
          amount: { $ref: '#/components/schemas/PositiveMoney' },
          channel: { type: 'string' },
          expiresAt: { type: 'string', format: 'date-time' },
        },
        required: ['amount'],
      }),
      responses: { '201': { description: 'The link, its URL and QR code' }, ...errors },
    },
  };
  paths['/api/orders/{orderId}/payments/{paymentId}/qr.png'] = {
    get: {
      operationId: 'paymentLinkQr',
      summary: 'The payment link as a QR code (PAY-3)',
      tags: ['payments'],
      parameters: [orderIdParam, { name: 'paymentId', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { '200': { description: 'PNG', content: { 'image/png': {} } }, ...errors },
    },
  };
  // ---- issue 17: order changes and store credit ------------------------------
  paths['/api/orders/{orderId}/changes'] = {
    post: {
      operationId: 'beginOrderChange',
      summary:
        'Begin an edit, return, exchange or claim on the order; the server reads the basis from the order (a customer: return, exchange or claim on her own order, CUS-3)',
      tags: ['order changes'],
      parameters: [orderIdParam, headerParams[0]],
      requestBody: jsonBody(registry.schemaOf(BeginChangeBody)),
      responses: {
        '201': { description: 'Begun; Location is the change, ETag its version' },
        '200': { description: 'A repeat of the same Idempotency-Key' },
        ...errors,
      },
    },
    get: {
      operationId: 'listOrderChanges',
      summary: 'The order’s changes, oldest first',
      tags: ['order changes'],
      parameters: [orderIdParam],
      responses: { '200': { description: 'The changes with their status' }, ...errors },
    },
  };
  const changeIdParam = { name: 'changeId', in: 'path', required: true, schema: { type: 'string' } };
  paths['/api/order-changes/{changeId}'] = {
    get: {
      operationId: 'getOrderChange',
      summary:
        'One change: its state and preview (totals, refund owed, credit, the commands and receipts it would make)',
      tags: ['order changes'],
      parameters: [changeIdParam],
      responses: {
        '200': { description: 'The change; ETag is its version', headers: { ETag: { schema: { type: 'string' } } } },
        ...errors,
      },
    },
  };
  for (const command of OrderChangeCommandCodec.types) {
    if (!(changeCommandTypes as readonly string[]).includes(command.name)) continue;
    paths[`/api/order-changes/{changeId}/commands/${command.name}`] = {
      post: {
        operationId: `orderChange${command.name}`,
        summary: `Send ${command.name} to the change (If-Match: the change's ETag)`,
        tags: ['order changes'],
        parameters: [changeIdParam, ...headerParams],
        requestBody: jsonBody(registry.schemaOf(dataCodecOf(command))),
        responses: { '200': outcome, ...errors },
      },
    };
  }
  paths['/api/change-reasons'] = {
    get: {
      operationId: 'changeReasons',
      summary: 'The reasons a return, exchange or claim may name, labelled in ?lang=',
      tags: ['order changes'],
      security: [],
      parameters: [{ name: 'lang', in: 'query', required: false, schema: { type: 'string' } }],
      responses: { '200': { description: 'The catalog' } },
    },
  };
  const customerIdParam = { name: 'customerId', in: 'path', required: true, schema: { type: 'string' } };
  paths['/api/customers/{customerId}/credit'] = {
    get: {
      operationId: 'customerCredit',
      summary: 'A customer’s store credit: balances and grants (admin, or the customer herself)',
      tags: ['store credit'],
      parameters: [customerIdParam],
      responses: { '200': { description: 'Balances per currency, grants' }, ...errors },
    },
  };
  paths['/api/customers/{customerId}/credit/goodwill'] = {
    post: {
      operationId: 'issueGoodwillCredit',
      summary: 'Issue goodwill credit (admin; no money received, so no receipt: REC-1)',
      tags: ['store credit'],
      parameters: [customerIdParam, headerParams[0]],
      requestBody: jsonBody(registry.schemaOf(GoodwillBody)),
      responses: { '201': { description: 'Issued; the balances after' }, ...errors },
    },
  };

  paths['/api/subscriptions'] = {
    post: {
      operationId: 'startSubscription',
      summary: 'Start a subscription (SUB-2)',
      tags: ['subscriptions'],
      parameters: [headerParams[0]],
      requestBody: jsonBody(registry.schemaOf(StartSubscriptionData)),
      responses: { '201': { description: 'Started' }, ...errors },
    },
    get: {
      operationId: 'listSubscriptions',
      tags: ['subscriptions'],
      responses: { '200': { description: 'All' }, ...errors },
    },
  };
  for (const command of SubscriptionCommandCodec.types) {
    if (command.name === 'StartSubscription') continue;
    paths[`/api/subscriptions/{subscriptionId}/commands/${command.name}`] = {
      post: {
        operationId: `subscription${command.name}`,
        summary: `Send ${command.name} to the subscription`,
        tags: ['subscriptions'],
        parameters: [
          { name: 'subscriptionId', in: 'path', required: true, schema: { type: 'string' } },
          headerParams[0],
        ],
        requestBody: jsonBody(registry.schemaOf(dataCodecOf(command))),
        responses: { '200': outcome, ...errors },
      },
    };
  }
  const credentials = (field: string) =>
    jsonBody({
      type: 'object',
      properties: { [field]: { type: 'string' }, password: { type: 'string' } },
      required: [field, 'password'],
    });
  paths['/api/session/admin'] = {
    post: {
      operationId: 'adminLogin',
      tags: ['sessions'],
      security: [],
      requestBody: credentials('username'),
      responses: { '201': { description: 'A bearer token' }, '429': problemResponse('Too many logins'), ...errors },
    },
  };
  paths['/api/session/customer'] = {
    post: {
      operationId: 'customerLogin',
      tags: ['sessions'],
      security: [],
      requestBody: credentials('email'),
      responses: { '201': { description: 'A bearer token' }, '429': problemResponse('Too many logins'), ...errors },
    },
  };
  for (const [path, summary] of [
    ['/api/me/orders', 'My orders (CUS-2)'],
    ['/api/me/company-orders', 'My company’s orders (CUS-2)'],
    ['/api/me/subscriptions', 'My subscriptions'],
    ['/api/me/receipts', 'My fiscal receipts'],
    ['/api/me/credit', 'My store credit (issue 17)'],
  ] as const)
    paths[path] = {
      get: {
        operationId: path.replace('/api/me/', 'me-').replace(/-(\w)/g, (_, ch: string) => ch.toUpperCase()),
        summary,
        tags: ['my account'],
        responses: { '200': { description: summary }, ...errors },
      },
    };
  paths[WEBHOOK_PATH] = {
    post: {
      operationId: 'paymentWebhook',
      summary: 'Payment provider events (PAY-1), signed: Ordersource-Signature: t=<unix s>,v1=<HMAC-SHA256 hex>',
      tags: ['webhooks'],
      security: [],
      parameters: [{ name: 'Ordersource-Signature', in: 'header', required: true, schema: { type: 'string' } }],
      requestBody: jsonBody(registry.schemaOf(ProviderEventCodec)),
      responses: {
        '200': { description: 'Recorded, or a repeat of the same provider event id (duplicate: true)' },
        ...errors,
      },
    },
  };

  const components = {
    schemas: {
      ...registry.components(),
      PositiveMoney: {
        type: 'object',
        properties: { amount: { type: 'integer', minimum: 1 }, currency: { type: 'string', pattern: '^[A-Z]{3}$' } },
        required: ['amount', 'currency'],
        additionalProperties: false,
      },
      Problem: {
        type: 'object',
        description: 'RFC 9457 problem details',
        properties: {
          type: { type: 'string', format: 'uri-reference' },
          title: { type: 'string' },
          status: { type: 'integer' },
          detail: { type: 'string' },
          instance: { type: 'string' },
          code: { type: 'string', description: 'stable machine-readable reason' },
          errors: {
            type: 'array',
            items: {
              type: 'object',
              properties: { path: { type: 'string' }, rule: { type: 'string' }, message: { type: 'string' } },
              required: ['path', 'rule', 'message'],
            },
          },
        },
        required: ['type', 'title', 'status', 'code'],
      },
      CommandOutcome: {
        type: 'object',
        properties: {
          version: { type: 'integer' },
          duplicate: { type: 'boolean' },
          events: { type: 'array', items: { type: 'string' } },
        },
        required: ['version', 'duplicate', 'events'],
      },
      PlacedOrder: {
        type: 'object',
        properties: {
          orderId: { type: 'string' },
          version: { type: 'integer' },
          duplicate: { type: 'boolean' },
          events: { type: 'array', items: { type: 'string' } },
          statusUrl: { type: 'string', description: 'the guest order-status page (CUS-3)' },
        },
        required: ['orderId', 'version'],
      },
    },
    securitySchemes: {
      session: { type: 'http', scheme: 'bearer', description: 'POST /api/session/admin or /customer' },
    },
  };

  const document = {
    openapi: '3.1.0',
    info: {
      title: 'ordersource example shop',
      version: '0.1.0',
      description:
        'The example shop of ordersource: orders, payments, fulfillment, receipts, subscriptions. Generated from the io-ts codecs the handlers decode with. Every error is RFC 9457 problem details.',
    },
    servers: [{ url: '/' }],
    security: [{ session: [] }],
    paths,
    components,
  };
  return { document, unknownCodecs: registry.unknown() };
};
