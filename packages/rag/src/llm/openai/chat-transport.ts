import { ProviderCallError } from '@ragops/core';
import { createParser } from 'eventsource-parser';
import type { Agent } from 'undici';
import { networkReason } from '../../http/network-reason.ts';
import { fetchBodyChunks, readBodyStart, readCappedBody } from '../../http/read-capped-body.ts';
import { parseRetryAfterMs } from '../../retry/retry-after.ts';

/**
 * POST /chat/completions on an OpenAI-protocol server: a JSON reply, or a stream of its
 * server-sent events' JSON payloads (until `[DONE]`). A non-2xx answer is a ProviderCallError with
 * the server's status, message and Retry-After; a network failure a retryable ProviderCallError.
 */
export type ChatTransport = {
  complete(body: Record<string, unknown>, signal?: AbortSignal): Promise<unknown>;
  stream(body: Record<string, unknown>, signal?: AbortSignal): Promise<AsyncIterable<unknown>>;
};

export type ChatTransportSettings = {
  provider: string;
  baseURL: string;
  /** Sent as `Authorization: Bearer …`; none when absent (many self-hosted servers take none). */
  apiKey?: string;
  organization?: string;
  /** A fetch to call instead of the keep-alive connection pool (tests, proxies, fault injection). */
  fetch?: typeof fetch;
};

/** The reply as both transports give it: status, a header, and the body in chunks. */
type Reply = {
  status: number;
  header(name: string): string | null;
  chunks(): AsyncIterable<Uint8Array>;
};

/**
 * Most bytes read of a JSON reply, and of one server-sent event (the bytes since the last complete
 * event): a chat completion is kilobytes; a server that sends more (broken, or hostile) gets a
 * non-retryable error instead of this process's memory. Only the first 4 KiB of an error body is read.
 */
export const CHAT_REPLY_MAX_BYTES = 16 * 1024 * 1024;
const ERROR_BODY_MAX_BYTES = 4096;

// One keep-alive pool per origin for the process. undici's request() is the fast path: measured on
// this 2-core machine, one non-streaming call with a 6 KB prompt to a loopback server cost ~140 µs
// of main-thread CPU through it, ~400–500 µs through the global fetch (WHATWG streams around every
// body), and ~640–780 µs through the `openai` SDK (which calls fetch and adds its own request
// building), where the server's whole chat path with an in-process model is ~1 ms. The SDK was used
// as a transport only: the request body, the reply schemas and the error mapping were already ours.
// undici loads on the first call, like the SDK did: most commands never make one.
let pool: Promise<{ agent: Agent; request: typeof import('undici').request }> | undefined;
function connectionPool() {
  pool ??= import('undici').then(({ Agent, request }) => ({
    agent: new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000 }),
    request,
  }));
  return pool;
}

/**
 * The OpenAI protocol's chat call over undici's keep-alive pool (or the given `fetch`).
 * @example
 * const t = createChatTransport({ provider: 'vllm', baseURL: 'http://gpu:8000/v1' });
 * const reply = await t.complete({ model: 'llama', messages: [{ role: 'user', content: 'hi' }] });
 */
export function createChatTransport(settings: ChatTransportSettings): ChatTransport {
  // (?<!\/): a match starts only at the first slash of a run; /\/+$/ is quadratic on a long run.
  const url = `${settings.baseURL.replace(/(?<!\/)\/+$/, '')}/chat/completions`;
  const headers = (accept: string): Record<string, string> => ({
    'content-type': 'application/json',
    accept,
    'user-agent': 'ragops',
    ...(settings.apiKey && { authorization: `Bearer ${settings.apiKey}` }),
    ...(settings.organization && { 'openai-organization': settings.organization }),
  });
  const send = settings.fetch
    ? viaFetch(settings.fetch)
    : (target: string, init: { headers: Record<string, string>; body: string; signal?: AbortSignal }) =>
        viaPool(target, init);

  const post = async (body: Record<string, unknown>, accept: string, signal?: AbortSignal): Promise<Reply> => {
    let reply: Reply;
    try {
      reply = await send(url, { headers: headers(accept), body: JSON.stringify(body), ...(signal && { signal }) });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw new ProviderCallError({
        provider: settings.provider,
        message: `call failed: ${networkReason(error)}`,
        cause: error,
      });
    }
    if (reply.status >= 200 && reply.status < 300) return reply;
    // The status is the error; a body that breaks off only loses its detail.
    const text = await readBodyStart(reply.chunks(), ERROR_BODY_MAX_BYTES).catch(() => '');
    throw new ProviderCallError({
      provider: settings.provider,
      message: `${reply.status} ${errorMessage(text)}`,
      statusCode: reply.status,
      retryAfterMs: parseRetryAfterMs({ get: (name) => reply.header(name) }),
    });
  };

  return {
    async complete(body, signal) {
      const reply = await post(body, 'application/json', signal);
      const text = await readOrAbort(
        () => readCappedBody(reply.chunks(), CHAT_REPLY_MAX_BYTES, () => tooLarge(settings.provider)),
        settings.provider,
        signal,
      );
      try {
        return JSON.parse(text);
      } catch (error) {
        throw new ProviderCallError({
          provider: settings.provider,
          message: 'reply is not JSON',
          cause: error,
          isRetryable: false,
        });
      }
    },
    async stream(body, signal) {
      const reply = await post(body, 'text/event-stream', signal);
      return events(reply, settings.provider, signal);
    },
  };
}

