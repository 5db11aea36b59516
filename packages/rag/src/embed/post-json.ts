import { ProviderCallError } from '@ragops/core';
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

/**
 * POSTs JSON and returns the parsed reply. Network failures, timeouts and non-2xx answers become
 * ProviderCallError (retryable per status). Headers are built before the `try`, so a ConfigError
 * from a missing key is thrown as is and never retried.
 */
export async function postJson(
  config: OpenAICompatibleConfig,
  path: string,
  body: unknown,
  abortSignal?: AbortSignal,
): Promise<unknown> {
  const headers = { 'content-type': 'application/json', ...config.headers() };
  const deadline = new Deadline(abortSignal, config.timeoutMs ?? 60_000);
  try {
    return await post(config, path, body, headers, deadline);
  } finally {
    deadline.dispose();
  }
}

async function post(
  config: OpenAICompatibleConfig,
  path: string,
  body: unknown,
  headers: Record<string, string>,
  deadline: Deadline,
): Promise<unknown> {
  const signal = deadline.signal;
  // (?<!\/): a match starts only at the first slash of a run; /\/+$/ is quadratic on a long run.
  const url = `${config.baseURL.replace(/(?<!\/)\/+$/, '')}${path}`;
  let response: Response;
  try {
    response = await (config.fetch ?? fetch)(url, { method: 'POST', headers, body: JSON.stringify(body), signal });
  } catch (error) {
    if (deadline.callerAborted) throw signal.reason;
    const message = deadline.timedOut
      ? `embedder ${url} timed out after ${config.timeoutMs ?? 60_000} ms`
      : `embedder ${url} unreachable: ${networkReason(error)}`;
    throw new ProviderCallError({ provider: config.provider, message, cause: error });
  }
  const text = await response.text().catch((error: unknown) => {
    throw new ProviderCallError({
      provider: config.provider,
      message: `POST ${url}: reading the reply failed`,
      statusCode: response.status,
      cause: error,
    });
  });
  if (!response.ok) {
    throw new ProviderCallError({
      provider: config.provider,
      message: `POST ${url} answered ${response.status}: ${text.slice(0, 500)}`,
      statusCode: response.status,
      retryAfterMs: parseRetryAfterMs(response.headers),
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

/**
 * What a failed fetch says about the network: undici reports only "fetch failed" and puts the reason
 * (ECONNREFUSED, ENOTFOUND, ECONNRESET, …) in `cause`, sometimes an AggregateError over the addresses.
 */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: unknown } | undefined)?.cause as
    | { code?: unknown; message?: unknown; errors?: { message?: unknown }[] }
    | undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const detail =
    typeof cause?.message === 'string' && cause.message !== ''
      ? cause.message
      : cause?.errors?.map((e) => String(e.message)).join('; ');
  if (code) return detail && detail !== code ? `${code} (${detail})` : code;
  return error instanceof Error ? error.message : String(error);
}
