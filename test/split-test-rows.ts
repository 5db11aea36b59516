// Live traffic of an endpoint's arms as the server stores it, with end-user thumbs on each answer:
// what the split test reads when its primary metric is end_user_approval. Rows are written through
// the inference table and the ratings through submitFeedback (the caller rates its own requests).
import { randomUUID } from 'node:crypto';
import { type InferenceRow, insertInferenceRows, type MetadataStore, type Principal } from '@ragops/core';
import { submitFeedback } from '@ragops/evals';

export type Arm = { name: string; model: string; version: number; approved: number; total: number };

/** A complete live inference row of `arm` (answered, 100 ms); `overrides` for errors, times, …. */
export function inferenceRow(
  endpoint: string,
  arm: Omit<Arm, 'approved' | 'total'>,
  caller: string,
  overrides: Partial<InferenceRow> = {},
): InferenceRow {
  return {
    requestId: `st-${randomUUID()}`,
    ts: new Date().toISOString(),
    endpoint,
    source: 'http',
    servedEntity: arm.name,
    trafficArm: 'live',
    assignment: 'random',
    modelUri: `models:/${arm.model}/${arm.version}`,
    modelName: arm.model,
    modelVersion: arm.version,
    indexName: null,
    indexVersion: null,
    promptSha256: 'b'.repeat(64),
    llmProvider: 'extractive',
    llmModel: 'extractive-v1',
    llmFallbackFrom: null,
    status: 'ok',
    httpStatus: 200,
    errorCode: null,
    errorMessage: null,
    latencyTotalMs: 100,
    latencyRetrievalMs: 10,
    latencyGenerationMs: 90,
    ttftMs: null,
    tokensIn: 50,
    tokensOut: 20,
    tokensSource: 'counted',
    costUsd: 0.001,
    finishReason: 'stop',
    stream: false,
    caller,
    stickyKey: null,
    requestMessages: [{ role: 'user', content: 'What is a table version?' }],
    answer: 'Every write creates a new table version [1].',
    retrieved: [],
    ...overrides,
  };
}

/** `total` requests per arm, the first `approved` of them rated thumbs up and the rest thumbs down. */
export async function writeRatedTraffic(
  ctx: { store: MetadataStore; actor: Principal },
  endpoint: string,
  arms: readonly Arm[],
): Promise<void> {
  for (const arm of arms) {
    const rows = Array.from({ length: arm.total }, () => inferenceRow(endpoint, arm, ctx.actor.name));
    await ctx.store.transaction((tx) => insertInferenceRows(tx, rows));
    for (const [i, r] of rows.entries()) {
      await submitFeedback(
        { ...ctx, requestId: `rate-${r.requestId}` },
        {
          source: 'end_user',
          input: {
            target: { kind: 'inference', requestId: r.requestId },
            rating: { scale: 'thumbs', value: i < arm.approved ? 1 : 0 },
          },
        },
      );
    }
  }
}
