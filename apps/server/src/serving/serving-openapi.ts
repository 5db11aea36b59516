import { z } from '@hono/zod-openapi';
import type { RagopsApp } from '../app-context.ts';
import { BEARER, COMMON_ERRORS, jsonBody, jsonResponse, named } from '../routes/route-helpers.ts';
import { invocationRequestSchema } from './serving-request-schemas.ts';

// Serving routes are plain Hono routes (their bodies are parsed by hand, for OpenAI-shaped errors),
// so they are described to the OpenAPI document here, next to where they are mounted.
const loose = (name: string, description: string) => z.looseObject({}).openapi(name, { description });
const nameParam = z.object({ name: z.string().openapi({ description: 'endpoint name', example: 'docs-qa' }) });

const chatRequest = loose('ChatCompletionRequest', 'OpenAI chat completion request; `model` is the endpoint name');
const chatResponse = loose(
  'ChatCompletion',
  'OpenAI chat completion (or, with stream: true, text/event-stream chunks); the `ragops` field carries the served version, citations and contexts',
);
const endpoint = loose(
  'Endpoint',
  'an endpoint: name, config (served entities with traffic %, shadow, timeout, rate limit, stickiness), who/when',
);
const endpointConfig = loose(
  'EndpointConfig',
  'served: [{model, traffic, name?}], shadow?, timeoutMs?, rateLimit?, sticky?, description?',
);

export function describeServingRoutes(app: RagopsApp, apiBase: string): void {
  const r = app.openAPIRegistry;
  r.registerPath({
    method: 'post',
    path: '/v1/chat/completions',
    tags: ['serving'],
    summary: 'OpenAI-compatible chat completions (model = endpoint name), plain or SSE streaming',
    security: BEARER,
    request: { body: jsonBody(chatRequest) },
    responses: { 200: jsonResponse('the answer', chatResponse), ...COMMON_ERRORS },
  });
  r.registerPath({
    method: 'get',
    path: '/v1/models',
    tags: ['serving'],
    summary: 'The endpoints the caller may use (EXECUTE), as OpenAI models',
    security: BEARER,
    responses: { 200: jsonResponse('models', loose('ModelList', 'OpenAI model list')), 401: COMMON_ERRORS[401] },
  });
  r.registerPath({
    method: 'post',
    path: '/serving-endpoints/{name}/invocations',
    tags: ['serving'],
    summary: 'Native invocation: messages or a plain query in; answer, citations, contexts and served version out',
    security: BEARER,
    request: {
      params: nameParam,
      // The route's own schema, so the document, the model signature and the parser agree.
      body: jsonBody(named(invocationRequestSchema, 'InvocationRequest')),
    },
    responses: {
      200: jsonResponse('the answer', loose('InvocationResponse', 'answer + ragops extension fields')),
      ...COMMON_ERRORS,
    },
  });
  r.registerPath({
    method: 'post',
    path: `${apiBase}/endpoints`,
    tags: ['endpoints'],
    summary: 'Create an endpoint (MANAGE on every served model); audited',
    security: BEARER,
    request: { body: jsonBody(z.object({ name: z.string(), config: endpointConfig })) },
    responses: { 201: jsonResponse('created', endpoint), ...COMMON_ERRORS },
  });
  r.registerPath({
    method: 'get',
    path: `${apiBase}/endpoints`,
    tags: ['endpoints'],
    summary: 'Endpoints the caller may see',
    security: BEARER,
    request: { query: z.object({ pageSize: z.string().optional(), pageToken: z.string().optional() }) },
    responses: {
      200: jsonResponse('a page of endpoints', loose('EndpointPage', '{items, nextPageToken?}')),
      ...COMMON_ERRORS,
    },
  });
  for (const method of ['get', 'put', 'delete'] as const) {
    r.registerPath({
      method,
      path: `${apiBase}/endpoints/{name}`,
      tags: ['endpoints'],
      summary: {
        get: 'One endpoint',
        put: "Replace an endpoint's config; audited",
        delete: 'Delete an endpoint; audited',
      }[method],
      security: BEARER,
      request: { params: nameParam, ...(method === 'put' && { body: jsonBody(endpointConfig) }) },
      responses: { 200: jsonResponse('the endpoint', endpoint), ...COMMON_ERRORS },
    });
  }
  r.registerPath({
    method: 'get',
    path: `${apiBase}/inference`,
    tags: ['endpoints'],
    summary:
      'Inference rows by filter (admin): endpoint, afterSeq, since, until, status, trafficArm, modelVersion, requestId, limit, order',
    security: BEARER,
    responses: { 200: jsonResponse('rows', loose('InferenceRows', '{items: inference rows}')), ...COMMON_ERRORS },
  });
}
