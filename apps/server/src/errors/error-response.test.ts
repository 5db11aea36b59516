import { ERROR_CODES, ProviderCallError, RagopsError } from '@ragops/core';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { mapError, STATUS_BY_CODE } from './error-response.ts';

describe('mapError', () => {
  it('maps every library error code through the one table', () => {
    expect(Object.keys(STATUS_BY_CODE).sort()).toEqual([...ERROR_CODES].sort());
    for (const code of ERROR_CODES) {
      const mapped = mapError(new RagopsError(code, 'boom'));
      expect(mapped.status).toBe(STATUS_BY_CODE[code]);
      expect(mapped.code).toBe(code);
    }
    expect(STATUS_BY_CODE).toMatchObject({
      invalid_input: 400,
      unauthenticated: 401,
      permission_denied: 403,
      not_found: 404,
      conflict: 409,
      rate_limited: 429,
      provider_error: 502,
      config_error: 500,
      internal: 500,
    });
  });

  it('keeps caller-facing messages and details, hides server-side ones', () => {
    const invalid = mapError(new RagopsError('invalid_input', 'body.name: required', { details: { where: 'body' } }));
    expect(invalid).toEqual({
      status: 400,
      code: 'invalid_input',
      message: 'body.name: required',
      details: { where: 'body' },
    });
    expect(mapError(new RagopsError('config_error', 'cannot open /etc/secret.db')).message).toBe(
      'Internal server error',
    );
    expect(mapError(new RagopsError('internal', 'pool exhausted at 10.0.0.5')).message).toBe('Internal server error');
    expect(mapError(new ProviderCallError({ provider: 'openai', message: 'HTTP 503', statusCode: 503 }))).toMatchObject(
      {
        status: 502,
        message: 'openai: HTTP 503',
      },
    );
  });

  it('maps hono HTTP exceptions to the caller-mistake codes and anything else to a generic 500', () => {
    expect(mapError(new HTTPException(400, { message: 'Malformed JSON in request body' }))).toMatchObject({
      status: 400,
      code: 'invalid_input',
    });
    expect(mapError(new HTTPException(413))).toMatchObject({ status: 413, code: 'invalid_input' });
    expect(mapError(new TypeError('x is undefined'))).toEqual({
      status: 500,
      code: 'internal',
      message: 'Internal server error',
    });
  });
});
