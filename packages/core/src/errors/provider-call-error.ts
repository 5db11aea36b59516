import { RagopsError } from './ragops-error.ts';

/**
 * A call to an outside provider (LLM, embeddings) failed. Retryable as in vercel/ai's APICallError:
 * no status (network failure), 408, 409, 429 and 5xx are retried; other 4xx are not.
 */
export class ProviderCallError extends RagopsError {
  readonly provider: string;
  readonly statusCode: number | undefined;
  readonly isRetryable: boolean;
  /** How long the provider asked us to wait before retrying (its Retry-After), when it said. */
  readonly retryAfterMs: number | undefined;

  constructor(input: {
    provider: string;
    message: string;
    statusCode?: number;
    cause?: unknown;
    isRetryable?: boolean;
    retryAfterMs?: number;
  }) {
    super('provider_error', `${input.provider}: ${input.message}`, {
      cause: input.cause,
      details: { provider: input.provider, statusCode: input.statusCode },
    });
    this.provider = input.provider;
    this.statusCode = input.statusCode;
    this.isRetryable = input.isRetryable ?? isRetryableStatus(input.statusCode);
    this.retryAfterMs = input.retryAfterMs;
  }

  static override isInstance(error: unknown): error is ProviderCallError {
    return RagopsError.isInstance(error) && error.code === 'provider_error' && 'isRetryable' in error;
  }
}

function isRetryableStatus(status: number | undefined): boolean {
  if (status === undefined) return true;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}
