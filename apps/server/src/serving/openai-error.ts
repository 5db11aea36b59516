import { RagopsError } from '@ragops/core';
import { ModelVersionConfigError } from '@ragops/rag';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode, UnofficialStatusCode } from 'hono/utils/http-status';

/** OpenAI's error body, plus `requestId` (the x-request-id header; the house error shape's field). */
export type OpenAIErrorBody = {
  error: { message: string; type: string; param: string | null; code: string | null; requestId?: string };
};

export type OpenAIErrorInfo = {
  /** 499 (nginx's "client closed request") is not in hono's table: it travels as UnofficialStatusCode. */
  status: ContentfulStatusCode | typeof CLIENT_CLOSED_STATUS;
  message: string;
  type: string;
  code: string | null;
  param?: string;
};

const BY_CODE: Record<string, { status: ContentfulStatusCode; type: string }> = {
  invalid_input: { status: 400, type: 'invalid_request_error' },
  unauthenticated: { status: 401, type: 'authentication_error' },
  permission_denied: { status: 403, type: 'permission_error' },
  not_found: { status: 404, type: 'invalid_request_error' },
  conflict: { status: 409, type: 'invalid_request_error' },
  rate_limited: { status: 429, type: 'rate_limit_error' },
  provider_error: { status: 502, type: 'server_error' },
};

/** Maps anything thrown on a serving route to OpenAI's error shape (the message safe for callers). */
export function toOpenAIError(err: unknown): OpenAIErrorInfo {
  if (err instanceof ClientClosedError) {
    return { status: CLIENT_CLOSED_STATUS, message: err.message, type: 'client_closed', code: 'client_closed' };
  }
  if (err instanceof ServingTimeoutError) {
    return { status: 504, message: err.message, type: 'server_error', code: 'timeout' };
  }
  // The version cannot run with this server's configuration (e.g. an LLM provider it lacks): the
  // deployment's fault, not the caller's (5xx), and the message names what to fix (no secrets in it).
  if (ModelVersionConfigError.isModelVersionConfigError(err)) {
    return { status: 500, message: err.message, type: 'server_error', code: 'config_error' };
  }
  if (RagopsError.isInstance(err)) {
    const mapped = BY_CODE[err.code];
    if (mapped) {
      const param = typeof err.details?.param === 'string' ? err.details.param : undefined;
      return { ...mapped, message: err.message, code: err.code, ...(param ? { param } : {}) };
    }
    return { status: 500, message: 'Internal server error', type: 'server_error', code: 'internal' };
  }
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    return {
      status,
      message: err.message || 'Bad request',
      type: status >= 500 ? 'server_error' : 'invalid_request_error',
      code: null,
    };
  }
  return { status: 500, message: 'Internal server error', type: 'server_error', code: 'internal' };
}

export function openAIErrorBody(info: OpenAIErrorInfo, requestId: string | undefined): OpenAIErrorBody {
  return {
    error: {
      message: info.message,
      type: info.type,
      param: info.param ?? null,
      code: info.code,
      ...(requestId ? { requestId } : {}),
    },
  };
}

export function openAIErrorResponse(c: Context, info: OpenAIErrorInfo): Response {
  return c.json(openAIErrorBody(info, c.get('requestId') as string | undefined), info.status as ContentfulStatusCode);
}

/** nginx's "client closed request": what the row, the request log and the HTTP metrics record. */
export const CLIENT_CLOSED_STATUS = 499 as UnofficialStatusCode;

/** The caller went away before the answer was complete (recorded as 499; nobody reads the response). */
export class ClientClosedError extends Error {
  constructor() {
    super('client closed the request');
    this.name = 'ClientClosedError';
  }
}

/** The endpoint's whole-request budget ran out (→ 504). */
export class ServingTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`The endpoint did not answer within its ${timeoutMs} ms timeout`);
    this.name = 'ServingTimeoutError';
  }
}
