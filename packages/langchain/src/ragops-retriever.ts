import type { CallbackManagerForRetrieverRun } from '@langchain/core/callbacks/manager';
import { Document } from '@langchain/core/documents';
import { BaseRetriever, type BaseRetrieverInput } from '@langchain/core/retrievers';
import { type MetadataStore, type Principal, parseInput } from '@ragops/core';
import { type QueryIndexOptions, queryIndex } from '@ragops/rag/search';
import { authorizedVersion, authorizeIndex } from './governed-access.ts';
import { type RetrieverSource, retrieverSourceSchema } from './retriever-source.ts';

/** What each Document's metadata says about the chunk and where it was retrieved from. */
export type RagopsDocumentMetadata = {
  documentId: string;
  title: string | null;
  chunkId: string;
  /** The fused (or single-list) score queryIndex ranked by: higher is better. */
  score: number;
  /** 1-based rank in this result. */
  rank: number;
  headingPath: string[];
  startChar: number;
  endChar: number;
  indexName: string;
  /** The LanceDB table version searched (a model version's pin, or the version asked for). */
  indexVersion: number;
  /** With a model URI: the version whose pinned index was searched (`models:/c.s.m/3`). */
  modelVersionUri?: string;
};

export type RagopsRetrieverOptions = BaseRetrieverInput & {
  store: MetadataStore;
  /** RAGOPS_HOME: where index versions live. */
  home: string;
  /** Who retrieves: READ on the index (and on the model, for a model URI) is checked on every call. */
  principal: Principal;
  source: RetrieverSource;
  /** Environment values for hosted query embedders' API keys (packages never read process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  fetch?: typeof fetch;
};

/**
 * A LangChain retriever over a governed index version: a registered model version's pinned index
 * (with its retriever settings: k, mode, filters) or an index by name (optionally a version or build),
 * through the same `queryIndex` as `ragops index query`, so the top-k is the same.
 * Throws NotFoundError / PermissionDeniedError (from @ragops/core) when the principal may not read.
 * @example
 * const retriever = new RagopsRetriever({ store, home, principal, source: { modelUri: 'models:/dev.qs.docs_qa@champion' } });
 * const docs = await retriever.invoke('What does the champion alias mark?');
 */
export class RagopsRetriever extends BaseRetriever<RagopsDocumentMetadata> {
  lc_namespace = ['ragops', 'retrievers'];
  readonly #store: MetadataStore;
  readonly #home: string;
  readonly #principal: Principal;
  readonly #source: RetrieverSource;
  readonly #env: Readonly<Record<string, string | undefined>> | undefined;
  readonly #fetch: typeof fetch | undefined;

  constructor(options: RagopsRetrieverOptions) {
    const { store, home, principal, source, env, fetch, ...langchain } = options;
    // Only LangChain's own fields go to the base class: it keeps them as `lc_kwargs`, which toJSON()
    // and tracers serialise, and `env` may hold API keys, the store a connection.
    super(langchain);
    this.#store = store;
    this.#home = home;
    this.#principal = principal;
    this.#source = parseInput(retrieverSourceSchema, source, 'RagopsRetriever source');
    this.#env = env;
    this.#fetch = fetch;
  }

  override async _getRelevantDocuments(
    query: string,
    _runManager?: CallbackManagerForRetrieverRun,
  ): Promise<Document<RagopsDocumentMetadata>[]> {
    const { options, modelVersionUri } = await this.#queryOptions(query);
    const result = await queryIndex(options);
    return result.hits.map(
      (hit, i) =>
        new Document<RagopsDocumentMetadata>({
          id: hit.chunkId,
          pageContent: hit.text,
          metadata: {
            documentId: hit.documentId,
            title: hit.title ?? null,
            chunkId: hit.chunkId,
            score: hit.score,
            rank: i + 1,
            headingPath: [...hit.headingPath], // a Document is the caller's to change; the hit's is shared
            startChar: hit.startChar,
            endChar: hit.endChar,
            indexName: result.index,
            indexVersion: result.version,
            ...(modelVersionUri && { modelVersionUri }),
          },
        }),
    );
  }

  /** The grants first, then the queryIndex call the source stands for. */
  async #queryOptions(text: string): Promise<{ options: QueryIndexOptions; modelVersionUri?: string }> {
    const base = {
      home: this.#home,
      text,
      ...(this.#env && { env: this.#env }),
      ...(this.#fetch && { fetch: this.#fetch }),
    };
    const source = this.#source;
    if ('modelUri' in source) {
      const v = await authorizedVersion({
        store: this.#store,
        principal: this.#principal,
        uri: source.modelUri,
        privilege: 'READ',
      });
      const { index, chain } = v.package;
      await authorizeIndex({ store: this.#store, principal: this.#principal, name: index.name });
      // The chain's own retrieval (load-chain.ts): pinned version, k, mode and metadata filters.
      const filters = chain.retriever.filters;
      return {
        modelVersionUri: `models:/${v.modelName}/${v.version}`,
        options: {
          ...base,
          name: index.name,
          version: index.version,
          k: chain.retriever.k,
          mode: chain.retriever.mode,
          ...(Object.keys(filters).length > 0 && { filter: { metadata: filters } }),
        },
      };
    }
    await authorizeIndex({ store: this.#store, principal: this.#principal, name: source.index });
    return {
      options: {
        ...base,
        name: source.index,
        ...(source.version !== undefined && { version: source.version }),
        ...(source.build !== undefined && { build: source.build }),
        ...(source.k !== undefined && { k: source.k }),
        ...(source.mode !== undefined && { mode: source.mode }),
      },
    };
  }
}
