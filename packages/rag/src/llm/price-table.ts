import type { PriceTable, TokenPrice } from '@ragops/core';

// The price table's schema lives in core (ragops.yaml `providers.prices`, RAGOPS_LLM_PRICES).
export { type PriceTable, priceTableSchema, type TokenPrice, tokenPriceSchema } from '@ragops/core';

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
