import { isAbsolute, resolve } from 'node:path';
import type { FeatureExtractionPipeline } from '@huggingface/transformers';
import { ConfigError, ProviderCallError } from '@ragops/core';
import type { CallOptions, Embedder, EmbedResult } from '../embedder.ts';
import { modelFolderHash, type TransformersDtype } from './model-folder-hash.ts';

export type TransformersEmbedderOptions = {
  /** Name recorded in the index (e.g. `all-MiniLM-L6-v2`); with `sha256` it is the embedder's identity. */
  model: string;
  /** The local model folder (config.json, tokenizer.json, tokenizer_config.json, onnx/model*.onnx). */
  path: string;
  dimensions: number;
  /** Which ONNX variant to load. Default fp32. */
  dtype?: TransformersDtype;
  /** The folder's modelFolderHash as an index recorded it: a folder that hashes otherwise is refused. */
  sha256?: string;
  /** Texts per ONNX run. Default 32: a padded batch costs batch × longest text × hidden size floats. */
  maxBatchSize?: number;
};

/**
 * A sentence-embedding model run in-process by @huggingface/transformers on onnxruntime-node, from a
 * local folder only (remote loading is switched off: nothing is ever downloaded). Texts are
 * tokenized with the folder's tokenizer (truncated at its model_max_length), run as a padded batch,
 * mean-pooled over the attention mask and L2-normalised, as sentence-transformers does for
 * all-MiniLM-L6-v2 and bge-small. The library (~40 ms and 300 modules to import) and the model load
 * on the first call, so creating one costs nothing on the CLI's or the server's start.
 */
export class TransformersEmbedder implements Embedder {
  readonly specificationVersion = 'v1' as const;
  readonly provider = 'transformers';
  readonly modelId: string;
  readonly dimensions: number;
  readonly maxBatchSize: number;
  readonly #options: TransformersEmbedderOptions;
  #pipeline: Promise<FeatureExtractionPipeline> | undefined;

  constructor(options: TransformersEmbedderOptions) {
    this.#options = { ...options, path: isAbsolute(options.path) ? options.path : resolve(options.path) };
    this.modelId = transformersModelId(options.model, options.sha256);
    this.dimensions = options.dimensions;
    this.maxBatchSize = options.maxBatchSize ?? 32;
  }

  async doEmbed(request: CallOptions & { values: readonly string[] }): Promise<EmbedResult> {
    request.abortSignal?.throwIfAborted();
    if (request.values.length === 0) return { embeddings: [], warnings: [] };
    const extract = await this.#load();
    request.abortSignal?.throwIfAborted();
    let output: Awaited<ReturnType<FeatureExtractionPipeline>>;
    try {
      output = await extract([...request.values], { pooling: 'mean', normalize: true });
    } catch (error) {
      throw new ProviderCallError({
        provider: this.provider,
        message: `ONNX run failed: ${(error as Error).message}`,
        // A failed run of a local model fails the same way again.
        isRetryable: false,
        cause: error,
      });
    }
    const [rows, width] = output.dims as [number, number];
    if (width !== this.dimensions) {
      throw new ConfigError(
        `The transformers model ${this.#options.path} emits ${width}-dimensional vectors, not ${this.dimensions}: set dimensions: ${width}.`,
      );
    }
    const data = output.data as Float32Array;
    const embeddings: number[][] = [];
    for (let r = 0; r < rows; r++) embeddings.push(Array.from(data.subarray(r * width, (r + 1) * width)));
    return { embeddings, warnings: [] };
  }

  #load(): Promise<FeatureExtractionPipeline> {
    this.#pipeline ??= this.#open();
    this.#pipeline.catch(() => {
      this.#pipeline = undefined; // a fixed folder loads on the next call
    });
    return this.#pipeline;
  }

  async #open(): Promise<FeatureExtractionPipeline> {
    const { path, sha256 } = this.#options;
    const dtype = this.#options.dtype ?? 'fp32';
    const actual = await modelFolderHash(path, dtype);
    if (sha256 !== undefined && actual !== sha256) {
      throw new ConfigError(
        `The transformers model folder ${path} changed since the index was embedded with it (sha256 ${sha256.slice(0, 16)}… recorded, ${actual.slice(0, 16)}… now): restore the folder, or rebuild the index with --full.`,
      );
    }
    return sharedPipeline(path, dtype, actual);
  }
}

// One loaded pipeline per model folder content and process, shared by every embedder over it: a
// query path that builds an embedder per call (queryIndex without one, the CLI) would otherwise
// load the model per query (all-MiniLM-L6-v2: ~0.5 s and 90 MB each time).
const pipelines = new Map<string, Promise<FeatureExtractionPipeline>>();
const MAX_PIPELINES = 4;

function sharedPipeline(path: string, dtype: TransformersDtype, sha256: string): Promise<FeatureExtractionPipeline> {
  const key = `${path}\0${dtype}\0${sha256}`;
  let loaded = pipelines.get(key);
  if (!loaded) {
    loaded = openPipeline(path, dtype);
    loaded.catch(() => pipelines.delete(key));
    pipelines.set(key, loaded);
    if (pipelines.size > MAX_PIPELINES) pipelines.delete(pipelines.keys().next().value!);
  }
  return loaded;
}

async function openPipeline(path: string, dtype: TransformersDtype): Promise<FeatureExtractionPipeline> {
  const { env, pipeline } = await import('@huggingface/transformers');
  // Local files only. An absolute path is no hub model id, so the library reads it as a folder
  // as it is (a relative one like `models/x` would resolve against env.localModelPath instead).
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  try {
    return await pipeline('feature-extraction', path, { local_files_only: true, dtype });
  } catch (error) {
    throw new ConfigError(`The transformers model in ${path} failed to load: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** The embedder's modelId: the model name, plus the first 16 hex digits of its folder hash when known. */
export function transformersModelId(model: string, sha256: string | undefined): string {
  return sha256 === undefined ? model : `${model}@${sha256.slice(0, 16)}`;
}
