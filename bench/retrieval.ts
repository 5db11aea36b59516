/**
 * Retrieval quality bench: builds an index of a corpus in a temp RAGOPS_HOME with the library's
 * defaults (buildIndex), asks every question through the retriever (queryIndex) and scores
 * recall@k, precision@k and MRR@k over the top-k distinct document ids, per mode, next to a plain
 * BM25 over whole documents computed here and the published figures for anthropic-docs.
 *
 *   npm run bench:retrieval -- --corpus ../shared/datasets/anthropic-docs/corpus.jsonl \
 *     --questions ../shared/datasets/anthropic-docs/questions.jsonl --k 3 [--mode hybrid] [--json]
 *
 * Without --corpus and --questions it runs on the sample this repo ships: the docs/ folder and the
 * questions of evals/docs-qa.jsonl (whose reference_doc_ids are file names in docs/). --corpus is a
 * .jsonl file of {id, title?, text} lines or a folder (read by the index's own loader).
 *
 * Writes bench/results/retrieval.json; `--json` prints that JSON on stdout instead of the table.
 * Scores are also given for the even- and odd-numbered halves of the questions, to show whether a
 * change helps both (a cheap guard against tuning to individual questions).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { InvalidInputError, parseInput, RagopsError } from '@ragops/core';
import {
  buildIndex,
  closeIndexReaders,
  loadSource,
  meanRetrievalScores,
  queryIndex,
  RETRIEVAL_DEFAULTS,
  RETRIEVAL_MODES,
  type RetrievalMode,
  type RetrievalScores,
  scoreRetrieval,
  topKDistinct,
} from '@ragops/rag';
import { z } from 'zod';
import { createBm25 } from './lib/bm25.ts';

/** Chunks asked of the retriever per wanted document: chunks of one document count once. */
const CHUNKS_PER_DOCUMENT = 4;
const INDEX_NAME = 'bench.retrieval.corpus';

const ROOT = resolve(import.meta.dirname, '..');
/** The sample a fresh clone has: the docs and the eval questions about them. */
const SAMPLE = { corpus: join(ROOT, 'docs'), questions: join(ROOT, 'evals', 'docs-qa.jsonl') };

const argsSchema = z.object({
  corpus: z.string().min(1).optional(),
  questions: z.string().min(1).optional(),
  k: z.coerce.number().int().min(1).max(100).default(3),
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

const corpusLineSchema = z.object({ id: z.string().min(1), title: z.string().optional(), text: z.string() });
type CorpusDocument = z.infer<typeof corpusLineSchema>;
const questionLineSchema = z.object({
  id: z.string().min(1).optional(),
  question: z.string().min(1),
  reference_doc_ids: z.array(z.string().min(1)).min(1),
});
type Question = z.infer<typeof questionLineSchema>;

/** Published figures for anthropic-docs at k = 3 (shared/datasets/README.md). */
const PUBLISHED_ANTHROPIC_DOCS_K3 = [
  { name: 'published: plain BM25', recall: 0.65, precision: null, mrr: 0.807 },
  { name: 'published: basic RAG (hosted embeddings)', recall: 0.659, precision: 0.428, mrr: 0.737 },
  { name: 'published: + summary indexing', recall: 0.714, precision: 0.453, mrr: 0.773 },
  // biome-ignore lint/suspicious/noApproximativeNumericConstant: a published figure, not ln 2
  { name: 'published: + LLM re-ranking', recall: 0.693, precision: 0.437, mrr: 0.865 },
];

type ModeResult = RetrievalScores & { halves: { even: RetrievalScores; odd: RetrievalScores }; queryMsP50: number };

function readJsonl<S extends z.ZodType>(
  path: string,
  schema: S,
  what: string,
  keep: (value: unknown) => boolean = () => true,
): z.output<S>[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InvalidInputError(`Cannot read ${what} file ${path}: ${(error as Error).message}`, { cause: error });
  }
  const rows: z.output<S>[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new InvalidInputError(`${path}:${i + 1}: not valid JSON (${(error as Error).message})`, { cause: error });
    }
    if (keep(value)) rows.push(parseInput(schema, value, `${path}:${i + 1}`));
  });
  if (rows.length === 0) throw new InvalidInputError(`${what} file ${path} has no rows`);
  return rows;
}

