/**
 * Local-model throughput bench: embeddings/s of the transformers embedder and tokens/s of the
 * llama-cpp provider, in-process on this machine, per thread count. Without flags it runs the
 * models the tests generate (a Gather-only BERT-shaped ONNX model, a 1-layer 64-wide llama GGUF):
 * those numbers are the runtime's own cost around a model (tokenizing, padding, pooling, the
 * ONNX/llama.cpp call, sampling, the grammar), not a real model's. Pass real ones to measure them:
 *
 *   npm run bench:local-models -- [--onnx <model folder> --dimensions 384] [--gguf <file.gguf>]
 *                                 [--texts 512] [--tokens 128] [--runs 3]
 *
 * Each figure is the median of --runs runs after one warm-up; the load average is printed since
 * the machine is shared. Writes bench/results/local-models.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { createEmbedder, createLanguageModelResolver, embedMany, generate } from '@ragops/rag';
import { writeTinyLlamaGguf, writeTinySentenceModel } from '@ragops/rag/test';
import { z } from 'zod';

const argsSchema = z.object({
  onnx: z.string().min(1).optional(),
  dimensions: z.coerce.number().int().positive().default(384),
  gguf: z.string().min(1).optional(),
  texts: z.coerce.number().int().min(1).max(100_000).default(512),
  tokens: z.coerce.number().int().min(1).max(4096).default(128),
  runs: z.coerce.number().int().min(1).max(20).default(3),
  out: z.string().default('bench/results/local-models.json'),
});
const { values } = parseArgs({
  options: Object.fromEntries(Object.keys(argsSchema.shape).map((k) => [k, { type: 'string' }])),
});
const args = argsSchema.parse(values);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const WORDS = 'how do i rotate the api keys of a vector index and search each chunk of the model embed query'.split(
  ' ',
);
/** ~60-word texts, like a 1,000-character chunk. */
const text = (i: number) => Array.from({ length: 60 }, (_, j) => WORDS[(i * 7 + j * 3) % WORDS.length]).join(' ');

const scratch = mkdtempSync(join(tmpdir(), 'ragops-bench-local-'));
try {
  const onnx =
    args.onnx ?? (await writeTinySentenceModel(join(scratch, 'tiny-st'), { dimensions: 384, maxLength: 256 })).path;
  const gguf = args.gguf ?? (await writeTinyLlamaGguf(join(scratch, 'tiny-llama.gguf'))).path;
  const texts = Array.from({ length: args.texts }, (_, i) => text(i));

  const embedder = createEmbedder({
    provider: 'transformers',
    model: basename(onnx),
    dimensions: args.dimensions,
    path: onnx,
  });
  await embedMany({ embedder, values: texts.slice(0, 32) }); // load + warm-up
  const embedMs: number[] = [];
  for (let r = 0; r < args.runs; r++) {
    const t0 = performance.now();
    await embedMany({ embedder, values: texts });
    embedMs.push(performance.now() - t0);
  }
  const embeddings = {
    model: onnx,
    texts: texts.length,
    batch: embedder.maxBatchSize,
    perSecond: texts.length / (median(embedMs) / 1000),
  };

  const generation = [];
  for (const threads of [1, 2]) {
    const model = createLanguageModelResolver({
      local: { type: 'llama-cpp', modelPath: gguf, threads, contextSize: 2048 },
    })('local', basename(gguf).replace(/\.gguf$/i, ''));
    const messages = [{ role: 'user' as const, content: 'Summarise how API keys are rotated in two sentences.' }];
    await generate({ model, messages, maxOutputTokens: 8 });
    for (const json of [false, true]) {
      const rates: number[] = [];
      for (let r = 0; r < args.runs; r++) {
        const t0 = performance.now();
        const out = await generate({
          model,
          messages,
          maxOutputTokens: args.tokens,
          temperature: 0.8,
          ...(json && {
            responseFormat: {
              type: 'json' as const,
              name: 'verdict',
              schema: {
                type: 'object',
                properties: { ok: { type: 'boolean' }, note: { type: 'string' } },
                required: ['ok', 'note'],
              },
            },
          }),
        });
        rates.push(out.usage.outputTokens / ((performance.now() - t0) / 1000));
      }
      generation.push({ threads, grammar: json, tokensPerSecond: median(rates) });
    }
  }
  const result = {
    machine: { cores: cpus().length, loadAverage: loadavg() },
    embeddings,
    generation: { model: gguf, rows: generation },
  };
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} on ${cpus().length} cores`,
  );
  console.log(
    `transformers ${basename(onnx)}: ${embeddings.perSecond.toFixed(0)} embeddings/s (${texts.length} texts of ~60 words, batches of ${embeddings.batch}; default threads)`,
  );
  for (const g of generation) {
    console.log(
      `llama-cpp ${basename(gguf)}: ${g.tokensPerSecond.toFixed(0)} tokens/s (${g.threads} thread${g.threads > 1 ? 's' : ''}${g.grammar ? ', JSON grammar' : ''})`,
    );
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
