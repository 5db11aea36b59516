import { basename, join } from 'node:path';
import {
  ConfigError,
  contentHash,
  createModelVersion,
  ensureSchema,
  getChainSpec,
  loadPromptTemplate,
  loadRagopsSpec,
  type ModelVersion,
  type ModelVersionPackage,
  NotFoundError,
  parseThreeLevelName,
  RAG_CHAIN_SIGNATURE,
  type ServiceContext,
  type Tags,
} from '@ragops/core';
import { findIndexHead, getIndexBuild, type IndexBuild } from '../build/build-record.ts';
import { pinIndexVersion } from '../build/compact-index.ts';
import { codeGitCommit } from '../build/git-commit.ts';
import { chunkerConfigSchema, resolveChunkerConfig } from '../chunk/chunk.ts';
import { defaultEmbedderConfig, type EmbedderConfig, embedderConfigSchema } from '../embed/create-embedder.ts';
import {
  assertLlmProvidersConfigured,
  assertRerankerProviderConfigured,
  configuredLlmProviderNames,
} from '../llm/llm-provider-check.ts';

/** The Lance tag that keeps an index version from cleanup while registered versions pin it. */
export function registryPinTag(indexVersion: number): string {
  return `registry-v${indexVersion}`;
}

export type RegisterChainOptions = ServiceContext & {
  /** RAGOPS_HOME: where the index and its build records live. */
  home: string;
  /** Path of ragops.yaml. */
  specPath: string;
  /** The chain's name under `chains:`. */
  chain: string;
  /** `catalog.schema.model` to register as. */
  model: string;
  /** Pin this index version instead of the current one. */
  indexVersion?: number;
  description?: string;
  tags?: Tags;
  /** Create the model's schema when it does not exist (needs MANAGE on the catalog). */
  createSchemaIfMissing?: boolean;
  /**
   * The registering process's environment (the CLI passes process.env): with ragops.yaml's
   * `providers:`, it says which LLM providers the chain may name (see configuredLlmProviderNames).
   */
  env?: Readonly<Record<string, string | undefined>>;
};

/** A chain packaged for registration: the package, and the pin its index version needs before the version exists. */
export type PackagedChain = {
  package: ModelVersionPackage;
  indexName: string;
  /** The chain's description in the spec: the default version description. */
  description: string | undefined;
  pin: () => Promise<void>;
};

/**
 * Packages a chain from ragops.yaml without registering it: validates the spec and the prompt file,
 * checks chunker and embedder match the index build, resolves the index to its current version (or
 * `indexVersion`) and refuses LLM providers the configuration does not name. The pipeline compares
 * the package with registered versions before registering (one registration per content).
 */
export async function packageChain(
  options: Omit<RegisterChainOptions, 'model' | 'description' | 'tags' | 'createSchemaIfMissing'>,
): Promise<PackagedChain> {
  const loaded = await loadRagopsSpec(options.specPath);
  const { chain, index, indexName } = getChainSpec(loaded, options.chain);
  // A provider the server would not know fails on the first request: refuse it here instead. The
  // server resolves providers from the same ragops.yaml and the same variables.
  const known = configuredLlmProviderNames({ spec: loaded.spec.providers, env: options.env ?? {} });
  assertLlmProvidersConfigured({
    llm: chain.llm,
    known,
    where: loaded.locations.where(['chains', options.chain, 'llm']),
  });
  assertRerankerProviderConfigured({
    reranker: chain.retriever.reranker,
    known,
    where: loaded.locations.where(['chains', options.chain, 'retriever', 'reranker']),
  });
  const at = ['indexes', indexName];
  const chunker = resolveChunkerConfig(
    loaded.locations.parse(chunkerConfigSchema, index.chunker ?? {}, [...at, 'chunker']),
  );
  const embedder = index.embedder
    ? loaded.locations.parse(embedderConfigSchema, index.embedder, [...at, 'embedder'])
    : defaultEmbedderConfig();
  // Paths in the package are relative to ragops.yaml (the repo root), so they mean the same on every machine.
  const prompt = await loadPromptTemplate(join(loaded.dir, chain.prompt), chain.prompt);

  const build = await resolveBuild(options.home, indexName, options.indexVersion);
  assertBuildMatches({ chainName: options.chain, build, chunker, embedder });

  const tag = registryPinTag(build.version);
  const gitCommit = (await codeGitCommit()) ?? undefined;
  const pkg: ModelVersionPackage = {
    formatVersion: 1,
    chain: {
      name: options.chain,
      chunker: build.chunker,
      embedder: identity(build.embedder),
      retriever: chain.retriever,
      prompt: {
        name: prompt.name,
        path: prompt.path,
        sha256: prompt.sha256,
        template: prompt.template,
        variables: prompt.variables,
      },
      llm: chain.llm,
    },
    index: {
      name: build.index,
      version: build.version,
      tag,
      manifestSha256: contentHash(build.manifest),
      documentCount: Object.keys(build.manifest).length,
      ...(build.gitCommit ? { gitCommit: build.gitCommit } : {}),
    },
    signature: { inputs: { ...RAG_CHAIN_SIGNATURE.inputs }, outputs: { ...RAG_CHAIN_SIGNATURE.outputs } },
    run: {
      ...(gitCommit ? { gitCommit } : {}),
      specSource: `${basename(loaded.path)}#chains.${options.chain}`,
      params: {
        k: chain.retriever.k,
        mode: chain.retriever.mode,
        llmProvider: chain.llm.provider,
        llmModel: chain.llm.model,
      },
      metrics: {},
      author: options.actor.name,
      createdAt: new Date().toISOString(),
    },
  };
  return {
    package: pkg,
    indexName,
    description: chain.description,
    pin: () => pinIndexVersion(options.home, indexName, build.version, tag),
  };
}

