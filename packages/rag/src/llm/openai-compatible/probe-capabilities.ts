import { ProviderCallError } from '@ragops/core';
import type { ChatTransport } from '../openai/chat-transport.ts';
import type { ChatCapabilities, StructuredCapabilities } from '../openai/openai-chat-request.ts';
import { toProviderError } from '../openai/openai-chat-request.ts';

// One probe per server (baseURL), shared by every model and chain that talks to it. A failed probe
// (server down, bad key) is not cached, so the next call probes again.
const probes = new Map<string, Promise<ChatCapabilities>>();
// JSON-schema replies and seeds matter to judges only: probed on first use, so serving never pays for it.
const structuredProbes = new Map<string, Promise<StructuredCapabilities>>();

/**
 * What a self-hosted OpenAI-protocol server accepts, found once by sending tiny requests
 * (max 1 token) that each add one optional parameter: a 400/422 means "not accepted".
 * Other failures propagate as ProviderCallError.
 */
export function probeCapabilities(input: {
  provider: string;
  baseURL: string;
  transport: ChatTransport;
  modelId: string;
}): Promise<ChatCapabilities> {
  // (?<!\/): a match starts only at the first slash of a run; /\/+$/ is quadratic on a long run.
  const key = input.baseURL.replace(/(?<!\/)\/+$/, '');
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
  if (baseURL === undefined) {
    probes.clear();
    structuredProbes.clear();
  } else {
    probes.delete(baseURL.replace(/(?<!\/)\/+$/, ''));
    structuredProbes.delete(baseURL.replace(/(?<!\/)\/+$/, ''));
  }
}

/** Like `probeCapabilities`, for `response_format: json_schema` and `seed` (two tiny requests, once per server). */
export function probeStructuredCapabilities(input: {
  provider: string;
  baseURL: string;
  transport: ChatTransport;
  modelId: string;
}): Promise<StructuredCapabilities> {
  const key = input.baseURL.replace(/(?<!\/)\/+$/, '');
  let probe = structuredProbes.get(key);
  if (probe === undefined) {
    probe = runStructuredProbe(input);
    structuredProbes.set(key, probe);
    probe.catch(() => structuredProbes.delete(key));
  }
  return probe;
}

async function runStructuredProbe(input: {
  provider: string;
  transport: ChatTransport;
  modelId: string;
}): Promise<StructuredCapabilities> {
  const base = { model: input.modelId, messages: [{ role: 'user' as const, content: 'ping' }], max_tokens: 1 };
  const schema = {
    type: 'object',
    properties: { ok: { type: 'boolean' } },
    required: ['ok'],
    additionalProperties: false,
  };
  const [jsonSchema, seed] = await Promise.all([
    accepted(input.provider, () =>
      input.transport.complete({
        ...base,
        response_format: { type: 'json_schema', json_schema: { name: 'probe', schema, strict: true } },
      }),
    ),
    accepted(input.provider, () => input.transport.complete({ ...base, seed: 1 })),
  ]);
  return { jsonSchema, seed };
}

/** True when the call succeeds, false on 400/422 (parameter not accepted); other failures propagate. */
async function accepted(provider: string, call: () => Promise<unknown>): Promise<boolean> {
  try {
    await call();
    return true;
  } catch (error) {
    if (ProviderCallError.isInstance(error) && (error.statusCode === 400 || error.statusCode === 422)) return false;
    throw toProviderError(provider, error, undefined);
  }
}

async function runProbe(input: {
  provider: string;
  transport: ChatTransport;
  modelId: string;
}): Promise<ChatCapabilities> {
  const base = { model: input.modelId, messages: [{ role: 'user' as const, content: 'ping' }], max_tokens: 1 };
  const accepted = async (call: () => Promise<unknown>): Promise<boolean> => {
    try {
      await call();
      return true;
    } catch (error) {
      if (ProviderCallError.isInstance(error) && (error.statusCode === 400 || error.statusCode === 422)) return false;
      throw toProviderError(input.provider, error, undefined);
    }
  };
  const [streamUsage, topP, n] = await Promise.all([
    accepted(async () => {
      const stream = await input.transport.stream({
        ...base,
        stream: true,
        stream_options: { include_usage: true },
      });
      for await (const _ of stream) {
        // drain: a server may only fail once it starts streaming
      }
    }),
    accepted(() => input.transport.complete({ ...base, top_p: 1 })),
    accepted(() => input.transport.complete({ ...base, n: 1 })),
  ]);
  return { streamUsage, topP, n };
}
