import { afterEach, describe, expect, it } from 'vitest';
import { type OpenAIProtocolServer, startOpenAIProtocolServer } from '../../test/openai-protocol-server.ts';
import { generate } from '../generate.ts';
import { createOpenAICompatible } from './create-openai-compatible.ts';
import { forgetCapabilities } from './probe-capabilities.ts';

let server: OpenAIProtocolServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  forgetCapabilities();
});
const messages = [{ role: 'user' as const, content: 'judge this' }];
const responseFormat = { type: 'json' as const, name: 'verdict', schema: { type: 'object' } };
const chat = (s: OpenAIProtocolServer) => s.requests.filter((r) => r.path === '/v1/chat/completions');

describe('response_format and seed (probed on first use)', () => {
  it('sends a JSON schema and a seed to a server that accepts them, probing once', async () => {
    server = await startOpenAIProtocolServer();
    const model = createOpenAICompatible({ name: 'vllm', baseURL: server.baseURL })('m');
    const request = { model, messages, responseFormat, providerOptions: { vllm: { seed: 7 } } };
    expect((await generate(request)).warnings).toEqual([]);
    await generate(request);
    // 3 base probes + 2 structured probes, then the two calls
    expect(chat(server)).toHaveLength(3 + 2 + 2);
    expect(chat(server).at(-1)!.body).toMatchObject({
      seed: 7,
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'verdict', schema: { type: 'object' }, strict: true },
      },
    });
  });

  it('leaves out what a server rejects, with a warning', async () => {
    server = await startOpenAIProtocolServer({ quirks: { rejectParams: ['response_format', 'seed'] } });
    const model = createOpenAICompatible({ name: 'ollama', baseURL: server.baseURL })('m');
    const out = await generate({ model, messages, responseFormat, providerOptions: { ollama: { seed: 7 } } });
    expect(out.warnings).toEqual([
      'seed is not accepted by this server and was not sent',
      'response_format is not accepted by this server and was not sent',
    ]);
    const body = chat(server).at(-1)!.body as Record<string, unknown>;
    expect('response_format' in body || 'seed' in body).toBe(false);
  });

  it('costs serving nothing: a request without them sends no structured probe', async () => {
    server = await startOpenAIProtocolServer();
    await generate({ model: createOpenAICompatible({ baseURL: server.baseURL })('m'), messages });
    expect(chat(server)).toHaveLength(3 + 1);
  });
});