/**
 * Registers a chain from ragops.yaml as the next version of a model (packaged by `packageChain`),
 * pinning its index version with a Lance tag before registering, so cleanup never races the
 * registration.
 * @example await registerChain({ store, actor, requestId, home: '.ragops', specPath: 'ragops.yaml', chain: 'docs_qa', model: 'dev.quickstart.docs_qa' })
 */
export async function registerChain(options: RegisterChainOptions): Promise<ModelVersion> {
  const packaged = await packageChain(options);
  return registerPackagedChain({ ...options, packaged });
}

/** Creates the version of a packaged chain (the schema first when asked), pinning its index version. */
export async function registerPackagedChain(
  options: ServiceContext & {
    model: string;
    packaged: PackagedChain;
    description?: string;
    tags?: Tags;
    createSchemaIfMissing?: boolean;
    /** At most one version of the model per key (createModelVersion): a second is a ConflictError. */
    contentKey?: string;
  },
): Promise<ModelVersion> {
  const target = parseThreeLevelName(options.model);
  if (options.createSchemaIfMissing) await ensureSchema({ ...options, catalog: target.catalog, schema: target.schema });
  return createModelVersion({
    ...options,
    name: options.model,
    package: options.packaged.package,
    description: options.description ?? options.packaged.description,
    tags: options.tags,
    // Pinned before the version exists, so a compaction never races the registration.
    prepare: options.packaged.pin,
    ...(options.contentKey !== undefined && { contentKey: options.contentKey }),
  });
}

async function resolveBuild(home: string, indexName: string, version: number | undefined): Promise<IndexBuild> {
  if (version !== undefined) return getIndexBuild(home, indexName, version);
  const head = await findIndexHead(home, indexName);
  if (!head)
    throw new NotFoundError(
      `index ${indexName} has no build in ${home}: run \`ragops index build ${indexName}\` first`,
    );
  return getIndexBuild(home, indexName, head.buildVersion);
}

function identity(e: EmbedderConfig): {
  provider: string;
  model: string;
  dimensions: number;
  baseURL?: string;
  sha256?: string;
} {
  return {
    provider: e.provider,
    model: e.model,
    dimensions: e.dimensions,
    ...(e.baseURL ? { baseURL: e.baseURL } : {}),
    // A local model's folder hash, recorded by the build (the spec names only the folder).
    ...(e.sha256 ? { sha256: e.sha256 } : {}),
  };
}

/** ConfigError listing every difference between the spec's chunker/embedder and the build's. */
export function assertBuildMatches(input: {
  chainName: string;
  build: IndexBuild;
  chunker: { strategy: string; size: number; overlap: number };
  embedder: EmbedderConfig;
}): void {
  const { build } = input;
  const diffs: string[] = [];
  for (const key of ['strategy', 'size', 'overlap'] as const) {
    if (build.chunker[key] !== input.chunker[key])
      diffs.push(`chunker.${key}: spec ${input.chunker[key]}, build ${build.chunker[key]}`);
  }
  const spec = identity(input.embedder);
  const built = identity(build.embedder);
  for (const key of ['provider', 'model', 'dimensions', 'baseURL'] as const) {
    if (spec[key] !== built[key])
      diffs.push(`embedder.${key}: spec ${spec[key] ?? '(none)'}, build ${built[key] ?? '(none)'}`);
  }
  if (diffs.length) {
    throw new ConfigError(
      `chain ${input.chainName}: index ${build.index} version ${build.version} was built differently from ragops.yaml (${diffs.join('; ')}). Rebuild the index or fix the spec.`,
      { details: { differences: diffs } },
    );
  }
}
