import type { HandlerError } from '@ordersource/core';
import type { ShopError } from '@ordersource/runtime';

/**
 * RFC 9457 problem details: every error the API answers is one of these, as
 * `application/problem+json`. `type` is a stable URI per problem kind (here
 * under the shop's own /problems/ path, each one documented in the README),
 * `code` the machine-readable reason (the domain's own code where there is
 * one), and `errors` the field paths of a decode failure, each with its rule.
 */

export type FieldError = Readonly<{ path: string; rule: string; message: string }>;

export type Problem = Readonly<{
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: readonly FieldError[];
  [extension: string]: unknown;
}>;

export const PROBLEM_TYPE_BASE = '/problems/';

export const problem = (
  status: number,
  code: string,
  title: string,
  detail: string,
  extra: Readonly<Record<string, unknown>> = {},
): Problem => ({ type: `${PROBLEM_TYPE_BASE}${code}`, title, status, detail, code, ...extra });

// Domain refusals whose code says "there is no such thing" or "not yours" get the status a client expects.
const NOT_FOUND = new Set([
  // Issue 9: the refund a URL names is not waiting for its goods.
  'unknown-movement',
  'not-found',
  'order-not-found',
  'subscription-not-found',
  'change-not-found',
]);
const FORBIDDEN = new Set(['forbidden']);
const CONFLICT = new Set([
  'order-exists',
  'payment-exists',
  'shipment-exists',
  'subscription-exists',
  'invoice-exists',
]);

/** The problem for a handler's error value: 422 for input and business refusals, 409/503 for the store. */
/** The 403 and 404 every route answers alike. */
export const forbidden = (detail: string): Problem => problem(403, 'forbidden', 'Not allowed', detail);
export const notFound = (what: string): Problem => problem(404, 'not-found', 'Not found', `${what} does not exist`);

export const problemOfError = (error: HandlerError | ShopError): Problem => {
  switch (error.kind) {
    case 'validation':
      return problem(422, 'validation-failed', 'The request does not match its schema', error.message, {
        errors: error.issues.map((issue) => ({
          // The command's fields live under `data` in the codec; the API takes `data` as the body.
          path: issue.path.replace(/^data\.?/, '') || '(root)',
          rule: issue.rule,
          message: issue.message ?? `${issue.path}: ${issue.rule}`,
        })),
      });
    case 'domain': {
      if (error.code === 'version-mismatch')
        return problem(412, 'version-mismatch', 'The order changed since you read it', error.message, {
          ...(error.details ?? {}),
        });
      if (NOT_FOUND.has(error.code)) return problem(404, error.code, 'Not found', error.message);
      if (FORBIDDEN.has(error.code)) return problem(403, error.code, 'Not allowed', error.message);
      if (CONFLICT.has(error.code)) return problem(409, error.code, 'It exists already', error.message);
      return problem(422, error.code, 'The shop refused the request', error.message, {
        ...(error.details === undefined ? {} : { details: error.details }),
      });
    }
    case 'unknown-stream':
      return problem(404, 'unknown-stream', 'Not found', error.message);
    case 'concurrency-exhausted':
      return problem(409, 'concurrency-exhausted', 'Too many concurrent changes to this order', error.message);
    default: {
      const kind = (error as { kind: string }).kind;
      return problem(503, `store-${kind}`, 'The event store could not take the change', error.message);
    }
  }
};
