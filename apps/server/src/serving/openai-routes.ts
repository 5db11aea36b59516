import { assertJsonDepth, InvalidInputError, UnauthenticatedError } from '@ragops/core';
import { Hono, type MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import type { AppContext } from '../app-context.ts';
import type { AppEnv } from '../app-env.ts';
import { bearerToken } from '../middleware/bearer-auth.ts';
import { ownCompletionId } from './completion-id.ts';
import { CLIENT_CLOSED_STATUS, openAIErrorBody, openAIErrorResponse, toOpenAIError } from './openai-error.ts';
import {
  chatChunk,
  chatCompletion,
  chatRequestWarnings,
  openAIFinishReason,
  ragopsExtension,
  usageBlock,
} from './openai-format.ts';
import {
  type ChatCompletionRequest,
  chatCompletionRequestSchema,
  invocationRequestSchema,
  toChainMessages,
} from './serving-request-schemas.ts';
import type { ServeRequest, ServingRuntime } from './serving-runtime.ts';

/** Parses a JSON body with a schema; malformed JSON or a schema miss → InvalidInputError naming the field. */
async function parseBody<S extends z.ZodType>(req: Request, schema: S): Promise<z.output<S>> {
  const text = await req.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError('We could not parse the JSON body of your request: send valid JSON.', { cause: error });
  }
  assertJsonDepth(json, { where: 'body' });
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const param = issue.path.join('.');
    throw new InvalidInputError(`${param ? `${param}: ` : ''}${issue.message}`, {
      details: { param: param || null, issues: result.error.issues.length },
    });
  }
  return result.data;
}

/**
 * The OpenAI-compatible and native serving routes, in a sub-app whose errors take OpenAI's shape.
 * Every request writes one inference row (the runtime records served ones; rejected ones here).
 */
