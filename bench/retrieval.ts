/**
 * Retrieval quality bench: for every set, builds an index with the library's defaults, asks every
 * question through the retriever in each mode (vector, fts, hybrid = the default) and reports
 * recall@k and MRR@k (k = 1, 3, 5, 10; over distinct documents) next to a plain BM25 over whole
 * documents, with the default's paired difference to that BM25 (95% bootstrap interval, n questions).
 *
 *   npm run bench:retrieval                       # every set present (see bench/README.md)
 *   npm run bench:retrieval -- --sets repo-sample,python-faq [--mode hybrid] [--json]
 *   npm run bench:retrieval -- --corpus corpus.jsonl --questions questions.jsonl
 *
 * Sets: the repo's sample (docs/ + evals/docs-qa.jsonl), ../shared/datasets/anthropic-docs (the
 * development set) when present, and the public sets bench/datasets/convert.ts wrote into
 * <cache>/sets. --corpus is a .jsonl file of {id, title?, text} lines or a folder.
 * Writes bench/results/retrieval.json; `--json` prints that JSON on stdout instead of the tables.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { InvalidInputError, parseInput, RagopsError } from '@ragops/core';
import { pairedBootstrapDiff } from '@ragops/evals';
import { defaultEmbedderConfig, meanRetrievalScores, RETRIEVAL_DEFAULTS, RETRIEVAL_MODES } from '@ragops/rag';
import { z } from 'zod';
import { DEFAULT_CACHE } from './datasets/dataset-files.ts';
import { type RankedScores, runSet } from './lib/retrieval-run.ts';
import { discoverSets, loadSet, type SetLocation } from './lib/retrieval-sets.ts';

const KS = [1, 3, 5, 10];
/** The cells the default is compared with BM25 on (index into KS): recall@5 and MRR@10. */
const COMPARED = { recall: 2, mrr: 3 };

const argsSchema = z.object({
  corpus: z.string().min(1).optional(),
  questions: z.string().min(1).optional(),
  sets: z.string().default('all'),
  cache: z.string().min(1).default(DEFAULT_CACHE),
  mode: z
    .string()
    .default('all')
    .transform((m) => (m === 'all' ? [...RETRIEVAL_MODES] : m.split(',')))
    .pipe(z.array(z.enum(RETRIEVAL_MODES)).min(1)),
  json: z.boolean().default(false),
  out: z.string().default('bench/results/retrieval.json'),
  'chunk-size': z.coerce.number().int().positive().optional(),
  'chunk-overlap': z.coerce.number().int().min(0).optional(),
  'chunk-strategy': z.enum(['recursive', 'markdown', 'token']).optional(),
  dimensions: z.coerce.number().int().min(8).max(65_536).optional(),
});
type Args = z.infer<typeof argsSchema>;

/** Published figures for anthropic-docs at k = 3 (shared/datasets/README.md). */
const PUBLISHED_ANTHROPIC_DOCS_K3 =
  'published at k=3 (recall/MRR): plain BM25 0.650/0.807, basic RAG 0.659/0.737, + summary indexing 0.714/0.773, + LLM re-ranking 0.693/0.865';

const STRING_OPTIONS = [
  'corpus',
  'questions',
  'sets',
  'cache',
  'mode',
  'out',
  'chunk-size',
  'chunk-overlap',
  'chunk-strategy',
  'dimensions',
] as const;

