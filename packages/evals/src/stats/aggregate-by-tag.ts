import { type BootstrapOptions, bootstrapMeanInterval, type MeanInterval } from './bootstrap.ts';

/** The mean and interval of one metric over every scored row, and over the rows of each tag. */
export type TaggedAggregate = { all: MeanInterval; byTag: Record<string, MeanInterval> };

/**
 * Aggregates scored rows overall and per tag (a row with several tags counts in each; tags sorted).
 * Rows without a score (the judge did not apply, or erred) are left out by the caller. Undefined
 * when there is no row.
 * @example aggregateByTag([{ score: 1, tags: ['a'] }, { score: 0, tags: [] }]) // { all: { mean: 0.5, … }, byTag: { a: { mean: 1, … } } }
 */
export function aggregateByTag(
  rows: readonly { score: number; tags?: readonly string[] }[],
  options: BootstrapOptions = {},
): TaggedAggregate | undefined {
  if (rows.length === 0) return undefined;
  const byTag = new Map<string, number[]>();
  for (const row of rows) {
    for (const tag of new Set(row.tags ?? [])) {
      const list = byTag.get(tag) ?? [];
      list.push(row.score);
      byTag.set(tag, list);
    }
  }
  return {
    all: bootstrapMeanInterval(
      rows.map((r) => r.score),
      options,
    ),
    byTag: Object.fromEntries(
      [...byTag.keys()].sort().map((tag) => [tag, bootstrapMeanInterval(byTag.get(tag)!, options)]),
    ),
  };
}
