import type {
  GenerateRequest,
  GenerateResult,
  LanguageModel,
  StreamPart,
  StreamResult,
} from '../llm/language-model.ts';

export type MockReply = Partial<Omit<GenerateResult, 'text'>> & { text: string };

/**
 * A LanguageModel double for tests above the providers (chain runtime, serving). Replies with a
 * fixed text, a function of the request, or throws what `reply` throws. Records every call.
 * @example
 * const model = new MockLanguageModel({ reply: (req) => ({ text: `got ${req.messages.length}` }) });
 */
export class MockLanguageModel implements LanguageModel {
  readonly specificationVersion = 'v1';
  readonly provider: string;
  readonly modelId: string;
  readonly doGenerateCalls: GenerateRequest[] = [];
  readonly doStreamCalls: GenerateRequest[] = [];
  readonly #reply: (request: GenerateRequest) => MockReply | Promise<MockReply>;

  constructor(
    input: {
      provider?: string;
      modelId?: string;
      reply?: string | ((request: GenerateRequest) => MockReply | Promise<MockReply>);
    } = {},
  ) {
    this.provider = input.provider ?? 'mock';
    this.modelId = input.modelId ?? 'mock-model';
    const reply = input.reply ?? 'mock answer';
    this.#reply = typeof reply === 'string' ? () => ({ text: reply }) : reply;
  }

  async doGenerate(request: GenerateRequest): Promise<GenerateResult> {
    this.doGenerateCalls.push(request);
    const reply = await this.#reply(request);
    return {
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: undefined,
      warnings: [],
      ...reply,
    };
  }

  async doStream(request: GenerateRequest): Promise<StreamResult> {
    this.doStreamCalls.push(request);
    const reply = await this.#reply(request);
    async function* parts(): AsyncGenerator<StreamPart> {
      for (const delta of reply.text.match(/\S+\s*/g) ?? []) yield { type: 'text-delta', delta };
      yield {
        type: 'finish',
        finishReason: reply.finishReason ?? { unified: 'stop', raw: 'stop' },
        usage: reply.usage,
      };
    }
    return { stream: parts(), warnings: reply.warnings ?? [] };
  }
}
