/**
 * Retrieval hot-path micro-bench: builds the corpus once in a temp home (hash embedder, defaults),
 * then runs every question through `queryIndex` serially per mode and reports latency p50/p99 and
 * process CPU ms per query (user + system, all threads: LanceDB's native pool included), with the
 * load average next to the numbers since the machine is shared.
 *
 *   npm run bench:query -- [--corpus ../shared/datasets/anthropic-docs/corpus.jsonl]
 *     [--questions …/questions.jsonl] [--rounds 5] [--k 5] [--out bench/results/query-path.json]
 *
 * Writes bench/results/query-path.json (or --out).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  buildIndex,
  closeIndexReaders,
  lexicalRerank,
  queryIndex,
  RETRIEVAL_DEFAULTS,
  RETRIEVAL_MODES,
} from '@ragops/rag';

const { values: args } = parseArgs({
  options: {
    corpus: { type: 'string', default: '../shared/datasets/anthropic-docs/corpus.jsonl' },
    questions: { type: 'string', default: '../shared/datasets/anthropic-docs/questions.jsonl' },
    rounds: { type: 'string', default: '5' },
    k: { type: 'string', default: '5' },
    out: { type: 'string', default: 'bench/results/query-path.json' },
  },
});
const root = resolve(import.meta.dirname, '..');
const rounds = Number(args.rounds);
const k = Number(args.k);
const questions = readFileSync(resolve(root, args.questions), 'utf8')
  .trim()
  .split('\n')
  .map((line) => (JSON.parse(line) as { question: string }).question);

const home = mkdtempSync(join(tmpdir(), 'ragops-bench-query-'));
const name = 'dev.bench.kb';
const started = performance.now();
const build = await buildIndex({ home, name, source: resolve(root, args.corpus) });
console.error(
  `setup: ${build.counts.chunks.total} chunks indexed in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

type Row = {
  mode: string;
  queries: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  cpuMsPerQuery: number;
  load1: number;
};
const rows: Row[] = [];
try {
  // `hybrid-no-rerank` is hybrid without its lexical reranking stage; `lexical-rerank` is that stage
  // alone over the same fused lists (its cost without the searches' noise on a shared machine).
  const rerank = RETRIEVAL_DEFAULTS.rerank;
  const fusedOf = new Map<string, { item: { text: string }; score: number; ranks: Record<string, number> }[]>();
  for (const q of questions) {
    const { hits } = await queryIndex({ home, name, text: q, k: Math.max(k, rerank.depth), rerank: 'none' });
    fusedOf.set(
      q,
      hits.map((h) => ({ item: h, score: h.score, ranks: {} })),
    );
  }
  const runs: { label: string; query: (text: string) => unknown }[] = [
    ...RETRIEVAL_MODES.map((mode) => ({
      label: mode,
      query: (text: string) => queryIndex({ home, name, text, k, mode }),
    })),
    {
      label: 'hybrid-no-rerank',
      query: (text: string) => queryIndex({ home, name, text, k, mode: 'hybrid', rerank: 'none' }),
    },
    {
      label: 'lexical-rerank',
      query: (text: string) => lexicalRerank(text, fusedOf.get(text)!, (h) => h.text, rerank),
    },
  ];
  for (const { label, query } of runs) {
    for (const q of questions) await query(q); // warm-up: JIT, reader, caches
    const times: number[] = [];
    const cpu0 = cpuNow();
    for (let r = 0; r < rounds; r++) {
      for (const q of questions) {
        const t0 = performance.now();
        await query(q);
        times.push(performance.now() - t0);
      }
    }
    const cpu = cpuNow() - cpu0;
    times.sort((a, b) => a - b);
    const round = (x: number) => Math.round(x * 1000) / 1000;
    rows.push({
      mode: label,
      queries: times.length,
      p50Ms: round(pct(times, 50)),
      p99Ms: round(pct(times, 99)),
      meanMs: round(times.reduce((a, b) => a + b, 0) / times.length),
      cpuMsPerQuery: round(cpu / times.length),
      load1: round(loadavg()[0]!),
    });
  }
} finally {
  await closeIndexReaders();
  rmSync(home, { recursive: true, force: true });
}

console.log(
  `query path: ${build.counts.chunks.total} chunks, k=${k}, ${questions.length} questions × ${rounds} rounds`,
);
console.log('mode     p50 ms   p99 ms   mean ms  cpu ms/q  load1');
for (const r of rows) {
  const c = (x: number | string, w = 9) => String(x).padEnd(Math.max(w, String(x).length + 1));
  console.log(`${c(r.mode)}${c(r.p50Ms)}${c(r.p99Ms)}${c(r.meanMs)}${c(r.cpuMsPerQuery, 10)}${r.load1}`);
}
const out = resolve(root, args.out);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify({ date: new Date().toISOString(), chunks: build.counts.chunks.total, k, rounds, rows }, null, 2)}\n`,
);
console.error(`wrote ${out}`);
