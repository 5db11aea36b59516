import type OpenAI from 'openai';
import { APIError } from 'openai';
import type { ChatCapabilities } from '../openai/openai-chat-request.ts';
import { toProviderError } from '../openai/openai-chat-request.ts';

// One probe per server (baseURL), shared by every model and chain that talks to it. A failed probe
// (server down, bad key) is not cached, so the next call probes again.
const probes = new Map<string, Promise<ChatCapabilities>>();

/**
 * What a self-hosted OpenAI-protocol server accepts, found once by sending tiny requests
 * (max 1 token) that each add one optional parameter: a 400/422 means "not accepted".
 * Other failures propagate as ProviderCallError.
 */
export function probeCapabilities(input: {
  provider: string;
  baseURL: string;
  client: OpenAI;
  modelId: string;
}): Promise<ChatCapabilities> {
  const key = input.baseURL.replace(/\/+$/, '');
  let probe = probes.get(key);
  if (probe === undefined) {
    probe = runProbe(input);
    probes.set(key, probe);
    probe.catch(() => probes.delete(key));
  }
  return probe;
}

/** Forgets the cached probe of one server (it rejected what it was found to accept), or of all. */
export function forgetCapabilities(baseURL?: string): void {
  if (baseURL === undefined) probes.clear();
  else probes.delete(baseURL.replace(/\/+$/, ''));
}

async function runProbe(input: { provider: string; client: OpenAI; modelId: string }): Promise<ChatCapabilities> {
  const base = { model: input.modelId, messages: [{ role: 'user' as const, content: 'ping' }], max_tokens: 1 };
  const accepted = async (call: () => Promise<unknown>): Promise<boolean> => {
    try {
      await call();
      return true;
    } catch (error) {
      if (error instanceof APIError && (error.status === 400 || error.status === 422)) return false;
      throw toProviderError(input.provider, error, undefined);
    }
  };
  const [streamUsage, topP, n] = await Promise.all([
    accepted(async () => {
      const stream = await input.client.chat.completions.create({
        ...base,
        stream: true,
        stream_options: { include_usage: true },
      });
      for await (const _ of stream) {
        // drain: a server may only fail once it starts streaming
      }
    }),
    accepted(() => input.client.chat.completions.create({ ...base, top_p: 1 })),
    accepted(() => input.client.chat.completions.create({ ...base, n: 1 })),
  ]);
  return { streamUsage, topP, n };
}
