/** A loopback HTTP server speaking the OpenAI protocol, with deterministic replies and injectable faults. */

/** A LanguageModel double that records its calls, for tests above the providers. */
export type { MockReply } from './mock-language-model.ts';
export { MockLanguageModel } from './mock-language-model.ts';
/** The deterministic vector the loopback server returns for a text (to assert exact embeddings). */
export { deterministicEmbedding } from './openai-protocol-fixtures.ts';
export type {
  FaultQueue,
  OpenAIProtocolFault,
  OpenAIProtocolQuirks,
  OpenAIProtocolServer,
  OpenAIProtocolServerOptions,
  RecordedRequest,
} from './openai-protocol-server.ts';
export { startOpenAIProtocolServer } from './openai-protocol-server.ts';
