import type { ChainHost, ChunkerConfigInput, EmbedderConfig, LanguageModel } from '@ragops/rag';
import type { ExternalCriteria } from '../gate/external-criteria.ts';
import type { EvalContext } from '../runs/eval-run-service.ts';

/** What `ragops pipeline run` is given: the parsed flags, the spec, and the runtime the app built. */
export type PipelineOptions = EvalContext & {
  /** RAGOPS_HOME: index folders and build records. */
  home: string;
  /** ragops.yaml: the chain, its index, the gates; datasets are `datasetsDir/<name>.jsonl`. */
  specPath: string;
  chain: string;
  /** The chain's index as ragops.yaml defines it (source path resolved; chunker and embedder parsed). */
  index: { source: string; chunker?: ChunkerConfigInput; embedder?: EmbedderConfig };
  /** Default: the index's catalog (rebuild + register); another catalog copies `@champion` of `from`. */
  catalog?: string;
  /** The catalog a copy comes from; default the one before `catalog` in dev → staging → prod. */
  from?: string;
  /** Default: `<catalog>.<index schema>.<chain>`. */
  model?: string;
  /** The alias the run ends on; `champion` goes through `challenger` first (shadow re-index). */
  to: 'challenger' | 'champion';
  /** Re-chunk and re-embed everything (needed when the spec's chunker or embedder changed). */
  full?: boolean;
  datasetsDir: string;
  /** Runs the versions (evaluations): configured by the app from ragops.yaml `providers:` + env. */
  host: ChainHost;
  /** The judge model of LLM judges a gate names, when it names any. */
  judgeModel?: LanguageModel;
  /** Environment values for embedder API keys and LLM provider names (packages never read process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Rows in flight per evaluation (default 4). */
  concurrency?: number;
  /** The gates' split-test criteria (monitoring's splitTestGateEvidence); absent: a split-test gate blocks. */
  externalCriteria?: ExternalCriteria;
  /** One line per step and per evaluation, for stderr. */
  onProgress?: (line: string) => void;
};

/** The catalogs a pipeline walks, in order: a copy into one comes from the one before it. */
export const CATALOG_ORDER = ['dev', 'staging', 'prod'] as const;
