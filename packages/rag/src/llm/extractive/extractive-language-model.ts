import type { GenerateRequest, GenerateResult, LanguageModel, StreamPart, StreamResult } from '../language-model.ts';
import { selectSentences } from './select-sentences.ts';

export type ExtractiveSettings = {
  /** Most sentences quoted in one answer (default 3). */
  maxSentences?: number;
  /** Share of the question's (idf-weighted) terms a sentence must cover to count (default 0.25). */
  minCoverage?: number;
};

/** The answer when no retrieved sentence is relevant: plain, so nobody mistakes it for knowledge. */
export const NOTHING_FOUND_ANSWER =
  'I could not find anything relevant to this question in the indexed documents, so I cannot answer it.';

const NOT_A_MODEL_WARNING = 'extractive: the answer quotes retrieved passages; no language model generated it';

/**
 * The embedded default "LLM" — which is NOT a language model. It quotes the retrieved sentences that
 * best cover the question, each followed by its citation ([1] is the first retrieved passage), and
 * says plainly when nothing relevant was retrieved. Offline, deterministic, instant: it lets the
 * whole platform run and be tested with no model at all. It reads `request.grounding`; without it
 * there is nothing to quote. Usage is left to the runtime's token counter.
 */
export class ExtractiveLanguageModel implements LanguageModel {
  readonly specificationVersion = 'v1';
  readonly provider = 'extractive';
  readonly modelId: string;
  readonly #settings: Required<ExtractiveSettings>;

  constructor(modelId = 'extractive-v1', settings: ExtractiveSettings = {}) {
    this.modelId = modelId;
    this.#settings = { maxSentences: settings.maxSentences ?? 3, minCoverage: settings.minCoverage ?? 0.25 };
  }

  async doGenerate(request: GenerateRequest): Promise<GenerateResult> {
    request.abortSignal?.throwIfAborted();
    return {
      text: this.answer(request),
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: undefined,
      warnings: this.#warnings(request),
    };
  }

  /** Says what of the request it did not apply, so no parameter is ignored silently. */
  #warnings(request: GenerateRequest): string[] {
    return [
      NOT_A_MODEL_WARNING,
      ...(request.maxOutputTokens === undefined
        ? []
        : [
            `extractive: max_tokens (${request.maxOutputTokens}) is ignored: the answer quotes whole sentences, at most ${this.#settings.maxSentences}`,
          ]),
      ...(request.responseFormat === undefined
        ? []
        : ['extractive: response_format is ignored: the answer is plain text with [n] citations']),
    ];
  }

  async doStream(request: GenerateRequest): Promise<StreamResult> {
    request.abortSignal?.throwIfAborted();
    const text = this.answer(request);
    async function* parts(): AsyncGenerator<StreamPart> {
      for (const delta of text.match(/\S+\s*/g) ?? []) {
        request.abortSignal?.throwIfAborted();
        yield { type: 'text-delta', delta };
      }
      yield { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage: undefined };
    }
    return { stream: parts(), warnings: this.#warnings(request) };
  }

  /** The answer text for a request (exposed for the bench and tests). */
  answer(request: GenerateRequest): string {
    const query = request.grounding?.query ?? lastUserText(request);
    const sentences = selectSentences({
      query,
      documents: request.grounding?.documents ?? [],
      maxSentences: this.#settings.maxSentences,
      minCoverage: this.#settings.minCoverage,
    });
    if (sentences.length === 0) return NOTHING_FOUND_ANSWER;
    return sentences.map((s) => `${s.text.replace(/\s+/g, ' ')} [${s.citation}]`).join(' ');
  }
}

function lastUserText(request: GenerateRequest): string {
  return [...request.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
}

/**
 * The extractive provider (not a language model; see ExtractiveLanguageModel).
 * @example
 * const model = createExtractive()('extractive-v1');
 */
export function createExtractive(settings: ExtractiveSettings = {}): (modelId?: string) => LanguageModel {
  return (modelId) => new ExtractiveLanguageModel(modelId, settings);
}
