import type { APIError, ClientOptions, OpenAI } from 'openai';

// The official SDK is 236 modules: importing it at start cost every command that loads
// @ragops/rag (an eval run on the offline judges, `index build`, the server with an extractive
// chain) for a client it never called. It loads on a model's first call instead (see
// chunk-document.ts for what both lazy imports save at `ragops eval run` start).
type Sdk = typeof import('openai');
let sdk: Sdk | undefined;
let loading: Promise<Sdk> | undefined;

function loadSdk(): Promise<Sdk> {
  loading ??= import('openai').then((m) => {
    sdk = m;
    return m;
  });
  return loading;
}

/** A client built on first use (one per provider config), so the SDK loads only when a call is made. */
export function lazyOpenAIClient(options: ClientOptions): () => Promise<OpenAI> {
  let client: Promise<OpenAI> | undefined;
  return () => {
    client ??= loadSdk().then((m) => new m.OpenAI(options));
    return client;
  };
}

/** The SDK's APIError (an HTTP answer with a status); false before any client was built. */
export function isOpenAIAPIError(error: unknown): error is APIError {
  return sdk !== undefined && error instanceof sdk.APIError;
}
