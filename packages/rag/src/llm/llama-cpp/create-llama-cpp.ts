import { basename } from 'node:path';
import { ConfigError } from '@ragops/core';
import type { LanguageModel } from '../language-model.ts';
import { LlamaCppLanguageModel } from './llama-cpp-language-model.ts';
import type { LlamaCppRuntimeOptions } from './llama-cpp-runtime.ts';

export type LlamaCppProviderSettings = LlamaCppRuntimeOptions & {
  /** Provider name for logs and price tables (the ragops.yaml key). Default "llama-cpp". */
  name?: string;
};

/**
 * A local GGUF model, in-process. Its one model id is the file's name without `.gguf`
 * (`qwen2.5-0.5b-instruct-q4_k_m`); another id is a ConfigError, so a chain never silently runs a
 * model other than the one it names. Nothing loads until the first call.
 * @example
 * const model = createLlamaCpp({ modelPath: 'models/qwen2.5-0.5b-instruct-q4_k_m.gguf' })('qwen2.5-0.5b-instruct-q4_k_m');
 */
export function createLlamaCpp(settings: LlamaCppProviderSettings): (modelId: string) => LanguageModel {
  const provider = settings.name ?? 'llama-cpp';
  const { name: _name, ...runtime } = settings;
  const served = basename(settings.modelPath).replace(/\.gguf$/i, '');
  return (modelId) => {
    if (modelId !== served) {
      throw new ConfigError(
        `The llama-cpp provider "${provider}" serves ${served} (${settings.modelPath}), not "${modelId}": set the chain's llm.model to ${served}, or add a provider for that model's file.`,
      );
    }
    return new LlamaCppLanguageModel({ provider, modelId, runtime });
  };
}
