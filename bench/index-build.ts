/**
 * Index build benchmark: full build time, chunks/s, incremental rebuild with 1% of documents changed
 * (ratio to full), query p50/p99 per mode, ANN recall@10 against exact search, and a one-shot CLI
 * query (a whole `ragops index query` process, hybrid, k 10) next to bare `node -e 0`, and the vector
 * query as served from a pinned version (resident in memory when it fits: its layout, first-query
 * load, p50/p99, CPU per query, recall@10 against exact), with the load average, since the machine
 * is shared.
 *   npm run bench:index [-- --sizes 10000,100000 --queries 200]
 * Prints a table and writes bench/results/index-build.json. Measures; never gates CI.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { seededRandom as rng } from '@ragops/core';
import {
  type BuildPhase,
  buildIndex,
  closeIndexReaders,
  HashEmbedder,
  queryIndex,
  RETRIEVAL_MODES,
  rebuildIndex,
} from '@ragops/rag';
import { openVectorIndex } from '@ragops/rag/lancedb';
import { residentChunkBytes, residentVersions } from '../packages/rag/src/index/lancedb/resident-chunks.ts';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000' },
    queries: { type: 'string', default: '200' },
    out: { type: 'string', default: join(import.meta.dirname, 'results', 'index-build.json') },
  },
});
const sizes = args.sizes.split(',').map(Number);
const queryCount = Number(args.queries);

// A Zipf-like vocabulary of 20k pseudo-words: realistic term statistics for BM25 and hashing.
const VOCAB = Array.from({ length: 20_000 }, (_, i) => {
  const r = rng(i + 1);
  const len = 3 + Math.floor(r() * 7);
  return Array.from({ length: len }, () => String.fromCharCode(97 + Math.floor(r() * 26))).join('');
});
const zipf = (r: () => number) =>
  VOCAB[Math.min(VOCAB.length - 1, Math.floor(Math.exp(r() * Math.log(VOCAB.length))) - 1)]!;

/** One document ≈ 90 words ≈ 600 characters: one chunk with the default 1000-character chunker. */
function docText(i: number, generation: number): string {
  const r = rng(i * 7919 + generation * 104_729);
  return Array.from({ length: 90 }, () => zipf(r)).join(' ');
}

