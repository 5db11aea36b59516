import { parseModelUri, parseThreeLevelName } from '@ragops/core';
import { RETRIEVAL_MODES } from '@ragops/rag/search';
import { z } from 'zod';

/** A string check by one of core's parsers, its InvalidInputError message as the zod issue. */
const checkedBy = (parse: (value: string) => unknown) =>
  z
    .string()
    .max(400)
    .superRefine((value, ctx) => {
      try {
        parse(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
      }
    });

/**
 * What a RagopsRetriever reads: a model version's pinned index (its URI, by number or alias, read
 * again on every call so an alias move is followed), or an index by name, at its current version
 * unless `version` (a table version) or `build` (as `ragops index history` numbers it) is given;
 * `k` (default 5) and `mode` (default hybrid) as `ragops index query` takes them.
 */
export const retrieverSourceSchema = z.union([
  z.strictObject({ modelUri: checkedBy(parseModelUri) }),
  z.strictObject({
    index: checkedBy(parseThreeLevelName),
    version: z.number().int().positive().optional(),
    build: z.number().int().positive().optional(),
    k: z.number().int().min(1).max(1000).optional(),
    mode: z.enum(RETRIEVAL_MODES).optional(),
  }),
]);
export type RetrieverSource = z.infer<typeof retrieverSourceSchema>;
