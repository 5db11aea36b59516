import { ProviderCallError } from '@ragops/core';
import { networkReason } from '../http/network-reason.ts';
import { fetchBodyChunks, readBodyStart, readCappedBody } from '../http/read-capped-body.ts';
import { Deadline } from '../retry/deadline.ts';
import { parseRetryAfterMs } from '../retry/retry-after.ts';

/** What an OpenAI-protocol provider needs to make a call. */
export type OpenAICompatibleConfig = {
  /** For errors, logs and the index identity: "openai", "openai-compatible", … */
  provider: string;
  /** Base URL ending before the route, e.g. https://api.openai.com/v1 */
  baseURL: string;
  /** Built per call; may throw ConfigError (e.g. a missing API key). */
  headers: () => Record<string, string>;
  fetch?: typeof fetch;
  /** Aborts a call that takes longer; surfaces as a retryable ProviderCallError. Default 60 s. */
  timeoutMs?: number;
};

/** One POST of postJson. */
export type PostJsonRequest = {
  /** The route after the base URL, e.g. `/embeddings`. */
  path: string;
  body: unknown;
  /**
   * Most bytes of the reply read: past it, a non-retryable ProviderCallError naming the bound
   * instead of buffering whatever the server sends. The caller knows how large a legitimate reply
   * to this request can be (embeddingsReplyMaxBytes).
   */
  maxReplyBytes: number;
  /** What the bound follows from, for its error message: "2048 inputs of 1536 dimensions". */
  maxReplyBytesFor?: string;
  abortSignal?: AbortSignal;
};

/** Only the start of an error body is read: its message, not megabytes of a broken server's page. */
const ERROR_BODY_MAX_BYTES = 4096;

/**
 * POSTs JSON and returns the parsed reply. Network failures, timeouts (also while reading the
 * reply) and non-2xx answers become ProviderCallError (retryable per status); a reply over
 * `maxReplyBytes`, or not JSON, a non-retryable one. Headers are built before the `try`, so a
 * ConfigError from a missing key is thrown as is and never retried.
 * @example const json = await postJson(config, { path: '/embeddings', body, maxReplyBytes: 1 << 20 });
 */
export async function postJson(config: OpenAICompatibleConfig, request: PostJsonRequest): Promise<unknown> {
  const headers = { 'content-type': 'application/json', ...config.headers() };
  const deadline = new Deadline(request.abortSignal, config.timeoutMs ?? 60_000);
  try {
    return await post(config, request, headers, deadline);
  } finally {
    deadline.dispose();
  }
}

async function post(
  config: OpenAICompatibleConfig,
  request: PostJsonRequest,
  headers: Record<string, string>,
  deadline: Deadline,
): Promise<unknown> {
  const signal = deadline.signal;
  // (?<!\/): a match starts only at the first slash of a run; /\/+$/ is quadratic on a long run.
  const url = `${config.baseURL.replace(/(?<!\/)\/+$/, '')}${request.path}`;
  const timedOut = () => `embedder ${url} timed out after ${config.timeoutMs ?? 60_000} ms`;
  let response: Response;
  try {
    response = await (config.fetch ?? fetch)(url, {
      method: 'POST',
      headers,
      body: JSON.stringify(request.body),
      signal,
    });
  } catch (error) {
    if (deadline.callerAborted) throw signal.reason;
    const message = deadline.timedOut ? timedOut() : `embedder ${url} unreachable: ${networkReason(error)}`;
    throw new ProviderCallError({ provider: config.provider, message, cause: error });
  }
  if (!response.ok) {
    // The status is the error; a body that breaks off only loses its detail.
    const text = await readBodyStart(fetchBodyChunks(response), ERROR_BODY_MAX_BYTES).catch(() => '');
    throw new ProviderCallError({
      provider: config.provider,
      message: `POST ${url} answered ${response.status}: ${text.slice(0, 500)}`,
      statusCode: response.status,
      retryAfterMs: parseRetryAfterMs(response.headers),
    });
  }
  const max = request.maxReplyBytes;
  const bound = `${max} bytes${request.maxReplyBytesFor ? `, the bound for ${request.maxReplyBytesFor}` : ''}`;
  let text: string;
  try {
    text = await readCappedBody(
      fetchBodyChunks(response),
      max,
      () =>
        new ProviderCallError({
          provider: config.provider,
          message: `POST ${url}: reply larger than ${bound}: refused`,
          statusCode: response.status,
          isRetryable: false,
        }),
    );
  } catch (error) {
    if (deadline.callerAborted) throw signal.reason;
    if (ProviderCallError.isInstance(error)) throw error;
    // Retryable whatever the status said: the answer broke off (or took too long), it was not refused.
    throw new ProviderCallError({
      provider: config.provider,
      message: deadline.timedOut ? timedOut() : `POST ${url}: reading the reply failed: ${networkReason(error)}`,
      statusCode: response.status,
      cause: error,
      isRetryable: true,
    });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ProviderCallError({
      provider: config.provider,
      message: `POST ${url}: reply is not JSON`,
      statusCode: response.status,
      cause: error,
      isRetryable: false,
    });
  }
}