async function writeCorpus(
  path: string,
  n: number,
  changed: ReadonlySet<number> = new Set(),
  generation = 2,
): Promise<void> {
  const lines: string[] = [];
  for (let i = 0; i < n; i++)
    lines.push(JSON.stringify({ id: `d${i}`, title: `Doc ${i}`, text: docText(i, changed.has(i) ? generation : 1) }));
  await writeFile(path, `${lines.join('\n')}\n`);
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

type SizeResult = {
  chunks: number;
  fullBuildMs: number;
  /** Process CPU (user + system, every thread: LanceDB's native pool too); steadier than wall on a busy machine. */
  fullBuildCpuMs: number;
  phasesMs: { loadAndHash: number; chunk: number; embedAndWrite: number; ftsAndAnnIndexes: number };
  chunksPerSecond: number;
  /** Median over INCREMENTAL_RUNS rebuilds, each with the same 1% of documents at a new text. */
  incrementalMs: number;
  incrementalCpuMs: number;
  incrementalRatio: number;
  incrementalCpuRatio: number;
  /** Every rebuild, in order; the first one is what the query measurements run on. */
  incrementalRuns: IncrementalRun[];
  query: Record<string, { p50Ms: number; p99Ms: number }>;
  ann: { indexed: boolean; recallAt10: number | null; annP50Ms: number | null; exactP50Ms: number };
  /**
   * The vector query as served: a pinned version (checkout, as the server's readers), resident in
   * memory when it fits (resident-chunks.ts), else LanceDB. Recall@10 against exact search on the
   * ANN sample; CPU is process CPU per query (all threads); loadMs runs from the first query until the
   * copy is in memory (in the background for a large version, RESIDENT_CONFIG.waitBelowRows).
   */
  served: {
    layout: string;
    /** The first query: LanceDB's answer while a large version loads, the awaited load for a small one. */
    firstQueryMs: number;
    loadMs: number;
    residentMb: number;
    p50Ms: number;
    p99Ms: number;
    cpuMsPerQuery: number;
    recallAt10: number;
    load1: number;
  };
  /** Medians over CLI_RUNS processes; CPU (user + system, all threads) when /usr/bin/time exists. */
  cliQuery: { wallMs: number; cpuMs: number | null; nodeWallMs: number };
};

/**
 * A 1% rebuild is ~1 s at 100k, so its wall time moves with other jobs on the machine: three runs,
 * median. The first runs before the query measurements (which see its index, as before); the
 * others after them, so that queries always see 1% of rows outside the FTS/ANN indexes.
 */
const INCREMENTAL_RUNS = 3;

type IncrementalRun = {
  ms: number;
  cpuMs: number;
  /**
   * From the build's progress phases: load (read and hash the source, diff with the manifest,
   * delete changed rows), chunk, embed and write, FTS/ANN refresh and the build record.
   */
  phasesMs: { loadDiffDelete: number; chunk: number; embedAndWrite: number; indexesAndRecord: number };
  load1: number;
};

async function timeRebuild(
  home: string,
  name: string,
  source: string,
  n: number,
  changed: ReadonlySet<number>,
  generation: number,
): Promise<IncrementalRun> {
  await writeCorpus(source, n, changed, generation);
  const phaseStart: Partial<Record<BuildPhase, number>> = {};
  const cpu = process.cpuUsage();
  const t = performance.now();
  const inc = await rebuildIndex({
    home,
    name,
    onProgress: (p) => {
      phaseStart[p.phase] ??= performance.now() - t;
    },
  });
  const ms = performance.now() - t;
  const u = process.cpuUsage(cpu);
  if (inc.counts.documents.changed !== changed.size) throw new Error('incremental rebuild saw the wrong changes');
  return {
    ms,
    cpuMs: (u.user + u.system) / 1000,
    phasesMs: {
      loadDiffDelete: (phaseStart.chunking ?? 0) - (phaseStart.loading ?? 0),
      chunk: (phaseStart.embedding ?? 0) - (phaseStart.chunking ?? 0),
      embedAndWrite: (phaseStart.indexing ?? 0) - (phaseStart.embedding ?? 0),
      indexesAndRecord: ms - (phaseStart.indexing ?? 0),
    },
    load1: loadavg()[0]!,
  };
}

const CLI_RUNS = 5;
const BIN = join(import.meta.dirname, '..', 'apps', 'cli', 'bin', 'ragops.js');
const TIME = '/usr/bin/time';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Wall and CPU ms of one process (CPU from /usr/bin/time -f '%U %S', else null). */
function timeProcess(args: string[]): { wallMs: number; cpuMs: number | null } {
  const timed = existsSync(TIME);
  const started = performance.now();
  const r = timed
    ? spawnSync(TIME, ['-f', 'cpu %U %S', process.execPath, ...args], { encoding: 'utf8' })
    : spawnSync(process.execPath, args, { encoding: 'utf8' });
  const wallMs = performance.now() - started;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const cpu = /cpu ([\d.]+) ([\d.]+)/.exec(r.stderr);
  return { wallMs, cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : null };
}

function timeCliQuery(home: string, name: string, questions: readonly string[]): SizeResult['cliQuery'] {
  const runs = questions
    .slice(0, CLI_RUNS)
    .map((q) => timeProcess([BIN, 'index', 'query', name, q, '--home', home, '--k', '10', '--mode', 'hybrid']));
  const cpu = runs.map((r) => r.cpuMs).filter((c): c is number => c !== null);
  const node = questions.slice(0, CLI_RUNS).map(() => timeProcess(['-e', '0']).wallMs);
  return {
    wallMs: median(runs.map((r) => r.wallMs)),
    cpuMs: cpu.length ? median(cpu) : null,
    nodeWallMs: median(node),
  };
}

async function benchServed(
  index: Awaited<ReturnType<typeof openVectorIndex>>,
  embedder: HashEmbedder,
  questions: readonly string[],
  truths: readonly Set<string>[],
): Promise<SizeResult['served']> {
  const vectors = questions.map((q) => embedder.embedOne(q));
  const held = residentChunkBytes();
  const before = residentVersions();
  await index.checkout(await index.version()); // pinned, as a server's reader
  let s = performance.now();
  await index.searchVector(vectors[0]!, { k: 10 });
  const firstQueryMs = performance.now() - s;
  // A large version loads in the background (RESIDENT_CONFIG.waitBelowRows) while LanceDB answers
  // the first queries: the load is timed until the copy is in.
  const resident = () => {
    const now = residentVersions();
    return now.sparse > before.sparse || now.dense > before.dense;
  };
  while (!resident() && performance.now() - s < 180_000) await new Promise((r) => setTimeout(r, 20));
  const loadMs = performance.now() - s;
  const after = residentVersions();
  const layout = after.sparse > before.sparse ? 'sparse' : after.dense > before.dense ? 'dense' : 'LanceDB';
  for (const v of vectors.slice(0, 10)) await index.searchVector(v, { k: 10 }); // warm up
  const ms: number[] = [];
  const cpu = process.cpuUsage();
  let found = 0;
  for (const [i, v] of vectors.entries()) {
    s = performance.now();
    const hits = await index.searchVector(v, { k: 10 });
    ms.push(performance.now() - s);
    const truth = truths[i];
    if (truth) found += hits.filter((h) => truth.has(h.chunkId)).length;
  }
  const used = process.cpuUsage(cpu);
  return {
    layout,
    firstQueryMs,
    loadMs,
    residentMb: (residentChunkBytes() - held) / 1e6,
    p50Ms: pct(ms, 50),
    p99Ms: pct(ms, 99),
    cpuMsPerQuery: (used.user + used.system) / 1000 / vectors.length,
    recallAt10: found / (truths.length * 10),
    load1: loadavg()[0]!,
  };
}

async function benchSize(n: number): Promise<SizeResult> {
  const home = await mkdtemp(join(tmpdir(), 'ragops-bench-index-'));
  try {
    const source = join(home, 'corpus.jsonl');
    await writeCorpus(source, n);
    const name = `bench.index.n${n}`;
    const cpuMs = (since: NodeJS.CpuUsage) => {
      const u = process.cpuUsage(since);
      return (u.user + u.system) / 1000;
    };
    const cpu = process.cpuUsage();
    const t = performance.now();
    const phaseStart: Partial<Record<BuildPhase, number>> = {};
    const full = await buildIndex({
      home,
      name,
      source,
      onProgress: (p) => {
        phaseStart[p.phase] ??= performance.now() - t;
      },
    });
    const fullBuildMs = performance.now() - t;
    const fullBuildCpuMs = cpuMs(cpu);
    const phasesMs = {
      loadAndHash: (phaseStart.chunking ?? 0) - (phaseStart.loading ?? 0),
      chunk: (phaseStart.embedding ?? 0) - (phaseStart.chunking ?? 0),
      embedAndWrite: (phaseStart.indexing ?? 0) - (phaseStart.embedding ?? 0),
      ftsAndAnnIndexes: fullBuildMs - (phaseStart.indexing ?? 0),
    };

    const r = rng(42);
    const changed = new Set<number>();
    while (changed.size < n / 100) changed.add(Math.floor(r() * n));
    const incrementalRuns = [await timeRebuild(home, name, source, n, changed, 2)];

    const questions = Array.from({ length: queryCount }, (_, i) => {
      const words = docText(Math.floor(rng(i + 9)() * n), 1).split(' ');
      const at = Math.floor(rng(i + 11)() * 80);
      return words.slice(at, at + 8).join(' ');
    });
    const query: SizeResult['query'] = {};
    for (const mode of RETRIEVAL_MODES) {
      for (const q of questions.slice(0, 10)) await queryIndex({ home, name, text: q, k: 10, mode }); // warm up
      const ms: number[] = [];
      for (const q of questions) {
        const s = performance.now();
        await queryIndex({ home, name, text: q, k: 10, mode });
        ms.push(performance.now() - s);
      }
      query[mode] = { p50Ms: pct(ms, 50), p99Ms: pct(ms, 99) };
    }
    await closeIndexReaders();
    const cliQuery = timeCliQuery(home, name, questions);

    const index = await openVectorIndex({ uri: join(home, 'indexes', name, 'lance') });
    const embedder = new HashEmbedder();
    const annMs: number[] = [];
    const exactMs: number[] = [];
    let hits = 0;
    const sample = questions.slice(0, 30); // exact search is slow at 100k: 30 queries bound the run
    const truths: Set<string>[] = [];
    for (const q of sample) {
      const v = embedder.embedOne(q);
      let s = performance.now();
      const exact = await index.searchVector(v, { k: 10, exact: true });
      exactMs.push(performance.now() - s);
      s = performance.now();
      const ann = await index.searchVector(v, { k: 10 });
      annMs.push(performance.now() - s);
      const truth = new Set(exact.map((h) => h.chunkId));
      truths.push(truth);
      hits += ann.filter((h) => truth.has(h.chunkId)).length;
    }
    const indexed =
      full.counts.chunks.total >= (await import('../packages/rag/src/index/lancedb/ann-config.ts')).ANN_CONFIG.minRows;
    const served = await benchServed(index, embedder, questions, truths);
    index.close();
    for (let run = 1; run < INCREMENTAL_RUNS; run++) {
      incrementalRuns.push(await timeRebuild(home, name, source, n, changed, 2 + run));
    }
    const medianRun = [...incrementalRuns].sort((a, b) => a.ms - b.ms)[Math.floor(incrementalRuns.length / 2)]!;
    return {
      chunks: full.counts.chunks.total,
      fullBuildMs,
      fullBuildCpuMs,
      phasesMs,
      chunksPerSecond: full.counts.chunks.total / (fullBuildMs / 1000),
      incrementalMs: medianRun.ms,
      incrementalCpuMs: median(incrementalRuns.map((x) => x.cpuMs)),
      incrementalRatio: medianRun.ms / fullBuildMs,
      incrementalCpuRatio: median(incrementalRuns.map((x) => x.cpuMs)) / fullBuildCpuMs,
      incrementalRuns,
      query,
      ann: {
        indexed,
        recallAt10: indexed ? hits / (sample.length * 10) : null,
        annP50Ms: indexed ? pct(annMs, 50) : null,
        exactP50Ms: pct(exactMs, 50),
      },
      cliQuery,
      served,
    };
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

const loadBefore = loadavg();
const results: Record<string, SizeResult> = {};
for (const n of sizes) {
  process.stderr.write(`bench: ${n} documents…\n`);
  results[n] = await benchSize(n);
}

const f = (x: number | null, d = 1) => (x === null ? 'n/a' : x.toFixed(d));
const rows = [
  [
    'chunks',
    'full build s (cpu)',
    'of which FTS+ANN s',
    'chunks/s',
    'incr. s (1%) (cpu)',
    'incr/full (cpu)',
    ...RETRIEVAL_MODES.map((m) => `${m} p50/p99 ms`),
    'ANN recall@10',
    'ANN p50 ms',
    'exact p50 ms',
    'served vector: layout',
    'first query ms / load s (MB)',
    'p50/p99 ms',
    'cpu ms/q',
    'recall@10',
    'load1',
    'CLI query ms (cpu)',
    'node -e 0 ms',
  ],
  ...Object.values(results).map((r) => [
    String(r.chunks),
    `${f(r.fullBuildMs / 1000, 2)} (${f(r.fullBuildCpuMs / 1000, 1)})`,
    f(r.phasesMs.ftsAndAnnIndexes / 1000, 2),
    f(r.chunksPerSecond, 0),
    `${f(r.incrementalMs / 1000, 2)} (${f(r.incrementalCpuMs / 1000, 2)})`,
    `${f(r.incrementalRatio, 3)} (${f(r.incrementalCpuRatio, 3)})`,
    ...RETRIEVAL_MODES.map((m) => `${f(r.query[m]!.p50Ms)}/${f(r.query[m]!.p99Ms)}`),
    f(r.ann.recallAt10, 3),
    f(r.ann.annP50Ms, 2),
    f(r.ann.exactP50Ms, 2),
    r.served.layout,
    `${f(r.served.firstQueryMs, 1)} / ${f(r.served.loadMs / 1000, 2)} (${f(r.served.residentMb, 0)})`,
    `${f(r.served.p50Ms, 2)}/${f(r.served.p99Ms, 2)}`,
    f(r.served.cpuMsPerQuery, 2),
    f(r.served.recallAt10, 3),
    f(r.served.load1, 2),
    `${f(r.cliQuery.wallMs, 0)} (${f(r.cliQuery.cpuMs, 0)})`,
    f(r.cliQuery.nodeWallMs, 0),
  ]),
];
const incrementalRows = [
  ['chunks', 'incr. run', 's (cpu)', 'load+diff+delete ms', 'chunk ms', 'embed+write ms', 'indexes+record ms', 'load1'],
  ...Object.values(results).flatMap((r) =>
    r.incrementalRuns.map((x, i) => [
      String(r.chunks),
      String(i + 1),
      `${f(x.ms / 1000, 2)} (${f(x.cpuMs / 1000, 2)})`,
      f(x.phasesMs.loadDiffDelete, 0),
      f(x.phasesMs.chunk, 0),
      f(x.phasesMs.embedAndWrite, 0),
      f(x.phasesMs.indexesAndRecord, 0),
      f(x.load1, 2),
    ]),
  ),
];
const loadAfter = loadavg();
const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
for (const row of rows) console.log(row.map((cell, c) => cell.padStart(widths[c]!)).join('  '));
const incrementalWidths = incrementalRows[0]!.map((_, c) => Math.max(...incrementalRows.map((row) => row[c]!.length)));
console.log(`\nincremental rebuilds, 1% changed (median of ${INCREMENTAL_RUNS} above):`);
for (const row of incrementalRows) console.log(row.map((cell, c) => cell.padStart(incrementalWidths[c]!)).join('  '));
const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
console.log(`load average before ${load(loadBefore)}, after ${load(loadAfter)} (${cpus().length} cpus)`);

await mkdir(join(args.out, '..'), { recursive: true });
await writeFile(
  args.out,
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cpus().length, loadBefore, loadAfter, embedder: 'hash (default dimensions)', results }, null, 2)}\n`,
);
console.log(`wrote ${args.out}`);
