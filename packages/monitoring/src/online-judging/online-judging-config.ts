import { endpointNameSchema } from '@ragops/core';
import { judgeModelSchema } from '@ragops/evals';
import { z } from 'zod';

/**
 * `monitoring.onlineJudging` of ragops.yaml: which endpoints' live traffic is judged, by which
 * judges (names or groups as `ragops eval run --judges` takes them; offline heuristics by default,
 * LLM judges need `judgeModel`), and the budget that bounds it.
 */
export const onlineJudgingConfigSchema = z.strictObject({
  endpoints: z
    .record(
      endpointNameSchema,
      z.strictObject({
        /** Share of the endpoint's live, answered requests that are judged (by request id hash). */
        sampleRate: z.number().min(0).max(1),
        judges: z.array(z.string().min(1).max(100)).min(1).max(20).default(['sentence_support', 'citation_validity']),
      }),
    )
    .default({}),
  /** `provider/model` of a configured provider, for LLM judges. */
  judgeModel: judgeModelSchema.optional(),
  budget: z
    .strictObject({
      /** Requests judged per minute at most (across replicas: counted in the store). */
      perMinute: z.number().int().min(1).max(100_000).default(60),
      /** Requests judged per budget window at most. */
      perWindow: z.number().int().min(1).max(10_000_000).default(2_000),
      windowMinutes: z.number().int().min(1).max(10_080).default(60),
      /** Judge spend per budget window at most (LLM judges, priced by providers.prices); 0: no cost cap. */
      maxCostUsdPerWindow: z.number().min(0).max(1_000_000).default(1),
    })
    .default({ perMinute: 60, perWindow: 2_000, windowMinutes: 60, maxCostUsdPerWindow: 1 }),
  /** How often the worker looks for new inference rows. */
  pollSeconds: z.number().int().min(1).max(3_600).default(5),
  /** Inference rows read per pass. */
  batchSize: z.number().int().min(1).max(1_000).default(100),
});
export type OnlineJudgingConfig = z.output<typeof onlineJudgingConfigSchema>;
export type OnlineJudgingConfigInput = z.input<typeof onlineJudgingConfigSchema>;
