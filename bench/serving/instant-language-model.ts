import type { GenerateRequest, GenerateResult, LanguageModel, StreamResult } from '@ragops/rag';

const ANSWER = 'Instant answer [1].';

/**
 * A LanguageModel that answers at once, with provider-reported usage (so nothing is counted with a
 * tokenizer): the serving bench measures the platform, not a model. Bench-only; injected through
 * `createApp({ serving: { customProviders: { instant: (id) => new InstantLanguageModel(id) } } })`.
 */
export class InstantLanguageModel implements LanguageModel {
  readonly specificationVersion = 'v1';
  readonly provider = 'instant';
  readonly modelId: string;

  constructor(modelId: string) {
    this.modelId = modelId;
  }

  async doGenerate(_request: GenerateRequest): Promise<GenerateResult> {
    return {
      text: ANSWER,
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: { inputTokens: 100, outputTokens: 4 },
      warnings: [],
    };
  }

  async doStream(request: GenerateRequest): Promise<StreamResult> {
    const result = await this.doGenerate(request);
    return {
      stream: (async function* () {
        yield { type: 'text-delta' as const, delta: result.text };
        yield { type: 'finish' as const, finishReason: result.finishReason, usage: result.usage };
      })(),
      warnings: [],
    };
  }
}
