import { z } from 'zod';
import { boundedJsonSchema } from '../json/json-depth.ts';
import { THREE_LEVEL_NAME_PATTERN } from '../names/three-level-name.ts';
import { RAG_CHAIN_INPUTS } from '../serving/invocation-request.ts';
import { tagsSchema } from './registry-schemas.ts';
import { rerankerSchema } from './reranker-spec.ts';

// The open parts of a package (extra chunker/embedder fields, LLM params) are any JSON, bounded in
// depth: a package nested 5,000 deep overflowed the stack in canonicalJson (a 500), now it is a 400.
const openJson = boundedJsonSchema(32);

/**
 * Chunker config as recorded by index builds. Only `strategy` is required here; the index package
 * owns the details, and every field must match the index's build record exactly.
 */
export const chunkerConfigSchema = z.object({ strategy: z.string().min(1) }).catchall(openJson);
export type ChunkerConfig = z.infer<typeof chunkerConfigSchema>;

/** Embedder identity as recorded by index builds (querying with another one is refused). */
export const embedderConfigSchema = z
  .object({
    provider: z.string().min(1),
    model: z.string().min(1),
    dimensions: z.number().int().positive(),
  })
  .catchall(openJson);
export type EmbedderConfig = z.infer<typeof embedderConfigSchema>;

export const retrieverConfigSchema = z
  .strictObject({
    k: z.number().int().min(1).max(100).default(5),
    mode: z.enum(['vector', 'fts', 'hybrid']).default('hybrid'),
    /** Metadata equality filters applied at retrieval. */
    filters: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
    /** `none` | `lexical` | `llm:<provider>/<model>` (registry/reranker-spec.ts). Absent: lexical for hybrid, else none. */
    reranker: rerankerSchema.optional(),
  })
  .superRefine((retriever, ctx) => {
    // The lexical stage re-scores fused hybrid scores; over one list it would only echo that list's BM25.
    if (retriever.reranker === 'lexical' && retriever.mode !== 'hybrid') {
      ctx.addIssue({
        code: 'custom',
        path: ['reranker'],
        message: `lexical reranks hybrid retrieval only (mode is ${retriever.mode}): use none or llm:<provider>/<model>`,
      });
    }
  });
export type RetrieverConfig = z.infer<typeof retrieverConfigSchema>;

export const llmConfigSchema = z.strictObject({
  provider: z.string().min(1),
  model: z.string().min(1),
  params: z.record(z.string(), openJson).default({}),
});
export type LlmConfig = z.infer<typeof llmConfigSchema>;

/** The prompt template, by content: a version keeps working when the file changes later. */
export const packagedPromptSchema = z.strictObject({
  name: z.string(),
  /** Repo-relative source path, for lineage. */
  path: z.string(),
  /** sha256 hex of the file's content. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  template: z.string(),
  variables: z.array(z.string()),
});
export type PackagedPrompt = z.infer<typeof packagedPromptSchema>;

/** The index version a model version retrieves from: the corpus it was evaluated on. */
export const pinnedIndexSchema = z.strictObject({
  /** `catalog.schema.index`: an index is a governed asset of its schema. */
  name: z
    .string()
    .regex(
      THREE_LEVEL_NAME_PATTERN,
      'must be a three-level index name: catalog.schema.index, each a lower-case identifier',
    ),
  version: z.number().int().nonnegative(),
  /** The Lance tag that protects the version from cleanup. */
  tag: z.string().optional(),
  /** sha256 of the build's source manifest (document id → content hash). */
  manifestSha256: z.string().optional(),
  documentCount: z.number().int().nonnegative().optional(),
  gitCommit: z.string().optional(),
});
export type PinnedIndex = z.infer<typeof pinnedIndexSchema>;

/**
 * A model version's immutable package: the chain spec, the pinned index, the signature and run info.
 * Stored content-addressed (sha256 of its canonical JSON).
 */
export const modelVersionPackageSchema = z.strictObject({
  formatVersion: z.literal(1),
  chain: z.strictObject({
    /** The chain's name in ragops.yaml. */
    name: z.string(),
    chunker: chunkerConfigSchema,
    embedder: embedderConfigSchema,
    retriever: retrieverConfigSchema,
    prompt: packagedPromptSchema,
    llm: llmConfigSchema,
  }),
  index: pinnedIndexSchema,
  signature: z.strictObject({
    inputs: z.record(z.string(), z.string()),
    outputs: z.record(z.string(), z.string()),
  }),
  run: z.strictObject({
    gitCommit: z.string().optional(),
    /** Where the spec came from, e.g. `ragops.yaml#chains.docs_qa`. */
    specSource: z.string().optional(),
    params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
    metrics: z.record(z.string(), z.number()).default({}),
    author: z.string(),
    createdAt: z.string(),
  }),
});
export type ModelVersionPackage = z.infer<typeof modelVersionPackageSchema>;
/** A package as callers may write it (defaults not yet applied). */
export type ModelVersionPackageInput = z.input<typeof modelVersionPackageSchema>;

/** The default signature of a RAG chain. */
export const RAG_CHAIN_SIGNATURE = {
  /** Exactly the keys the native invocation route accepts (derived from its schema). */
  inputs: RAG_CHAIN_INPUTS,
  outputs: { answer: 'string', citations: 'array of {id, documentId, score}' },
} as const;

/** Where a version came from when it was copied from another catalog. */
export const versionSourceSchema = z.object({ uri: z.string(), packageSha256: z.string() });

/** One immutable version of a registered model. */
export const modelVersionSchema = z.object({
  /** `catalog.schema.model` */
  fullName: z.string(),
  version: z.number().int().positive(),
  /** `models:/catalog.schema.model/N` */
  uri: z.string(),
  description: z.string(),
  tags: tagsSchema,
  packageSha256: z.string(),
  package: modelVersionPackageSchema,
  /** Set when the version was copied from another model version. */
  source: versionSourceSchema.nullable(),
  aliases: z.array(z.string()),
  createdBy: z.string(),
  createdAt: z.string(),
});
export type ModelVersion = z.infer<typeof modelVersionSchema>;
