import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@ragops/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { writeTinyLlamaGguf } from '../../test/tiny-models/write-tiny-llama-gguf.ts';
import { createLanguageModelResolver } from '../create-language-model.ts';
import { generate } from '../generate.ts';
import type { LanguageModel } from '../language-model.ts';
import { stream } from '../stream.ts';

// A llama-architecture GGUF written for the test (random weights, real SentencePiece vocabulary and
// chat template), run by node-llama-cpp's prebuilt CPU binary. Its text is noise: the tests check
// loading, streaming, usage, the grammar and failures, not answers. Timeouts are generous: the
// machine is shared and a generation on it has taken from 0.2 s to 20 s.
const TIMEOUT = 180_000;
let dir: string;
let model: LanguageModel;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ragops-llama-cpp-'));
  await writeTinyLlamaGguf(join(dir, 'tiny-llama.gguf'));
  const resolve = createLanguageModelResolver({
    local: { type: 'llama-cpp', modelPath: join(dir, 'tiny-llama.gguf'), contextSize: 512, parallel: 2, threads: 1 },
  });
  model = resolve('local', 'tiny-llama');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const messages = [
  { role: 'system' as const, content: 'You judge answers.' },
  { role: 'user' as const, content: 'Is the answer grounded in the passages?' },
];

describe('llama-cpp provider', () => {
  it('streams text deltas, then one finish with the tokens it read and wrote', { timeout: TIMEOUT }, async () => {
    const events = [];
    for await (const e of stream({ model, messages, maxOutputTokens: 12, temperature: 0 })) events.push(e);
    const deltas = events.filter((e) => e.type === 'text-delta');
    const finish = events.at(-1);
    expect(deltas.length).toBeGreaterThan(0);
    expect(finish?.type).toBe('finish');
    if (finish?.type !== 'finish') return;
    expect(finish.text).toBe(deltas.map((d) => d.delta).join(''));
    expect(finish.usage.inputTokens).toBeGreaterThan(10); // the chat template's tokens and the messages
    expect(finish.usage.outputTokens).toBeGreaterThan(0);
    expect(finish.usage.outputTokens).toBeLessThanOrEqual(12);
  });

  it('forces JSON of a judge’s verdict schema with a grammar, and repeats it at temperature 0 with a seed', {
    timeout: TIMEOUT,
  }, async () => {
    // No free-text field: a random model's bytes can form invalid UTF-8 inside a string, which the
    // grammar accepts byte-wise and decoding turns into U+FFFD (a real model's text does not).
    const verdict = z.strictObject({
      verdict: z.enum(['grounded', 'partly', 'ungrounded']),
      cites: z.boolean(),
      score: z.number().int().min(1).max(5),
    });
    const { $schema: _s, ...schema } = z.toJSONSchema(verdict) as Record<string, unknown>;
    const ask = () =>
      generate({
        model,
        messages,
        temperature: 0,
        maxOutputTokens: 96,
        responseFormat: { type: 'json', name: 'verdict', schema },
        providerOptions: { local: { seed: 7 } },
      });
    const first = await ask();
    expect(first.warnings).toEqual([]);
    expect(verdict.parse(JSON.parse(first.text))).toBeTruthy();
    expect((await ask()).text).toBe(first.text);
  });

  it('runs concurrent calls on separate sequences, queueing past `parallel`', { timeout: TIMEOUT }, async () => {
    const replies = await Promise.all(
      [1, 2, 3].map((n) =>
        generate({ model, messages: [{ role: 'user', content: `count ${n}` }], maxOutputTokens: 4 }),
      ),
    );
    for (const r of replies) expect(r.usage.outputTokens).toBeGreaterThan(0);
  });

  it('stops on abort with the abort reason', { timeout: TIMEOUT }, async () => {
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const run = (async () => {
      for await (const e of stream({ model, messages, maxOutputTokens: 400, abortSignal: controller.signal })) {
        if (e.type === 'text-delta') controller.abort(reason);
      }
    })();
    await expect(run).rejects.toBe(reason);
  });

  it('refuses a model id other than its file’s, and a file that is no GGUF', { timeout: TIMEOUT }, async () => {
    const resolve = createLanguageModelResolver({
      local: { type: 'llama-cpp', modelPath: join(dir, 'tiny-llama.gguf') },
      broken: { type: 'llama-cpp', modelPath: join(dir, 'broken.gguf') },
    });
    expect(() => resolve('local', 'llama-3-8b')).toThrow(
      /serves tiny-llama .*not "llama-3-8b": set the chain's llm.model to tiny-llama/,
    );
    await writeFile(join(dir, 'broken.gguf'), 'not a model');
    const error = await generate({ model: resolve('broken', 'broken'), messages, maxRetries: 0 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/broken\.gguf failed to load/);
  });
});