/** A .jsonl corpus, or a folder read by the index's loader (document ids are paths in the folder). */
async function readCorpus(path: string): Promise<CorpusDocument[]> {
  if (existsSync(path) && statSync(path).isDirectory()) {
    const loaded = await loadSource({ path });
    return loaded.documents.map((d) => ({ id: d.id, ...(d.title !== undefined && { title: d.title }), text: d.text }));
  }
  return readJsonl(path, corpusLineSchema, 'corpus');
}

/** node:util parseArgs, with its usage errors (unknown option, missing value) as InvalidInputError. */
function parseArgsOrThrow(config: Parameters<typeof parseArgs>[0]) {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new InvalidInputError(`bench:retrieval arguments: ${(error as Error).message}`, { cause: error });
  }
}

function summarize(perQuestion: RetrievalScores[], latenciesMs: number[]): ModeResult {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return {
    ...meanRetrievalScores(perQuestion),
    halves: {
      even: meanRetrievalScores(perQuestion.filter((_, i) => i % 2 === 0)),
      odd: meanRetrievalScores(perQuestion.filter((_, i) => i % 2 === 1)),
    },
    queryMsP50: Math.round((sorted[Math.floor(sorted.length / 2)] ?? 0) * 10) / 10,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgsOrThrow({
    options: {
      corpus: { type: 'string' },
      questions: { type: 'string' },
      k: { type: 'string' },
      mode: { type: 'string' },
      json: { type: 'boolean' },
      out: { type: 'string' },
      'chunk-size': { type: 'string' },
      'chunk-overlap': { type: 'string' },
      'chunk-strategy': { type: 'string' },
      dimensions: { type: 'string' },
    },
    strict: true,
  });
  const args = parseInput(argsSchema, values, 'bench:retrieval arguments');
  if ((args.corpus === undefined) !== (args.questions === undefined)) {
    throw new InvalidInputError(
      'bench:retrieval arguments: give both --corpus and --questions, or neither to run on the sample in docs/ and evals/docs-qa.jsonl',
    );
  }
  if (args.corpus === undefined) {
    process.stderr.write(`no --corpus/--questions: the repo's sample, ${SAMPLE.corpus} and ${SAMPLE.questions}\n`);
  }
  const corpusPath = resolve(args.corpus ?? SAMPLE.corpus);
  const questionsPath = resolve(args.questions ?? SAMPLE.questions);
  const docs = await readCorpus(corpusPath);
  // The sample also holds unanswerable questions (no reference_doc_ids) for the answer judges: there
  // is nothing to retrieve for them. A file given with --questions must have gold ids on every row.
  const hasGold = (v: unknown) =>
    args.questions !== undefined || (v as { reference_doc_ids?: unknown }).reference_doc_ids !== undefined;
  const questions: Question[] = readJsonl(questionsPath, questionLineSchema, 'questions', hasGold);
  const docIds = new Set(docs.map((d) => d.id));
  const unknownGold = questions.filter((q) => q.reference_doc_ids.some((id) => !docIds.has(id))).length;

  const home = mkdtempSync(join(tmpdir(), 'ragops-bench-retrieval-'));
  try {
    const chunker = {
      ...(args['chunk-strategy'] && { strategy: args['chunk-strategy'] }),
      ...(args['chunk-size'] && { size: args['chunk-size'] }),
      ...(args['chunk-overlap'] !== undefined && { overlap: args['chunk-overlap'] }),
    };
    const embedder = args.dimensions
      ? { provider: 'hash' as const, model: 'hash-v2', dimensions: args.dimensions }
      : undefined;
    process.stderr.write(`building index of ${docs.length} documents in ${home}\n`);
    const build = await buildIndex({
      home,
      name: INDEX_NAME,
      source: corpusPath,
      chunker,
      ...(embedder && { embedder }),
    });

    const modes: Partial<Record<RetrievalMode, ModeResult>> = {};
    for (const mode of args.mode) {
      const scores: RetrievalScores[] = [];
      const latencies: number[] = [];
      for (const q of questions) {
        const t0 = performance.now();
        const { hits } = await queryIndex({
          home,
          name: INDEX_NAME,
          text: q.question,
          k: args.k * CHUNKS_PER_DOCUMENT,
          mode,
        });
        latencies.push(performance.now() - t0);
        const ranked = topKDistinct(
          hits.map((h) => h.documentId),
          args.k,
        );
        scores.push(scoreRetrieval(ranked, q.reference_doc_ids, args.k));
      }
      modes[mode] = summarize(scores, latencies);
    }

    const bm25 = createBm25(docs);
    const bm25Scores = questions.map((q) =>
      scoreRetrieval(bm25.search(q.question, args.k), q.reference_doc_ids, args.k),
    );
    // The published figures are for the original question set at k = 3 only.
    const isAnthropicDocs =
      basename(dirname(corpusPath)) === 'anthropic-docs' &&
      basename(dirname(questionsPath)) === 'anthropic-docs' &&
      args.k === 3;
    const result = {
      corpus: corpusPath,
      questions: questions.length,
      questionsWithUnknownGoldIds: unknownGold,
      k: args.k,
      chunksPerDocumentAsked: CHUNKS_PER_DOCUMENT,
      config: {
        chunker: build.chunker,
        embedder: build.embedder,
        fts: RETRIEVAL_DEFAULTS.fts,
        hybrid: RETRIEVAL_DEFAULTS.hybrid,
      },
      build: { documents: docs.length, chunks: build.counts.chunks.total, durationMs: build.durationMs },
      modes,
      references: [
        { name: 'bm25 whole documents (this bench)', ...summarize(bm25Scores, []) },
        ...(isAnthropicDocs ? PUBLISHED_ANTHROPIC_DOCS_K3 : []),
      ],
      createdAt: new Date().toISOString(),
    };
    mkdirSync(dirname(resolve(args.out)), { recursive: true });
    writeFileSync(resolve(args.out), `${JSON.stringify(result, null, 2)}\n`);
    if (args.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else printTable(result.k, modes, result.references, result.build);
  } finally {
    await closeIndexReaders();
    rmSync(home, { recursive: true, force: true });
  }
}

function printTable(
  k: number,
  modes: Partial<Record<RetrievalMode, ModeResult>>,
  references: (
    | { name: string; recall: number; precision: number | null; mrr: number }
    | ({ name: string } & ModeResult)
  )[],
  build: { documents: number; chunks: number; durationMs: number },
): void {
  const f = (x: number | null) => (x === null ? '  -  ' : x.toFixed(3));
  const rows: string[][] = [
    [`mode`, `recall@${k}`, `precision@${k}`, `MRR@${k}`, 'even half R/MRR', 'odd half R/MRR', 'p50 ms'],
  ];
  for (const [mode, r] of Object.entries(modes)) {
    const { even, odd } = r.halves;
    rows.push([
      mode,
      f(r.recall),
      f(r.precision),
      f(r.mrr),
      `${f(even.recall)}/${f(even.mrr)}`,
      `${f(odd.recall)}/${f(odd.mrr)}`,
      String(r.queryMsP50),
    ]);
  }
  for (const ref of references) {
    const h = 'halves' in ref ? ref.halves : undefined;
    const half = (x: RetrievalScores | undefined) => (x ? `${f(x.recall)}/${f(x.mrr)}` : '');
    rows.push([ref.name, f(ref.recall), f(ref.precision), f(ref.mrr), half(h?.even), half(h?.odd), '']);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) =>
    r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  console.log(
    `${build.documents} documents, ${build.chunks} chunks, built in ${(build.durationMs / 1000).toFixed(1)} s`,
  );
  console.log(line(rows[0]!));
  for (const r of rows.slice(1)) console.log(line(r));
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:retrieval: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode =
    RagopsError.isInstance(error) && ['invalid_input', 'config_error', 'not_found'].includes(error.code) ? 2 : 1;
});
