// @ragops/langchain: LangChain.js over what ragops governs, in-process. Its LangChain types stay in
// this package: apps never import it (test/dependency-direction.test.ts), so the server's TypeScript
// project never sees LangChain's declarations beside @hono/zod-openapi's zod extension.
// Explicit named exports only (STYLE.md §1).

/** The settings of a RagopsChatModel that are data: model URI, timeout, row content. */
export { type ChatModelSettings, chatModelSettingsSchema } from './chat-model-settings.ts';
/** The endpoint name in-process inference rows carry: `in-process:<catalog.schema.model>`. */
export { inProcessEndpoint } from './in-process-row.ts';
/**
 * A LangChain chat model over a registered model version, run by the chain host: EXECUTE checked,
 * citations and the served version in `response_metadata.ragops`, one inference row per call.
 * @example
 * const model = new RagopsChatModel({ host, store, principal, modelUri: 'models:/dev.qs.docs_qa@champion' });
 * const reply = await model.invoke('What does the champion alias mark?');
 */
export { RagopsChatModel, type RagopsChatModelOptions } from './ragops-chat-model.ts';
/**
 * A LangChain retriever over a model version's pinned index or an index version by name: READ
 * checked, the same top-k as `ragops index query`.
 * @example
 * const retriever = new RagopsRetriever({ store, home, principal, source: { index: 'dev.qs.kb', k: 4 } });
 */
export { type RagopsDocumentMetadata, RagopsRetriever, type RagopsRetrieverOptions } from './ragops-retriever.ts';
/** `response_metadata.ragops` of an answer, and its typed accessor. */
export { getRagopsMetadata, type RagopsResponseMetadata } from './response-metadata.ts';
/** What a retriever reads: `{ modelUri }` or `{ index, version?, build?, k?, mode? }`. */
export { type RetrieverSource, retrieverSourceSchema } from './retriever-source.ts';
