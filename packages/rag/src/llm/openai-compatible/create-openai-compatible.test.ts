import { afterEach, describe, expect, it } from 'vitest';
import { type OpenAIProtocolServer, startOpenAIProtocolServer } from '../../test/openai-protocol-server.ts';
import { generate } from '../generate.ts';
import { createOpenAICompatible } from './create-openai-compatible.ts';

let server: OpenAIProtocolServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
const messages = [{ role: 'user' as const, content: 'tell me about vectors' }];

describe('createOpenAICompatible', () => {
  it('probes once per baseURL, then leaves out what the server rejects with a warning', async () => {
    server = await startOpenAIProtocolServer({ quirks: { rejectParams: ['top_p', 'n'] } });
    const provider = createOpenAICompatible({ name: 'tgi', baseURL: server.baseURL });
    const a = await generate({ model: provider('m1'), messages, topP: 0.9, providerOptions: { tgi: { n: 1 } } });
    const b = await generate({ model: provider('m2'), messages, topP: 0.9 });
    expect(a.text).toBe('Echo: tell me about vectors');
    expect(a.warnings).toEqual([
      'top_p is not accepted by this server and was not sent',
      'n is not accepted by this server and was not sent',
    ]);
    expect(b.warnings).toHaveLength(1);
    expect(server.requests).toHaveLength(3 + 2);
    const real = server.requests.slice(3).map((r) => r.body as Record<string, unknown>);
    expect(real.every((body) => !('top_p' in body) && !('n' in body))).toBe(true);
    expect(real[0]).toMatchObject({ model: 'm1', messages });
  });

  it('sends accepted optional parameters and max_tokens', async () => {
    server = await startOpenAIProtocolServer();
    const model = createOpenAICompatible({ baseURL: server.baseURL })('m');
    const out = await generate({ model, messages, topP: 0.5, maxOutputTokens: 2, temperature: 0 });
    expect(out.finishReason).toEqual({ unified: 'length', raw: 'length' });
    expect(out.warnings).toEqual([]);
    expect(server.requests.at(-1)!.body).toMatchObject({ top_p: 0.5, max_tokens: 2, temperature: 0 });
  });

  it('sends no Authorization header without a key, and a bearer with one', async () => {
    server = await startOpenAIProtocolServer();
    const caps = { streamUsage: true, topP: true, n: true };
    await generate({ model: createOpenAICompatible({ baseURL: server.baseURL, capabilities: caps })('m'), messages });
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
    await generate({
      model: createOpenAICompatible({ baseURL: server.baseURL, apiKey: 'k1', capabilities: caps })('m'),
      messages,
    });
    expect(server.requests[1]!.headers.authorization).toBe('Bearer k1');
  });

  it('does not cache a failed probe', async () => {
    server = await startOpenAIProtocolServer();
    server.faults.push({ kind: 'status', status: 503, times: 3 });
    const model = createOpenAICompatible({ baseURL: server.baseURL })('m');
    await expect(generate({ model, messages, maxRetries: 0 })).rejects.toMatchObject({ statusCode: 503 });
    await expect(generate({ model, messages, maxRetries: 0 })).resolves.toMatchObject({ text: /Echo/ });
  });

  it('refuses provider options it does not know', async () => {
    server = await startOpenAIProtocolServer();
    const model = createOpenAICompatible({ name: 'x', baseURL: server.baseURL })('m');
    await expect(
      generate({ model, messages, maxRetries: 0, providerOptions: { x: { bogus: true } } }),
    ).rejects.toMatchObject({ isRetryable: false, message: expect.stringMatching(/providerOptions\.x/) });
  });

  it('re-probes and retries once when the server starts rejecting a parameter it accepted', async () => {
    const quirks: { rejectParams: string[] } = { rejectParams: [] };
    server = await startOpenAIProtocolServer({ quirks });
    const model = createOpenAICompatible({ name: 'vllm', baseURL: server.baseURL })('m');
    expect((await generate({ model, messages, topP: 0.5 })).warnings).toEqual([]);
    quirks.rejectParams = ['top_p']; // e.g. the server was upgraded behind the same URL
    const out = await generate({ model, messages, topP: 0.5, maxRetries: 0 });
    expect(out.warnings).toEqual(['top_p is not accepted by this server and was not sent']);
    // probe (3) + call, then rejected call + re-probe (3) + retried call
    expect(server.requests).toHaveLength(3 + 1 + 1 + 3 + 1);
  });
});
