import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ChatMessageLike,
  countWords,
  defaultAnswer,
  deterministicEmbedding,
  messageText,
  streamDeltas,
  toBase64Embedding,
  truncateToTokens,
} from './openai-protocol-fixtures.ts';
import { readBody, sendError, sendJson, waitOrClose } from './openai-protocol-http.ts';

/**
 * A real HTTP server on 127.0.0.1:0 that speaks the OpenAI protocol (embeddings, chat completions
 * plain and SSE, models) with deterministic answers and injectable faults. Hosted-provider tests run
 * against it because no machine here reaches a hosted API. It is a test double: not for production.
 */

/** One injected fault. `times` (default 1) requests are affected; `path` limits it to one route. */
export type OpenAIProtocolFault = (
  | { kind: 'status'; status: number; message?: string; headers?: Record<string, string> }
  | { kind: 'delay'; ms: number }
  | { kind: 'reset' }
  | { kind: 'cut-stream'; afterChunks: number }
) & { times?: number; path?: string };

export type OpenAIProtocolQuirks = {
  /** Top-level body keys answered with 400 "Unrecognized request argument", as strict servers do. */
  rejectParams?: readonly string[];
  /** Never report `usage` (non-streaming nor streaming), like some self-hosted servers. */
  omitUsage?: boolean;
};

export type OpenAIProtocolServerOptions = {
  /** Default embedding size when a request gives no `dimensions` (default 16). */
  dimensions?: number;
  /** Model ids listed by GET /v1/models (default ["test-model", "test-embedding"]). */
  models?: readonly string[];
  /** When set, requests must carry `Authorization: Bearer <apiKey>` or get 401. */
  apiKey?: string;
  quirks?: OpenAIProtocolQuirks;
  /** Answer for a chat request; default echoes the last user message ("Echo: …"). */
  answer?: (messages: readonly ChatMessageLike[]) => string;
};

export type RecordedRequest = {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or undefined when none/invalid. */
  body: unknown;
  /** Set when the client went away during an injected delay (its call was cancelled). */
  clientClosed?: boolean;
  /** When the server read the request: `performance.now()` (for gaps) and `Date.now()` (for HTTP dates). */
  receivedAtMs: number;
  receivedAtEpochMs: number;
};

export type FaultQueue = {
  push(...faults: OpenAIProtocolFault[]): void;
  clear(): void;
  /** Faults not yet used up. */
  readonly pending: number;
};

export type OpenAIProtocolServer = {
  /** Ends in `/v1`, ready for the SDK's `baseURL`. */
  baseURL: string;
  requests: RecordedRequest[];
  faults: FaultQueue;
  close(): Promise<void>;
};

type ActiveFault = OpenAIProtocolFault & { remaining: number };

/**
 * Starts the server.
 * @example
 * const server = await startOpenAIProtocolServer({ dimensions: 8 });
 * server.faults.push({ kind: 'status', status: 429, times: 2 });
 * const client = new OpenAI({ baseURL: server.baseURL, apiKey: 'k', maxRetries: 0 });
 */
