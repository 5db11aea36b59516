import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { type MetadataStore, parseInput, RagopsError } from '@ragops/core';
import { createEmbedder, type Embedder, embedMany, getIndexBuild } from '@ragops/rag';
import { corpusSample } from './corpus-sample.ts';
import {
  type DriftComparison,
  type DriftConfig,
  type DriftConfigInput,
  type DriftResult,
  driftConfigSchema,
  type TimeWindow,
} from './drift-config.ts';
import { corpusCentroidOf, type MetricOutcome, queryDriftOutcomes, retrievalDriftOutcomes } from './drift-metrics.ts';
import { type DriftObservation, readDriftWindow, sampleOf } from './drift-sample.ts';
import { upsertDriftResults } from './drift-store.ts';

export type ComputeDriftOptions = {
  store: MetadataStore;
  /** RAGOPS_HOME: the indexes whose embedders re-embed questions and whose documents are the corpus. */
  home: string;
  endpoint: string;
  /** The window under test; the previous window is the one of equal length just before it. */
  current: TimeWindow;
  /** `monitoring.drift` of ragops.yaml. */
  config?: DriftConfigInput;
  env?: Readonly<Record<string, string | undefined>>;
  fetch?: typeof fetch;
  now?: () => Date;
};

/**
 * Drift of one endpoint's current window against the previous window and the configured baseline,
 * per served model version, stored in `monitoring_drift` (replacing an earlier computation of the
 * same window) and returned. Questions are re-embedded with the version's own embedder (from its
 * pinned index's build record), so query tests compare what that version's retriever sees. Query
 * and topic tests use every reference request (questions do not depend on the version); score and
 * relevance tests only the same version's (another version retrieves differently by design).
 * Throws InvalidInputError for a bad config (naming the field), NotFoundError for a missing index.
 */
export async function computeDrift(options: ComputeDriftOptions): Promise<DriftResult[]> {
  const config = parseInput(driftConfigSchema, options.config ?? {}, 'monitoring.drift');
  const windows = comparisonWindows(options.current, config);
  const read = (window: TimeWindow) =>
    readDriftWindow(options.store, {
      endpoint: options.endpoint,
      window,
      maxRows: config.maxRowsPerWindow,
      seed: config.seed,
    });
  const current = await read(options.current);
  const references = await Promise.all(windows.map(async (w) => ({ ...w, rows: await read(w.window) })));
  const computedAt = (options.now?.() ?? new Date()).toISOString();
  const results: DriftResult[] = [];
  for (const group of byVersion(current)) {
    const first = group.rows.find((r) => r.index !== null);
    const embedder = first?.index ? await embedderOf(options, first.index) : undefined;
    const embed = await embedQuestions(embedder);
    const corpus = embedder && first?.index ? await corpusCentroidFor(options, config, first.index, embedder) : null;
    const currentVectors = await embed(group.rows, config);
    for (const ref of references) {
      // The permutation tests are synchronous CPU (~0.8 s at 300 × 300 questions): give the server's
      // requests a turn between comparisons. Each test itself still holds the loop; a worker thread
      // would remove that stall (drift is opt-in per endpoint: monitoring.drift.endpoints).
      await yieldToEventLoop();
      const sameVersion = ref.rows.filter(
        (r) => r.modelName === group.modelName && r.modelVersion === group.modelVersion,
      );
      const outcomes: MetricOutcome[] = [
        ...queryDriftOutcomes({
          current: currentVectors,
          reference: await embed(ref.rows, config),
          corpusCentroid: corpus,
          config,
        }),
        ...retrievalDriftOutcomes({ current: group.rows, reference: sameVersion, config }),
      ];
      for (const o of outcomes) {
        results.push({
          ...o,
          endpoint: options.endpoint,
          modelName: group.modelName,
          modelVersion: group.modelVersion,
          comparison: ref.comparison,
          current: options.current,
          reference: ref.window,
          threshold: o.verdict === 'insufficient' ? null : config.alpha,
          computedAt,
        });
      }
    }
  }
  await options.store.transaction((tx) => upsertDriftResults(tx, results));
  return results;
}

function comparisonWindows(
  current: TimeWindow,
  config: DriftConfig,
): { comparison: DriftComparison; window: TimeWindow }[] {
  const start = Date.parse(current.start);
  const end = Date.parse(current.end);
  if (!(start < end))
    throw new RangeError(`the drift window must have start before end, got ${current.start} … ${current.end}`);
  const previous = { start: new Date(2 * start - end).toISOString(), end: new Date(start).toISOString() };
  const out: { comparison: DriftComparison; window: TimeWindow }[] = [{ comparison: 'previous', window: previous }];
  if (config.baseline) {
    out.unshift({
      comparison: 'baseline',
      window: {
        start: new Date(config.baseline.start).toISOString(),
        end: new Date(config.baseline.end).toISOString(),
      },
    });
  }
  return out;
}

function byVersion(rows: readonly DriftObservation[]) {
  const groups = new Map<string, { modelName: string; modelVersion: number; rows: DriftObservation[] }>();
  for (const r of rows) {
    const key = `${r.modelName}/${r.modelVersion}`;
    const g = groups.get(key) ?? { modelName: r.modelName, modelVersion: r.modelVersion, rows: [] };
    g.rows.push(r);
    groups.set(key, g);
  }
  return [...groups.values()];
}

async function embedderOf(options: ComputeDriftOptions, index: { name: string; version: number }): Promise<Embedder> {
  const build = await getIndexBuild(options.home, index.name, index.version);
  return createEmbedder(build.embedder, {
    ...(options.env && { env: options.env }),
    ...(options.fetch && { fetch: options.fetch }),
  });
}

/** Embeds a seeded sample of logged questions (one embedding per distinct text, cached per version). */
async function embedQuestions(embedder: Embedder | undefined) {
  const cache = new Map<string, number[]>();
  return async (rows: readonly DriftObservation[], config: DriftConfig): Promise<number[][]> => {
    if (!embedder) return [];
    const questions = sampleOf(
      rows.map((r) => r.question).filter((q) => q !== null),
      config.maxPerSide,
      config.seed,
    );
    const missing = [...new Set(questions.filter((q) => !cache.has(q)))];
    if (missing.length > 0) {
      const { embeddings } = await embedMany({ embedder, values: missing });
      for (const [i, q] of missing.entries()) cache.set(q, embeddings[i]!);
    }
    return questions.map((q) => cache.get(q)!);
  };
}

/**
 * The corpus centroid of the version's index, or null when that index version is gone (cleaned up
 * after no model pinned it): topic drift is then `insufficient`, the other metrics still run.
 */
async function corpusCentroidFor(
  options: ComputeDriftOptions,
  config: DriftConfig,
  index: { name: string; version: number },
  embedder: Embedder,
): Promise<readonly number[] | null> {
  try {
    const vectors = await corpusSample({
      home: options.home,
      index,
      embedder,
      documents: config.corpusDocuments,
      seed: config.seed,
      ...(options.env && { env: options.env }),
      ...(options.fetch && { fetch: options.fetch }),
    });
    return corpusCentroidOf(vectors);
  } catch (error) {
    if (RagopsError.isInstance(error) && error.code === 'not_found') return null;
    throw error;
  }
}
