import { InvalidInputError, RagopsError } from '@ragops/core';
import type { ChainHost, LanguageModel } from '@ragops/rag';
import { z } from 'zod';

/** `provider/model` of a configured provider, as `--judge-model` and the REST body's `judgeModel` take it. */
export const judgeModelSchema = z
  .string()
  .max(300)
  .regex(/^[a-z][a-z0-9_-]*\/\S+$/, 'use provider/model, e.g. vllm/llama-3.1-8b');

/**
 * The judge model a run names, built by the chain host from the configured providers (the same
 * configuration serving uses). An unknown provider is the caller's input error, naming `where`.
 */
export function resolveJudgeModel(host: ChainHost, judgeModel: string, where: string): LanguageModel {
  const slash = judgeModel.indexOf('/');
  try {
    return host.languageModel(judgeModel.slice(0, slash), judgeModel.slice(slash + 1));
  } catch (error) {
    if (RagopsError.isInstance(error) && error.code === 'config_error') {
      throw new InvalidInputError(`${where}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}