export async function startOpenAIProtocolServer(
  options: OpenAIProtocolServerOptions = {},
): Promise<OpenAIProtocolServer> {
  const requests: RecordedRequest[] = [];
  const active: ActiveFault[] = [];
  const faults: FaultQueue = {
    push: (...items) => {
      for (const f of items) active.push({ ...f, remaining: f.times ?? 1 });
    },
    clear: () => {
      active.length = 0;
    },
    get pending() {
      return active.length;
    },
  };
  const takeFault = (path: string): OpenAIProtocolFault | undefined => {
    const index = active.findIndex((f) => f.path === undefined || f.path === path);
    if (index < 0) return undefined;
    const fault = active[index]!;
    fault.remaining -= 1;
    if (fault.remaining <= 0) active.splice(index, 1);
    return fault;
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, String(error));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    let body: unknown;
    let badJson = false;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        badJson = true;
      }
    }
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      headers: req.headers,
      body,
      receivedAtMs: performance.now(),
      receivedAtEpochMs: Date.now(),
    };
    requests.push(recorded);

    const fault = takeFault(path);
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      sendError(res, fault.status, fault.message ?? `injected status ${fault.status}`, null, fault.headers);
      return;
    }
    if (fault?.kind === 'delay') {
      const closed = await waitOrClose(res, fault.ms);
      if (closed) {
        recorded.clientClosed = true;
        return;
      }
    }
    if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      sendError(res, 401, 'Incorrect API key provided.', 'invalid_api_key');
      return;
    }
    if (badJson) {
      sendError(res, 400, 'We could not parse the JSON body of your request.');
      return;
    }
    const cutAfter = fault?.kind === 'cut-stream' ? fault.afterChunks : undefined;

    if (req.method === 'GET' && path === '/v1/models') {
      const ids = options.models ?? ['test-model', 'test-embedding'];
      sendJson(res, 200, {
        object: 'list',
        data: ids.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'loopback' })),
      });
      return;
    }
    if (req.method === 'POST' && (path === '/v1/embeddings' || path === '/v1/chat/completions')) {
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        sendError(res, 400, 'Request body must be a JSON object.');
        return;
      }
      const record = body as Record<string, unknown>;
      const rejected = options.quirks?.rejectParams?.find((p) => p in record);
      if (rejected !== undefined) {
        sendError(res, 400, `Unrecognized request argument supplied: ${rejected}`);
        return;
      }
      if (path === '/v1/embeddings') handleEmbeddings(res, record);
      else handleChat(res, record, cutAfter);
      return;
    }
    sendError(res, 404, `Unknown route ${req.method} ${path}`, 'not_found');
  }

  function handleEmbeddings(res: ServerResponse, body: Record<string, unknown>): void {
    const input = typeof body.input === 'string' ? [body.input] : body.input;
    if (!Array.isArray(input) || !input.every((v): v is string => typeof v === 'string')) {
      sendError(res, 400, "'input' must be a string or an array of strings.");
      return;
    }
    const dimensions = typeof body.dimensions === 'number' ? body.dimensions : (options.dimensions ?? 16);
    const base64 = body.encoding_format === 'base64';
    const data = input.map((text, index) => {
      const vector = deterministicEmbedding(text, dimensions);
      return { object: 'embedding', index, embedding: base64 ? toBase64Embedding(vector) : vector };
    });
    const promptTokens = input.reduce((sum, text) => sum + countWords(text), 0);
    sendJson(res, 200, {
      object: 'list',
      data,
      model: typeof body.model === 'string' ? body.model : 'test-embedding',
      ...(options.quirks?.omitUsage ? {} : { usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } }),
    });
  }

  function handleChat(res: ServerResponse, body: Record<string, unknown>, cutAfter: number | undefined): void {
    const messages = Array.isArray(body.messages) ? (body.messages as ChatMessageLike[]) : undefined;
    if (messages === undefined || messages.length === 0) {
      sendError(res, 400, "'messages' must be a non-empty array.");
      return;
    }
    const model = typeof body.model === 'string' ? body.model : 'test-model';
    const maxTokens =
      typeof body.max_completion_tokens === 'number'
        ? body.max_completion_tokens
        : typeof body.max_tokens === 'number'
          ? body.max_tokens
          : undefined;
    const { text, truncated } = truncateToTokens((options.answer ?? defaultAnswer)(messages), maxTokens);
    const finishReason = truncated ? 'length' : 'stop';
    const promptTokens = messages.reduce((sum, m) => sum + countWords(messageText(m.content)), 0);
    const completionTokens = countWords(text);
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    };
    const id = `chatcmpl-${requests.length}`;
    const created = Math.floor(Date.now() / 1000);
    if (body.stream !== true) {
      if (cutAfter !== undefined) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"id":"');
        res.destroy();
        return;
      }
      const n = typeof body.n === 'number' ? body.n : 1;
      sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: Array.from({ length: n }, (_, index) => ({
          index,
          message: { role: 'assistant', content: text },
          finish_reason: finishReason,
          logprobs: null,
        })),
        ...(options.quirks?.omitUsage ? {} : { usage }),
      });
      return;
    }
    const streamOptions = body.stream_options as { include_usage?: unknown } | undefined;
    const includeUsage = streamOptions?.include_usage === true && !options.quirks?.omitUsage;
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices,
      ...extra,
    });
    const events: unknown[] = [
      chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]),
      ...streamDeltas(text).map((content) => chunk([{ index: 0, delta: { content }, finish_reason: null }])),
      chunk([{ index: 0, delta: {}, finish_reason: finishReason }], includeUsage ? { usage: null } : {}),
      ...(includeUsage ? [chunk([], { usage })] : []),
    ];
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    let written = 0;
    for (const event of events) {
      if (cutAfter !== undefined && written >= cutAfter) {
        // Flush what was written, then drop the connection without a terminating chunk.
        res.socket?.destroySoon();
        return;
      }
      res.write(`data: ${JSON.stringify(event)}\n\n`);
      written += 1;
    }
    res.end('data: [DONE]\n\n');
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    faults,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