function parseArgsOrThrow(): Args {
  let values: unknown;
  try {
    ({ values } = parseArgs({
      options: {
        ...Object.fromEntries(STRING_OPTIONS.map((o) => [o, { type: 'string' as const }])),
        json: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new InvalidInputError(`bench:retrieval arguments: ${(error as Error).message}`, { cause: error });
  }
  const args = parseInput(argsSchema, values, 'bench:retrieval arguments');
  if ((args.corpus === undefined) !== (args.questions === undefined))
    throw new InvalidInputError('bench:retrieval arguments: give both --corpus and --questions, or neither');
  return args;
}

function chosenSets(args: Args): SetLocation[] {
  if (args.corpus !== undefined && args.questions !== undefined) {
    const corpusPath = resolve(args.corpus);
    return [{ name: basename(dirname(corpusPath)), corpusPath, questionsPath: resolve(args.questions) }];
  }
  const all = discoverSets(resolve(args.cache));
  if (args.sets === 'all') return all;
  const wanted = args.sets.split(',');
  const unknown = wanted.filter((w) => !all.some((s) => s.name === w));
  if (unknown.length > 0)
    throw new InvalidInputError(
      `bench:retrieval --sets: unknown ${unknown.join(', ')}; present: ${all.map((s) => s.name).join(', ')}`,
    );
  return all.filter((s) => wanted.includes(s.name));
}

/** Mean scores at each k, and the p50 query latency. */
function summarize(run: RankedScores) {
  const sorted = [...run.queryMs].sort((a, b) => a - b);
  return {
    atK: KS.map((k, i) => ({ k, ...meanRetrievalScores(run.perK.map((q) => q[i]!)) })),
    queryMsP50: sorted.length ? Math.round(sorted[Math.floor(sorted.length / 2)]! * 10) / 10 : null,
  };
}

/** b − a per question at recall@5 and MRR@10, with its bootstrap interval. */
function pairedDiff(a: RankedScores | undefined, b: RankedScores | undefined) {
  if (!a || !b) return undefined;
  const diff = (metric: 'recall' | 'mrr') => {
    const i = COMPARED[metric];
    return pairedBootstrapDiff(
      a.perK.map((q) => q[i]![metric]),
      b.perK.map((q) => q[i]![metric]),
    );
  };
  return { [`recall@${KS[COMPARED.recall]}`]: diff('recall'), [`mrr@${KS[COMPARED.mrr]}`]: diff('mrr') };
}

async function main(): Promise<void> {
  const args = parseArgsOrThrow();
  const chunker = {
    ...(args['chunk-strategy'] && { strategy: args['chunk-strategy'] }),
    ...(args['chunk-size'] && { size: args['chunk-size'] }),
    ...(args['chunk-overlap'] !== undefined && { overlap: args['chunk-overlap'] }),
  };
  const embedder = args.dimensions ? { ...defaultEmbedderConfig(), dimensions: args.dimensions } : undefined;
  const results = [];
  for (const location of chosenSets(args)) {
    const set = await loadSet(location);
    process.stderr.write(`${set.name}: ${set.docs.length} documents, ${set.questions.length} questions\n`);
    const run = await runSet(set, { modes: args.mode, ks: KS, chunker, ...(embedder && { embedder }) });
    const result = {
      set: set.name,
      corpus: set.corpusPath,
      questions: set.questions.length,
      questionsWithUnknownGoldIds: set.unknownGold,
      build: { documents: run.documents, chunks: run.chunks, durationMs: run.buildMs },
      config: run.config,
      modes: Object.fromEntries(Object.entries(run.modes).map(([m, r]) => [m, summarize(r)])),
      bm25WholeDocuments: summarize(run.bm25),
      defaultMinusBm25: pairedDiff(run.bm25, run.modes.hybrid),
      /** What the reranking stage adds: hybrid minus the same fused lists without it. */
      rerankGain: pairedDiff(run.modes['hybrid, no rerank'], run.modes.hybrid),
    };
    results.push(result);
    if (!args.json) printSet(result);
  }
  const out = {
    ks: KS,
    retrievalDefaults: { fts: RETRIEVAL_DEFAULTS.fts, hybrid: RETRIEVAL_DEFAULTS.hybrid },
    sets: results,
    createdAt: new Date().toISOString(),
  };
  mkdirSync(dirname(resolve(args.out)), { recursive: true });
  writeFileSync(resolve(args.out), `${JSON.stringify(out, null, 2)}\n`);
  if (args.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  else printSummary(results);
}

type SetResult = {
  set: string;
  questions: number;
  build: { documents: number; chunks: number; durationMs: number };
  modes: Record<string, ReturnType<typeof summarize>>;
  bm25WholeDocuments: ReturnType<typeof summarize>;
  defaultMinusBm25: ReturnType<typeof pairedDiff>;
  rerankGain: ReturnType<typeof pairedDiff>;
};

const f = (x: number) => x.toFixed(3);
const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(3)}`;

function printRows(rows: string[][]): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows)
    console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
}

function printSet(r: SetResult): void {
  const { documents, chunks, durationMs } = r.build;
  console.log(
    `\n${r.set}: ${documents} documents, ${chunks} chunks, ${r.questions} questions, built in ${(durationMs / 1000).toFixed(1)} s`,
  );
  const header = ['mode', ...KS.map((k) => `R@${k}`), ...KS.map((k) => `MRR@${k}`), 'p50 ms'];
  const row = (name: string, s: ReturnType<typeof summarize>) => [
    name,
    ...s.atK.map((a) => f(a.recall)),
    ...s.atK.map((a) => f(a.mrr)),
    s.queryMsP50 === null ? '' : String(s.queryMsP50),
  ];
  printRows([
    header,
    ...Object.entries(r.modes).map(([m, s]) => row(m === 'hybrid' ? 'hybrid (default)' : m, s)),
    row('bm25 whole documents', r.bm25WholeDocuments),
  ]);
  if (r.set === 'anthropic-docs') console.log(PUBLISHED_ANTHROPIC_DOCS_K3);
}

function printSummary(results: SetResult[]): void {
  const withDefault = results.filter((r) => r.defaultMinusBm25);
  if (withDefault.length === 0) return;
  const rk = `recall@${KS[COMPARED.recall]}`;
  const mk = `mrr@${KS[COMPARED.mrr]}`;
  console.log(`\ndefault (hybrid) − plain BM25, paired, 95% bootstrap interval:`);
  const cell = (d: { mean: number; low: number; high: number }) =>
    `${signed(d.mean)} [${signed(d.low)}, ${signed(d.high)}]`;
  printRows([
    ['set', 'n', `BM25 ${rk}/${mk}`, `default ${rk}/${mk}`, `Δ ${rk}`, `Δ ${mk}`, `rerank's part of Δ ${rk} / ${mk}`],
    ...withDefault.map((r) => {
      const b = r.bm25WholeDocuments.atK;
      const h = r.modes.hybrid!.atK;
      const d = r.defaultMinusBm25!;
      return [
        r.set,
        String(r.questions),
        `${f(b[COMPARED.recall]!.recall)}/${f(b[COMPARED.mrr]!.mrr)}`,
        `${f(h[COMPARED.recall]!.recall)}/${f(h[COMPARED.mrr]!.mrr)}`,
        cell(d[rk]!),
        cell(d[mk]!),
        r.rerankGain ? `${signed(r.rerankGain[rk]!.mean)} / ${signed(r.rerankGain[mk]!.mean)}` : '',
      ];
    }),
  ]);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:retrieval: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode =
    RagopsError.isInstance(error) && ['invalid_input', 'config_error', 'not_found'].includes(error.code) ? 2 : 1;
});
