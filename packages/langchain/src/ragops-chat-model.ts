import { randomUUID } from 'node:crypto';
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import { BaseChatModel, type BaseChatModelParams } from '@langchain/core/language_models/chat_models';
import { AIMessage, AIMessageChunk, type BaseMessage } from '@langchain/core/messages';
import { ChatGenerationChunk, type ChatResult } from '@langchain/core/outputs';
import { type MetadataStore, type Principal, parseInput } from '@ragops/core';
import {
  type ChainAnswer,
  type ChainHost,
  type ChainVersion,
  type ChatMessage,
  callBudget,
  chainFailureOf,
} from '@ragops/rag';
import {
  type ChatModelSettings,
  chatModelSettingsSchema,
  flattenSettings,
  type ParsedChatModelSettings,
} from './chat-model-settings.ts';
import { authorizedVersion } from './governed-access.ts';
import { buildInProcessRow, type InProcessOutcome } from './in-process-row.ts';
import { recordInferenceRow } from './record-row.ts';
import { ragopsMetadata, usageMetadata } from './response-metadata.ts';
import { toChatMessages } from './to-chat-messages.ts';

export type RagopsChatModelOptions = BaseChatModelParams &
  ChatModelSettings & {
    /** The chain host that runs registered versions (`createChainHost` in @ragops/rag). */
    host: ChainHost;
    /** The store the host reads: grants are checked and inference rows written here. */
    store: MetadataStore;
    /** Who calls: EXECUTE on the model is checked on every call. */
    principal: Principal;
  };

/** One call in flight: what its inference row needs, filled in as it goes. */
type Call = Omit<InProcessOutcome, 'latencyTotalMs'> & { started: number };

/**
 * A LangChain chat model that runs a registered model version through the chain host, in-process:
 * the input's last human message is the question (a string input is one), the output an AIMessage
 * whose `response_metadata.ragops` has the citations, the served version and the request id;
 * `.stream()` yields the chain's own text deltas. Every call needs EXECUTE on the model for the
 * principal and writes one inference row (`source: 'in-process'`, endpoint `in-process:<model>`).
 * Refusals throw @ragops/core's NotFoundError / PermissionDeniedError; chain failures the chain's
 * typed error (an AbortError for a timeout or an abort).
 * @example
 * const model = new RagopsChatModel({ host, store, principal, modelUri: 'models:/dev.qs.docs_qa@champion' });
 * const reply = await model.invoke('What does the champion alias mark?');
 * console.log(reply.text, reply.response_metadata.ragops.citations);
 */
export class RagopsChatModel extends BaseChatModel {
  readonly #host: ChainHost;
  readonly #store: MetadataStore;
  readonly #principal: Principal;
  readonly #settings: ParsedChatModelSettings;

  constructor(options: RagopsChatModelOptions) {
    const { host, store, principal, modelUri, timeoutMs, content, ...langchain } = options;
    // Only LangChain's own fields go to the base class (kept as `lc_kwargs`, serialised by toJSON()
    // and tracers): the host, store and principal stay private.
    super(langchain);
    this.#host = host;
    this.#store = store;
    this.#principal = principal;
    this.#settings = flattenSettings(
      parseInput(chatModelSettingsSchema, { modelUri, timeoutMs, content }, 'RagopsChatModel options'),
    );
  }

  _llmType(): string {
    return 'ragops';
  }

  /** The model URI this chat model runs (`models:/c.s.m@alias` or `…/N`). */
  get modelUri(): string {
    return this.#settings.modelUri;
  }

  override async _generate(messages: BaseMessage[], options: this['ParsedCallOptions']): Promise<ChatResult> {
    const call = this.#begin(false);
    try {
      call.messages = toChatMessages(messages);
      call.version = await this.#authorize();
      const outcome = await this.#host.answer({
        version: call.version,
        messages: call.messages,
        ...(this.#settings.timeoutMs !== undefined && { timeoutMs: this.#settings.timeoutMs }),
        ...(options.signal && { abortSignal: options.signal }),
      });
      if (!outcome.ok) {
        call.failure = outcome.failure;
        throw outcome.failure.error;
      }
      call.answer = outcome.answer;
      const message = new AIMessage({
        id: call.requestId,
        content: outcome.answer.answer,
        response_metadata: this.#metadata(call.requestId, outcome.answer),
        usage_metadata: usageMetadata(outcome.answer),
      });
      return { generations: [{ text: outcome.answer.answer, message }] };
    } catch (error) {
      call.failure ??= chainFailureOf(error, { abortSignal: options.signal });
      throw error;
    } finally {
      await this.#record(call);
    }
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const call = this.#begin(true);
    const budget = callBudget(options.signal, this.#settings.timeoutMs);
    let partial = '';
    try {
      call.messages = toChatMessages(messages);
      call.version = await this.#authorize();
      // The chain host's streaming path, as the server's streamed responses use it.
      const chain = await this.#host.chainFor(call.version);
      for await (const event of chain.stream({
        messages: call.messages,
        ...(budget.signal && { abortSignal: budget.signal }),
      })) {
        if (event.type === 'text-delta') {
          partial += event.delta;
          yield new ChatGenerationChunk({
            text: event.delta,
            message: new AIMessageChunk({ id: call.requestId, content: event.delta }),
          });
          await runManager?.handleLLMNewToken(event.delta);
        } else if (event.type === 'finish') {
          call.answer = event.answer;
          // The metadata rides on a last, empty chunk: concatenating the chunks merges it in once.
          yield new ChatGenerationChunk({
            text: '',
            message: new AIMessageChunk({
              id: call.requestId,
              content: '',
              response_metadata: this.#metadata(call.requestId, event.answer),
              usage_metadata: usageMetadata(event.answer),
            }),
          });
        }
      }
    } catch (error) {
      call.failure = budget.failureOf(error);
      throw error;
    } finally {
      // A consumer that stops reading ends the generator here without an error or an answer.
      if (!call.answer && !call.failure) call.failure = { code: 'aborted', message: 'the consumer stopped reading' };
      if (!call.answer) call.partialAnswer = partial;
      budget.dispose();
      await this.#record(call);
    }
  }

  #begin(stream: boolean): Call {
    return {
      requestId: randomUUID(),
      startedAt: new Date(),
      started: performance.now(),
      modelUri: this.#settings.modelUri,
      modelName: this.#settings.modelName,
      principal: this.#principal,
      stream,
      messages: [] as ChatMessage[],
      content: this.#settings.content,
    };
  }

  #authorize(): Promise<ChainVersion> {
    return authorizedVersion({
      store: this.#store,
      principal: this.#principal,
      uri: this.#settings.modelUri,
      privilege: 'EXECUTE',
    });
  }

  #metadata(requestId: string, answer: ChainAnswer) {
    return ragopsMetadata({ requestId, modelUri: this.#settings.modelUri, answer });
  }

  async #record(call: Call): Promise<void> {
    const { started, ...outcome } = call;
    await recordInferenceRow(
      this.#store,
      buildInProcessRow({ ...outcome, latencyTotalMs: performance.now() - started }),
    );
  }
}
