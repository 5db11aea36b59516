// Inference rows, feedback and judge scores with hand-computed metrics (test/monitoring-metrics.test.ts).
import { randomUUID } from 'node:crypto';
import { type InferenceRow, insertInferenceRows, type MetadataStore, type SqlExecutor } from '@ragops/core';

const at = (hhmmss: string) => `2026-11-30T${hhmmss}.000Z`;

/** One served request with the fields the fixture varies; everything else is a plain ok request. */
export function inferenceRow(requestId: string, over: Partial<InferenceRow> & { ts: string }): InferenceRow {
  return {
    requestId,
    endpoint: 'qa',
    source: 'http',
    servedEntity: 'champion',
    trafficArm: 'live',
    assignment: 'random',
    modelUri: 'models:/dev.s.qa@champion',
    modelName: 'dev.s.qa',
    modelVersion: 1,
    indexName: 'dev.s.kb',
    indexVersion: 1,
    promptSha256: 'c'.repeat(64),
    llmProvider: 'extractive',
    llmModel: 'x',
    llmFallbackFrom: null,
    status: 'ok',
    httpStatus: 200,
    errorCode: null,
    errorMessage: null,
    latencyTotalMs: 10,
    latencyRetrievalMs: null,
    latencyGenerationMs: null,
    ttftMs: null,
    tokensIn: null,
    tokensOut: null,
    tokensSource: null,
    costUsd: null,
    finishReason: 'stop',
    stream: false,
    caller: 'alice',
    stickyKey: null,
    requestMessages: null,
    answer: null,
    retrieved: null,
    ...over,
  };
}

const chunks = (...scores: number[]) => scores.map((score, i) => ({ chunkId: `c${i}`, documentId: `d${i}`, score }));

/**
 * Window A (10:00–10:05): r1–r5 on version 1 (champion), r6 on version 2 (challenger); window B
 * (10:05–10:10): r7 on version 1. Metrics of A × v1 are computed by hand in the test.
 */
export const FIXTURE_ROWS: InferenceRow[] = [
  inferenceRow('r1', {
    ts: at('10:00:10'),
    latencyTotalMs: 100,
    latencyRetrievalMs: 10,
    latencyGenerationMs: 90,
    tokensIn: 10,
    tokensOut: 20,
    costUsd: 0.001,
    answer: 'abcd',
    retrieved: chunks(0.9, 0.5),
  }),
  inferenceRow('r2', {
    ts: at('10:01:00'),
    latencyTotalMs: 200,
    latencyRetrievalMs: 20,
    latencyGenerationMs: 180,
    ttftMs: 50,
    stream: true,
    tokensIn: 10,
    tokensOut: 30,
    costUsd: 0.002,
    answer: 'abcdefgh',
    retrieved: chunks(0.85),
  }),
  inferenceRow('r3', {
    ts: at('10:02:00'),
    status: 'error',
    httpStatus: 502,
    errorCode: 'provider_error',
    latencyTotalMs: 300,
    latencyRetrievalMs: 30,
    retrieved: [],
  }),
  inferenceRow('r4', {
    ts: at('10:03:00'),
    latencyTotalMs: 400,
    latencyRetrievalMs: 40,
    latencyGenerationMs: 360,
    ttftMs: 70,
    stream: true,
    tokensIn: 20,
    tokensOut: 40,
    costUsd: 0.003,
    answer: 'abcdefghijkl',
    retrieved: chunks(1.2, 0.05),
    llmFallbackFrom: 'openai/gpt-x',
  }),
  inferenceRow('r5', { ts: at('10:04:59'), status: 'error', httpStatus: 429, latencyTotalMs: 500 }),
  inferenceRow('r6', {
    ts: at('10:04:00'),
    servedEntity: 'challenger',
    modelVersion: 2,
    modelUri: 'models:/dev.s.qa/2',
    latencyTotalMs: 50,
  }),
  inferenceRow('r7', { ts: at('10:07:00'), latencyTotalMs: 1000 }),
];

/** The refresh clock of the first refresh: 5m windows before 10:15 are complete, the 1h and 1d ones are not. */
export const FIRST_REFRESH = new Date(at('10:20:00'));

/** Stores one feedback row (the evals module's table, as submitFeedback writes it). */
export async function insertFeedback(
  db: SqlExecutor,
  f: { requestId: string; source: 'end_user' | 'reviewer'; approved: boolean | null; author: string; at: string },
): Promise<void> {
  await db.run(
    `INSERT INTO feedback (id, source, target_kind, target_key, request_id, author, model_name, model_version, endpoint,
       arm, rating_scale, rating_value, approved, labels, comment, revision, created_at, updated_at)
     VALUES (?, ?, 'inference', ?, ?, ?, 'dev.s.qa', 1, 'qa', 'champion', ?, ?, ?, '{}', ?, 1, ?, ?)`,
    [
      `fb_${randomUUID()}`,
      f.source,
      `inference:${f.requestId}`,
      f.requestId,
      f.author,
      f.approved === null ? null : 'thumbs',
      f.approved === null ? null : f.approved ? 1 : 0,
      f.approved === null ? null : f.approved ? 1 : 0,
      f.approved === null ? 'a comment only' : null,
      f.at,
      f.at,
    ],
  );
}

/** Rows, feedback (end users: r1 up, r2 down; reviewers: r1 approved, r4 comment only) and judge scores. */
export async function seedFixture(store: MetadataStore): Promise<void> {
  await store.transaction((tx) => insertInferenceRows(tx, FIXTURE_ROWS));
  const fb = at('10:10:00');
  await insertFeedback(store, { requestId: 'r1', source: 'end_user', approved: true, author: 'u1', at: fb });
  await insertFeedback(store, { requestId: 'r2', source: 'end_user', approved: false, author: 'u2', at: fb });
  await insertFeedback(store, { requestId: 'r1', source: 'reviewer', approved: true, author: 'rev', at: fb });
  await insertFeedback(store, { requestId: 'r4', source: 'reviewer', approved: null, author: 'rev', at: fb });
}

export { at };
