import { ConfigError, InvalidInputError } from '@ragops/core';
import type { LanguageModel } from '@ragops/rag';
import { createRougeLJudge, createTokenF1Judge } from './heuristic/reference-judges.ts';
import { createCitationValidityJudge, createSentenceSupportJudge } from './heuristic/support-judges.ts';
import type { Judge, VerdictCache } from './judge.ts';
import { DEFAULT_JUDGE_PROMPTS_DIR, loadJudgePrompt } from './llm/judge-prompts.ts';
import { createLlmJudge } from './llm/llm-judge.ts';
import { LLM_JUDGE_NAMES, LLM_JUDGES, type LlmJudgeName } from './llm/llm-judge-definitions.ts';
import { createRetrievalJudge, RETRIEVAL_METRICS, type RetrievalMetric } from './retrieval-judges.ts';

/** Offline judges, named as heuristics everywhere. */
export const HEURISTIC_JUDGE_NAMES = ['sentence_support', 'token_f1', 'rouge_l', 'citation_validity'] as const;

/** Group names `createJudges` expands: `heuristics`, `retrieval` (at the spec's k), `offline` (both), `llm`. */
export const JUDGE_GROUPS = ['heuristics', 'retrieval', 'offline', 'llm'] as const;

const HEURISTICS: Record<(typeof HEURISTIC_JUDGE_NAMES)[number], () => Judge> = {
  sentence_support: () => createSentenceSupportJudge(),
  token_f1: () => createTokenF1Judge(),
  rouge_l: () => createRougeLJudge(),
  citation_validity: () => createCitationValidityJudge(),
};

export type CreateJudgesSpec = {
  /** Judge names (`token_f1`, `recall@5`, `recall` = recall@k, `groundedness`, …) or group names. */
  names: readonly string[];
  /** The judge model, required by LLM judges (an `openai` or `openai-compatible` model). */
  llm?: LanguageModel;
  /** Verdict cache of LLM judges. */
  cache?: VerdictCache;
  /** Where the judge prompts are; default prompts/judges/ of this repository. */
  promptsDir?: string;
  /** k of retrieval metrics named without one (normally the chain's retriever k). */
  k: number;
};

const RETRIEVAL_NAME = /^(recall|precision|mrr|ndcg)(?:@([1-9][0-9]{0,3}))?$/;

function expand(names: readonly string[], k: number): string[] {
  const out: string[] = [];
  for (const raw of names) {
    const name = raw.trim();
    if (name === 'heuristics' || name === 'offline') out.push(...HEURISTIC_JUDGE_NAMES);
    if (name === 'retrieval' || name === 'offline') out.push(...RETRIEVAL_METRICS.map((m) => `${m}@${k}`));
    if (name === 'llm') out.push(...LLM_JUDGE_NAMES);
    if ((JUDGE_GROUPS as readonly string[]).includes(name)) continue;
    // A bare retrieval metric takes the spec's k, so `recall` and `recall@5` are one judge.
    out.push((RETRIEVAL_METRICS as readonly string[]).includes(name) ? `${name}@${k}` : name);
  }
  return [...new Set(out)];
}

/**
 * Builds judges by name. Throws InvalidInputError naming an unknown judge (and the known ones), and
 * ConfigError when an LLM judge is asked for without a judge model.
 * @example createJudges({ names: ['offline'], k: 5 }) // 4 heuristics + recall@5, precision@5, mrr@5, ndcg@5
 */
export function createJudges(spec: CreateJudgesSpec): Judge[] {
  return expand(spec.names, spec.k).map((name) => {
    if (name in HEURISTICS) return HEURISTICS[name as keyof typeof HEURISTICS]();
    const retrieval = RETRIEVAL_NAME.exec(name);
    if (retrieval) return createRetrievalJudge(retrieval[1] as RetrievalMetric, Number(retrieval[2] ?? spec.k));
    if (name in LLM_JUDGES) {
      const definition = LLM_JUDGES[name as LlmJudgeName];
      return createLlmJudge({
        definition,
        prompt: loadJudgePrompt(spec.promptsDir ?? DEFAULT_JUDGE_PROMPTS_DIR, definition.promptFile),
        model: judgeModel(spec.llm, name),
        ...(spec.cache ? { cache: spec.cache } : {}),
      });
    }
    throw new InvalidInputError(
      `unknown judge "${name}"; known: ${[...HEURISTIC_JUDGE_NAMES, ...RETRIEVAL_METRICS.map((m) => `${m}[@k]`), ...LLM_JUDGE_NAMES, ...JUDGE_GROUPS].join(', ')}`,
    );
  });
}

function judgeModel(llm: LanguageModel | undefined, judge: string): LanguageModel {
  if (llm === undefined) {
    throw new ConfigError(
      `judge "${judge}" is an LLM judge and needs a judge model: configure an openai or openai-compatible provider for judges`,
    );
  }
  if (llm.provider === 'extractive') {
    throw new ConfigError(
      `judge "${judge}" needs a language model; the extractive answerer quotes passages and cannot judge. Configure an openai or openai-compatible provider for judges`,
    );
  }
  return llm;
}
