import { jsonTextDepthExceeds, type PromptTemplate, sha256Hex } from '@ragops/core';
import { generate, type LanguageModel } from '@ragops/rag';
import { z } from 'zod';
import type { Judge, JudgeItem, JudgeOptions, JudgeUsage, JudgeVerdict, VerdictCache } from '../judge.ts';
import { type LlmJudgeDefinition, VerdictShapeError } from './llm-judge-definitions.ts';
import { verdictCacheKey } from './verdict-cache.ts';

/** Attempts per verdict: a malformed reply is asked again twice, then recorded as an error. */
export const MAX_VERDICT_ATTEMPTS = 3;
/** Sent where the server accepts a seed, with temperature 0, so repeats differ only by the server's own noise. */
export const JUDGE_SEED = 20_240_601;
// Replies larger or deeper than this are malformed without parsing (a verdict is a few hundred bytes).
const MAX_REPLY_CHARS = 64_000;
const MAX_REPLY_DEPTH = 8;

/**
 * The item as the judge model sees it: one JSON object, the only content of the user message. JSON
 * string escaping is the delimiter: nothing inside a passage or an answer can close its string or
 * forge another field, and `<`, `>`, `&` are escaped too, so no text looks like markup. The system
 * prompt says the object is data, never instructions.
 */
export function renderJudgeInput(input: Record<string, unknown>): string {
  return JSON.stringify(input).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** The JSON Schema sent as `response_format` (zod → JSON Schema, without `$schema`). */
function responseSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(schema) as Record<string, unknown>;
  void $schema;
  return rest;
}

type Parsed<V> = { ok: true; verdict: V & { rationale?: string }; score: number } | { ok: false; problem: string };

/** Reply text → verdict and score, or what is wrong with it. Tolerates a ```json fence around the JSON. */
function parseReply<V>(text: string, definition: LlmJudgeDefinition<V>, item: JudgeItem): Parsed<V> {
  const body = text
    .trim()
    .replace(/^```(?:json)?\s*/i, '')
    .replace(/\s*```$/, '');
  if (body.length > MAX_REPLY_CHARS) return { ok: false, problem: `reply over ${MAX_REPLY_CHARS} characters` };
  if (jsonTextDepthExceeds(body, MAX_REPLY_DEPTH)) return { ok: false, problem: 'reply nested too deep' };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    return { ok: false, problem: `reply is not JSON (${(error as Error).message})` };
  }
  const parsed = definition.verdict.safeParse(json);
  if (!parsed.success)
    return { ok: false, problem: `reply does not match the verdict schema: ${z.prettifyError(parsed.error)}` };
  try {
    const verdict = parsed.data as V & { rationale?: string };
    return { ok: true, verdict, score: definition.score(verdict, item) };
  } catch (error) {
    if (!(error instanceof VerdictShapeError)) throw error;
    return { ok: false, problem: error.message };
  }
}

/**
 * An LLM-as-judge over any LanguageModel: system message = the judge prompt, user message = the
 * item as data (`renderJudgeInput`), temperature 0, a seed and a JSON-schema `response_format`
 * where the server accepts them. A malformed verdict is asked again (MAX_VERDICT_ATTEMPTS in all),
 * then returned as `ok: false`; a failed provider call (after `generate`'s own retries) is
 * `ok: false` too. Good verdicts are cached by (prompt hash, model, hash of the input, repeat).
 * Rejects only with the caller's abort reason.
 */
export function createLlmJudge<V>(input: {
  definition: LlmJudgeDefinition<V>;
  prompt: PromptTemplate;
  model: LanguageModel;
  cache?: VerdictCache;
}): Judge {
  const { definition, prompt, model, cache } = input;
  const modelName = `${model.provider}/${model.modelId}`;
  const responseFormat = { type: 'json' as const, name: definition.name, schema: responseSchema(definition.verdict) };

  async function judge(item: JudgeItem, options: JudgeOptions): Promise<JudgeVerdict> {
    const user = renderJudgeInput(definition.input(item));
    const key = verdictCacheKey({
      promptHash: prompt.sha256,
      model: modelName,
      itemContentHash: sha256Hex(user),
      repeat: options.repeat ?? 0,
    });
    const hit = cache ? await cache.get(key) : undefined;
    if (hit?.ok) {
      const { usage, ...rest } = hit;
      void usage; // paid by the run that produced it
      return { ...rest, cached: true };
    }
    const usage: JudgeUsage = { inputTokens: 0, outputTokens: 0 };
    let problem = '';
    let lastText = '';
    for (let attempt = 1; attempt <= MAX_VERDICT_ATTEMPTS; attempt++) {
      let text: string;
      try {
        const out = await generate({
          model,
          messages: [
            { role: 'system', content: prompt.template.trim() },
            { role: 'user', content: user },
          ],
          temperature: 0,
          maxOutputTokens: definition.maxOutputTokens,
          responseFormat,
          providerOptions: { [model.provider]: { seed: JUDGE_SEED } },
          abortSignal: options.abortSignal,
        });
        usage.inputTokens += out.usage.inputTokens;
        usage.outputTokens += out.usage.outputTokens;
        text = out.text;
      } catch (error) {
        if (options.abortSignal?.aborted) throw options.abortSignal.reason ?? error;
        return { ok: false, error: `judge model ${modelName} failed: ${(error as Error).message}` };
      }
      const parsed = parseReply(text, definition, item);
      if (parsed.ok) {
        const verdict: JudgeVerdict = {
          ok: true,
          score: parsed.score,
          ...(typeof parsed.verdict.rationale === 'string' ? { rationale: parsed.verdict.rationale } : {}),
          raw: parsed.verdict,
          usage,
        };
        if (cache) await cache.set(key, verdict);
        return verdict;
      }
      problem = parsed.problem;
      lastText = text;
    }
    return {
      ok: false,
      error: `malformed verdict after ${MAX_VERDICT_ATTEMPTS} attempts: ${problem}`,
      raw: lastText.slice(0, MAX_REPLY_CHARS),
    };
  }

  return {
    name: definition.name,
    kind: 'llm',
    version: prompt.sha256,
    model: modelName,
    applies: (item) => definition.applies(item),
    judge,
  };
}
