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
/** Raw loopback HTTP for replies the protocol server will not send: floods, stalls, refused ports. */
export { closedPort, pump, startRawHttpServer } from './raw-http.ts';
/** The protobuf encoder the tiny ONNX model is written with (bench/lib/bert-onnx.ts converts real weights with it). */
export { ProtoMessage } from './tiny-models/protobuf-writer.ts';
/** A 1-layer llama GGUF (SentencePiece vocabulary, ChatML template, random weights), written at test time. */
export type { TinyLlamaGguf } from './tiny-models/write-tiny-llama-gguf.ts';
export { writeTinyLlamaGguf } from './tiny-models/write-tiny-llama-gguf.ts';
/** A BERT-shaped ONNX sentence-embedding folder (WordPiece tokenizer, random weights), written at test time. */
export type { TinySentenceModel } from './tiny-models/write-tiny-sentence-model.ts';
export { writeTinySentenceModel } from './tiny-models/write-tiny-sentence-model.ts';
