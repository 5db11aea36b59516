import { z } from 'zod';

/** One retrieved chunk as logged: which chunk, from which document, with what score. */
export const retrievedChunkLogSchema = z.object({ chunkId: z.string(), documentId: z.string(), score: z.number() });

/**
 * How a request reached the chain host: `http` (the server's serving routes), `in-process` (a
 * library call such as @ragops/langchain's retriever-backed chat model) or `batch` (batch inference).
 */
export const INFERENCE_SOURCES = ['http', 'in-process', 'batch'] as const;
export type InferenceSource = (typeof INFERENCE_SOURCES)[number];

/**
 * One row of the inference table: one served request (or its shadow copy). Typed columns, so
 * monitoring can filter and aggregate in SQL; only messages and retrieved chunks are JSON text.
 */
export const inferenceRowSchema = z.object({
  requestId: z.string(),
  /** ISO-8601 UTC time the request arrived. */
  ts: z.string(),
  /**
   * The serving endpoint's name; in-process rows have no endpoint and use `in-process:<model name>`
   * (e.g. `in-process:dev.qs.docs_qa`), so per-endpoint monitoring keeps them apart from served traffic.
   */
  endpoint: z.string(),
  /** How the request came in (INFERENCE_SOURCES); rows older than the column read `http`. */
  source: z.enum(INFERENCE_SOURCES),
  /** The arm's entity name (e.g. `champion`, `v3`); null when the request failed before assignment. */
  servedEntity: z.string().nullable(),
  /** `live` (answered the caller) or `shadow` (logged only). */
  trafficArm: z.enum(['live', 'shadow']),
  /** How the arm was picked: `sticky` (by key), `random`, or `single` (one arm). */
  assignment: z.enum(['sticky', 'random', 'single']).nullable(),
  /** The URI as configured (may name an alias) … */
  modelUri: z.string().nullable(),
  modelName: z.string().nullable(),
  /** … and the version it resolved to for this request. */
  modelVersion: z.number().int().nullable(),
  indexName: z.string().nullable(),
  indexVersion: z.number().int().nullable(),
  promptSha256: z.string().nullable(),
  llmProvider: z.string().nullable(),
  llmModel: z.string().nullable(),
  /** `provider/model` of the chain's own LLM when a fallback answered instead (null: no fallback). */
  llmFallbackFrom: z.string().nullable(),
  status: z.enum(['ok', 'error']),
  httpStatus: z.number().int(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  latencyTotalMs: z.number(),
  latencyRetrievalMs: z.number().nullable(),
  latencyGenerationMs: z.number().nullable(),
  /** Streaming only. */
  ttftMs: z.number().nullable(),
  tokensIn: z.number().int().nullable(),
  tokensOut: z.number().int().nullable(),
  /** `provider` (reported), `counted` (server-side cl100k_base) or `mixed`. */
  tokensSource: z.string().nullable(),
  costUsd: z.number().nullable(),
  finishReason: z.string().nullable(),
  stream: z.boolean(),
  /** The authenticated principal. */
  caller: z.string().nullable(),
  stickyKey: z.string().nullable(),
  /** Request messages (JSON) — null when not sampled or redacted away. */
  requestMessages: z.array(z.object({ role: z.string(), content: z.string() })).nullable(),
  answer: z.string().nullable(),
  retrieved: z.array(retrievedChunkLogSchema).nullable(),
});
export type InferenceRow = z.infer<typeof inferenceRowSchema>;
/** A stored row: the row plus its insertion sequence number (for tailing). */
export type StoredInferenceRow = InferenceRow & { seq: number };

/** Column order of inserts; matches the serving migration. */
export const INFERENCE_COLUMNS = [
  ['request_id', 'requestId'],
  ['ts', 'ts'],
  ['endpoint', 'endpoint'],
  ['source', 'source'],
  ['served_entity', 'servedEntity'],
  ['traffic_arm', 'trafficArm'],
  ['assignment', 'assignment'],
  ['model_uri', 'modelUri'],
  ['model_name', 'modelName'],
  ['model_version', 'modelVersion'],
  ['index_name', 'indexName'],
  ['index_version', 'indexVersion'],
  ['prompt_sha256', 'promptSha256'],
  ['llm_provider', 'llmProvider'],
  ['llm_model', 'llmModel'],
  ['llm_fallback_from', 'llmFallbackFrom'],
  ['status', 'status'],
  ['http_status', 'httpStatus'],
  ['error_code', 'errorCode'],
  ['error_message', 'errorMessage'],
  ['latency_total_ms', 'latencyTotalMs'],
  ['latency_retrieval_ms', 'latencyRetrievalMs'],
  ['latency_generation_ms', 'latencyGenerationMs'],
  ['ttft_ms', 'ttftMs'],
  ['tokens_in', 'tokensIn'],
  ['tokens_out', 'tokensOut'],
  ['tokens_source', 'tokensSource'],
  ['cost_usd', 'costUsd'],
  ['finish_reason', 'finishReason'],
  ['stream', 'stream'],
  ['caller', 'caller'],
  ['sticky_key', 'stickyKey'],
  ['request_messages', 'requestMessages'],
  ['answer', 'answer'],
  ['retrieved', 'retrieved'],
] as const satisfies readonly (readonly [string, keyof InferenceRow])[];
