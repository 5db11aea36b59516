// After `npm run quickstart`:  npx node packages/langchain/examples/lcel-pipe.ts "your question"
// LLM_BASE_URL (LLM_MODEL, LLM_API_KEY): an OpenAI-compatible server (vLLM, Ollama) for the pipe's model.
import { StringOutputParser } from '@langchain/core/output_parsers';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { RunnablePassthrough, RunnableSequence } from '@langchain/core/runnables';
import { ChatOpenAI } from '@langchain/openai';
import { defaultMetadataUrl, openMetadataStore, readPrincipal } from '@ragops/core';
import { getRagopsMetadata, RagopsChatModel, RagopsRetriever } from '@ragops/langchain';
import { closeIndexReaders, createChainHost } from '@ragops/rag';

const home = process.env.RAGOPS_HOME ?? '.ragops';
const modelUri = process.env.RAGOPS_MODEL_URI ?? 'models:/dev.quickstart.docs_qa@champion';
const question = process.argv[2] ?? 'Can LangChain call ragops?';
const store = await openMetadataStore(process.env.RAGOPS_METADATA_URL ?? defaultMetadataUrl(home));
const principal = await readPrincipal(store, process.env.RAGOPS_PRINCIPAL ?? 'admin');

// LCEL: the ragops retriever → a prompt → any chat model.
const retriever = new RagopsRetriever({ store, home, principal, source: { modelUri } });
const prompt = ChatPromptTemplate.fromMessages([
  ['system', 'Answer from these passages, citing them as [n]:\n\n{context}'],
  ['human', '{question}'],
]);
const context = retriever.pipe((docs) => docs.map((d, i) => `[${i + 1}] ${d.pageContent}`).join('\n\n'));
if (process.env.LLM_BASE_URL) {
  const llm = new ChatOpenAI({
    model: process.env.LLM_MODEL ?? 'llama3.1',
    apiKey: process.env.LLM_API_KEY ?? 'none',
    configuration: { baseURL: process.env.LLM_BASE_URL },
  });
  const chain = RunnableSequence.from([
    { context, question: new RunnablePassthrough() },
    prompt,
    llm,
    new StringOutputParser(),
  ]);
  console.log(await chain.invoke(question));
}

// The registered version itself, run by the chain host (offline with the quickstart's extractive LLM).
const model = new RagopsChatModel({ host: createChainHost({ store, home }), store, principal, modelUri });
const reply = await model.invoke(question);
const { served, citations } = getRagopsMetadata(reply);
console.log(reply.text);
console.log(`served ${served.uri} (index ${served.index.name} v${served.index.version})`);
console.log(citations.map((c) => `[${c.n}] ${c.documentId}`).join('\n'));

await store.close();
await closeIndexReaders();