async function viaPool(
  url: string,
  init: { headers: Record<string, string>; body: string; signal?: AbortSignal },
): Promise<Reply> {
  const { agent, request } = await connectionPool();
  const res = await request(url, { method: 'POST', dispatcher: agent, ...init });
  return {
    status: res.statusCode,
    header(name) {
      const value = res.headers[name];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
    chunks: () => res.body,
  };
}

function viaFetch(fetchImpl: typeof fetch) {
  return async (
    url: string,
    init: { headers: Record<string, string>; body: string; signal?: AbortSignal },
  ): Promise<Reply> => {
    const res = await fetchImpl(url, { method: 'POST', ...init });
    return {
      status: res.status,
      header: (name) => res.headers.get(name),
      chunks: () => fetchBodyChunks(res),
    };
  };
}

/** The JSON payloads of a server-sent event stream, in order, until `data: [DONE]` or the end. */
async function* events(reply: Reply, provider: string, signal: AbortSignal | undefined): AsyncGenerator<unknown> {
  const pending: string[] = [];
  let done = false;
  const parser = createParser({
    onEvent(event) {
      if (done) return;
      if (event.data === '[DONE]') done = true;
      else pending.push(event.data);
    },
  });
  const decoder = new TextDecoder();
  const chunks = reply.chunks()[Symbol.asyncIterator]();
  let sinceEvent = 0;
  try {
    while (!done) {
      const next = await readOrAbort(() => chunks.next(), provider, signal);
      if (next.done) break;
      sinceEvent += next.value.byteLength;
      if (sinceEvent > CHAT_REPLY_MAX_BYTES) throw tooLarge(provider);
      parser.feed(decoder.decode(next.value, { stream: true }));
      if (pending.length > 0) sinceEvent = 0;
      for (const data of pending.splice(0)) {
        try {
          yield JSON.parse(data);
        } catch (error) {
          throw new ProviderCallError({ provider, message: 'malformed stream chunk (not JSON)', cause: error });
        }
      }
    }
  } finally {
    // Stop reading: a consumer that quits early (or [DONE]) releases the connection.
    await chunks.return?.();
  }
}

function tooLarge(provider: string): ProviderCallError {
  return new ProviderCallError({
    provider,
    message: `reply larger than ${CHAT_REPLY_MAX_BYTES} bytes (an event or a whole JSON reply): refused`,
    isRetryable: false,
  });
}

/** Reads the body; a failure mid-body is the caller's abort, else a retryable ProviderCallError. */
async function readOrAbort<T>(read: () => Promise<T>, provider: string, signal: AbortSignal | undefined): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (ProviderCallError.isInstance(error)) throw error;
    throw new ProviderCallError({
      provider,
      message: `reading the reply failed: ${networkReason(error)}`,
      cause: error,
    });
  }
}

/** OpenAI's `{"error": {"message": …}}`, else the body's start. */
function errorMessage(text: string): string {
  try {
    const json = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    const message = typeof json.error === 'string' ? json.error : (json.error?.message ?? json.message);
    if (typeof message === 'string' && message) return message.slice(0, 1000);
  } catch {
    // not JSON
  }
  return text.slice(0, 500) || 'status code (no body)';
}
