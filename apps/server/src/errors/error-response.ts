import { z } from '@hono/zod-openapi';
import { type ErrorCode, RagopsError } from '@ragops/core';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from '../app-env.ts';

/** The one table from library error codes to HTTP statuses (libraries throw codes, not statuses). */
export const STATUS_BY_CODE: Record<ErrorCode, ContentfulStatusCode> = {
  invalid_input: 400,
  unauthenticated: 401,
  permission_denied: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  provider_error: 502,
  config_error: 500,
  internal: 500,
};

/** The one JSON error shape every non-2xx response of the registry API uses. */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ description: 'stable machine-readable code, e.g. invalid_input, not_found' }),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
      requestId: z.string(),
    }),
  })
  .openapi('Error');
export type ErrorBody = z.infer<typeof errorBodySchema>;

type Mapped = { status: ContentfulStatusCode; code: ErrorCode; message: string; details?: Record<string, unknown> };

// hono raises HTTPException for what it rejects before our code runs (malformed JSON, wrong content
// type, body too large); they are the caller's mistakes, so they keep their 4xx and get the invalid_input code.
function mapHttpException(err: HTTPException): Mapped {
  const status = err.status as ContentfulStatusCode;
  if (status === 413) return { status, code: 'invalid_input', message: 'Request body is too large' };
  if (status === 415) {
    return {
      status,
      code: 'invalid_input',
      message: 'Send the request body as JSON with content-type: application/json',
    };
  }
  if (status === 400 && /json/i.test(err.message)) {
    return { status, code: 'invalid_input', message: `body: malformed JSON (${err.message})` };
  }
  if (status === 401) return { status, code: 'unauthenticated', message: err.message || 'Unauthenticated' };
  return { status, code: status >= 500 ? 'internal' : 'invalid_input', message: err.message || 'Bad request' };
}

/** Classifies any thrown value into status, code and a message safe to show the caller. */
export function mapError(err: unknown): Mapped {
  if (RagopsError.isInstance(err)) {
    const status = STATUS_BY_CODE[err.code] ?? 500;
    // Internal and config errors may name paths or hosts of the server: the log has them, the caller
    // gets a generic line. Provider errors (502) stay readable: they say which upstream failed.
    if (err.code === 'internal' || err.code === 'config_error') {
      return { status, code: err.code, message: 'Internal server error' };
    }
    return { status, code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) };
  }
  if (err instanceof HTTPException) return mapHttpException(err);
  return { status: 500, code: 'internal', message: 'Internal server error' };
}

/** Renders a mapped error in the one shape, with the request id. */
export function errorResponse(c: Context<AppEnv>, mapped: Mapped): Response {
  const body: ErrorBody = {
    error: {
      code: mapped.code,
      message: mapped.message,
      ...(mapped.details ? { details: mapped.details } : {}),
      requestId: c.get('requestId') ?? '',
    },
  };
  // RFC 6750: a 401 names the scheme the client should use.
  if (mapped.status === 401) c.header('www-authenticate', 'Bearer realm="ragops"');
  return c.json(body, mapped.status);
}