export function createOpenAIRoutes(ctx: AppContext, runtime: ServingRuntime): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // Requests the runtime already logged, so the error handler does not log them twice.
  const recorded = new WeakSet<Request>();
  const endpointOf = new WeakMap<Request, string>();

  app.onError((err, c) => {
    const info = toOpenAIError(err);
    if (!recorded.has(c.req.raw)) {
      runtime.recordRejected({
        requestId: c.get('requestId'),
        endpoint: endpointOf.get(c.req.raw) ?? c.req.param('name') ?? '(unknown)',
        caller: c.get('principal')?.name,
        error: err,
        stream: false,
      });
    }
    const log = c.get('logger');
    // A disconnect is the client's doing, not a failure of ours: info, 499 (as nginx logs it), no body read.
    if (info.status === CLIENT_CLOSED_STATUS) {
      log?.info({ status: info.status, code: info.code }, 'client closed request');
      return c.body(null, CLIENT_CLOSED_STATUS);
    }
    if (info.status >= 500) log?.error({ err, status: info.status, code: info.code }, 'serving request failed');
    else log?.warn({ status: info.status, code: info.code, message: info.message }, 'serving request rejected');
    return openAIErrorResponse(c, info);
  });

  // Scoped paths, not '*': mounted at '/', a '*' middleware would guard every route of the app.
  const auth: MiddlewareHandler<AppEnv> = async (c, next) => {
    const token = bearerToken(c.req.header('authorization'));
    if (!token) {
      throw new UnauthenticatedError(
        'You did not provide an API key: send "Authorization: Bearer <token>" (a ragops token).',
      );
    }
    c.set('principal', await ctx.tokens.authenticate(token));
    await next();
  };
  // Before auth, so that rejected requests' rows carry our id too.
  app.use('/v1/*', ownCompletionId(ctx.logger));
  app.use('/serving-endpoints/*', ownCompletionId(ctx.logger));
  app.use('/v1/*', auth);
  app.use('/serving-endpoints/*', auth);

  const serveRequest = (
    c: { req: { raw: Request; header(name: string): string | undefined } },
    input: {
      endpoint: string;
      principal: ServeRequest['principal'];
      requestId: string;
      messages: ServeRequest['messages'];
      user?: string | null;
      temperature?: number | null;
      maxOutputTokens?: number | null;
    },
  ): ServeRequest => {
    recorded.add(c.req.raw);
    return {
      requestId: input.requestId,
      endpointName: input.endpoint,
      principal: input.principal,
      messages: input.messages,
      header: (name) => c.req.header(name),
      ...(input.user != null && { user: input.user }),
      ...(input.temperature != null && { temperature: input.temperature }),
      ...(input.maxOutputTokens != null && { maxOutputTokens: input.maxOutputTokens }),
      clientSignal: c.req.raw.signal,
    };
  };

  app.post('/v1/chat/completions', async (c) => {
    const requestId = c.get('requestId');
    const body: ChatCompletionRequest = await parseBody(c.req.raw, chatCompletionRequestSchema);
    endpointOf.set(c.req.raw, body.model);
    const req = serveRequest(c, {
      endpoint: body.model,
      principal: c.get('principal'),
      requestId,
      messages: toChainMessages(body.messages),
      user: body.user,
      temperature: body.temperature,
      maxOutputTokens: body.max_completion_tokens ?? body.max_tokens,
    });
    if (!body.stream) {
      const served = await runtime.invoke(req);
      return c.json(chatCompletion(requestId, served, served.answer, chatRequestWarnings(body)));
    }
    const served = await runtime.stream(req);
    const includeUsage = body.stream_options?.include_usage === true;
    const created = Math.floor(Date.now() / 1000);
    const encoder = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        const send = (payload: unknown) => {
          try {
            controller.enqueue(encoder.encode(`data: ${JSON.stringify(payload)}\n\n`));
          } catch {
            // The client is gone; the runtime sees the abort and logs the row.
          }
        };
        const chunk = (choices: unknown[], extra?: Record<string, unknown>) =>
          chatChunk(requestId, served.endpoint, created, choices, extra);
        send(chunk([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]));
        try {
          for await (const event of served.events) {
            if (event.type === 'text-delta') {
              send(chunk([{ index: 0, delta: { content: event.delta }, logprobs: null, finish_reason: null }]));
            } else if (event.type === 'finish') {
              const a = event.answer;
              const finish = openAIFinishReason(a.finishReason.unified);
              send(
                chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: finish }], {
                  ragops: ragopsExtension(requestId, served, a, chatRequestWarnings(body)),
                  ...(includeUsage ? { usage: null } : {}),
                }),
              );
              if (includeUsage) send(chunk([], { usage: usageBlock(a) }));
            }
          }
          controller.enqueue(encoder.encode('data: [DONE]\n\n'));
        } catch (err) {
          // Headers are sent: the error travels in-band, as OpenAI does; the SDK raises it.
          send(openAIErrorBody(toOpenAIError(err), requestId));
        }
        try {
          controller.close();
        } catch {
          // already cancelled by the client
        }
      },
    });
    // No `connection` header: Node keeps the socket alive unless the client sent `Connection: close`
    // (then it closes after [DONE]); setting keep-alive here overrode the client's close.
    return c.body(stream, 200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  });

  app.get('/v1/models', async (c) => {
    const endpoints = await runtime.usableEndpoints(c.get('principal'));
    return c.json({
      object: 'list',
      data: endpoints.map((e) => ({
        id: e.name,
        object: 'model',
        created: Math.floor(Date.parse(e.createdAt) / 1000),
        owned_by: e.createdBy,
      })),
    });
  });

  app.post('/serving-endpoints/:name/invocations', async (c) => {
    const requestId = c.get('requestId');
    const name = c.req.param('name');
    endpointOf.set(c.req.raw, name);
    const body = await parseBody(c.req.raw, invocationRequestSchema);
    const messages = body.messages
      ? toChainMessages(body.messages)
      : [{ role: 'user' as const, content: body.question! }];
    const served = await runtime.invoke(
      serveRequest(c, {
        endpoint: name,
        principal: c.get('principal'),
        requestId,
        messages,
        user: body.user,
        temperature: body.temperature,
        maxOutputTokens: body.max_tokens,
      }),
    );
    const a = served.answer;
    return c.json({
      answer: a.answer,
      finish_reason: openAIFinishReason(a.finishReason.unified),
      usage: usageBlock(a),
      ...ragopsExtension(requestId, served, a),
    });
  });

  return app;
}
