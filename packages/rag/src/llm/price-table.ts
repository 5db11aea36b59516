import { z } from 'zod';

/** Dollars per one million tokens, each way. Self-hosted models can be priced (GPU hours / tokens). */
export const tokenPriceSchema = z
  .object({
    inputPerMillionUsd: z.number().nonnegative(),
    outputPerMillionUsd: z.number().nonnegative(),
  })
  .strict();

/**
 * Price table keyed `provider/model`, where model may be `*` for every model of a provider:
 * `{ "openai/gpt-4o-mini": {inputPerMillionUsd: 0.15, outputPerMillionUsd: 0.6}, "vllm/*": {...} }`.
 */
export const priceTableSchema = z.record(
  z.string().regex(/^[^/\s]+\/\S+$/, 'keys are "provider/model" (model may be "*")'),
  tokenPriceSchema,
);
export type TokenPrice = z.infer<typeof tokenPriceSchema>;
export type PriceTable = z.infer<typeof priceTableSchema>;

/** The price for a provider's model: exact key first, then `provider/*`; undefined when unpriced. */
export function findPrice(table: PriceTable | undefined, provider: string, modelId: string): TokenPrice | undefined {
  return table?.[`${provider}/${modelId}`] ?? table?.[`${provider}/*`];
}

/** Cost in USD, or undefined when the model is not in the table (unknown is not free). */
export function costOf(input: {
  prices: PriceTable | undefined;
  provider: string;
  modelId: string;
  inputTokens: number;
  outputTokens: number;
}): number | undefined {
  const price = findPrice(input.prices, input.provider, input.modelId);
  if (price === undefined) return undefined;
  return (input.inputTokens * price.inputPerMillionUsd + input.outputTokens * price.outputPerMillionUsd) / 1_000_000;
}
