import { z } from 'zod';
import { threeLevelNameSchema } from '../names/three-level-name.ts';
import { llmConfigSchema, retrieverConfigSchema } from '../registry/model-version-package.ts';
import { gatesSpecSchema } from './gate-policy.ts';
import { monitoringSpecSchema } from './monitoring-spec.ts';
import { providersSpecSchema } from './provider-settings.ts';

/**
 * An index in ragops.yaml. Chunker and embedder are checked in detail by the index package (their
 * schemas live there) and must match the index's build record when a chain is registered.
 */
export const indexSpecSchema = z.strictObject({
  /** Folder or .jsonl file, relative to the directory holding ragops.yaml. */
  source: z.string().min(1),
  description: z.string().optional(),
  chunker: z.record(z.string(), z.unknown()).optional(),
  embedder: z.record(z.string(), z.unknown()).optional(),
});
export type IndexSpec = z.infer<typeof indexSpecSchema>;

/** A RAG chain in ragops.yaml: what a registered model version packages. */
export const chainSpecSchema = z.strictObject({
  description: z.string().optional(),
  /** An index defined under `indexes:` (catalog.schema.name). */
  index: z.string().min(1),
  retriever: retrieverConfigSchema.default({ k: 5, mode: 'hybrid', filters: {} }),
  /** Prompt template file (front matter + mustache), relative to ragops.yaml. */
  prompt: z.string().min(1),
  llm: llmConfigSchema,
});
export type ChainSpec = z.infer<typeof chainSpecSchema>;

const chainNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, 'chain names are lower-case identifiers: a letter, then a-z, 0-9 or _');

/**
 * `ragops.yaml`: indexes and chains (deploy-code: the spec lives in git). Other top-level sections
 * (`endpoints:`) are left to the modules that own them, which parse them from `document`.
 */
export const ragopsSpecSchema = z.looseObject({
  version: z.literal(1).default(1),
  indexes: z
    .record(z.string(), indexSpecSchema)
    .default({})
    .superRefine((indexes, ctx) => {
      for (const name of Object.keys(indexes)) {
        const parsed = threeLevelNameSchema.safeParse(name);
        if (!parsed.success) {
          ctx.addIssue({ code: 'custom', path: [name], message: parsed.error.issues.map((i) => i.message).join('; ') });
        }
      }
    }),
  chains: z.record(chainNameSchema, chainSpecSchema).default({}),
  /** LLM providers and prices, read by the server and the CLI alike (secrets as `${ENV}` references). */
  providers: providersSpecSchema.optional(),
  /** Promotion gates per model and alias (docs/promotion.md): an alias with a gate moves only through it. */
  gates: gatesSpecSchema.optional(),
  /** Metric-table slices, custom metrics and the refresh schedule (docs/monitoring.md). */
  monitoring: monitoringSpecSchema.optional(),
});
export type RagopsSpec = z.infer<typeof ragopsSpecSchema>;
