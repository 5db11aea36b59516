import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAICompatible } from '../llm/openai-compatible/create-openai-compatible.ts';
import { type OpenAIProtocolServer, startOpenAIProtocolServer } from '../test/openai-protocol-server.ts';
import { llmRerank } from './llm-rerank.ts';

// A real HTTP model on loopback whose reply the test sets: the reranker's prompt, parsing and fallback.
let reply = '';
let server: OpenAIProtocolServer;
beforeAll(async () => {
  server = await startOpenAIProtocolServer({ answer: () => reply });
});
afterAll(async () => {
  await server.close();
});

const model = () => createOpenAICompatible({ baseURL: server.baseURL })('test-model');
const hits = ['alpha passage', 'beta passage', 'gamma passage', 'delta passage'].map((text, i) => ({
  id: `c${i + 1}`,
  text,
}));
const ids = (items: readonly { id: string }[]) => items.map((h) => h.id);

describe('llmRerank', () => {
  it('reorders the first `depth` passages as the model ranks them; unranked ones follow in order, the rest after', async () => {
    reply = '{"ranking": [3, 1, 3, 9]}'; // a repeat and an out-of-range number are ignored
    const { items, warnings } = await llmRerank('which is gamma?', hits, (h) => h.text, { model: model(), depth: 3 });
    expect(ids(items)).toEqual(['c3', 'c1', 'c2', 'c4']);
    expect(warnings).toEqual([]);
    const sent = server.requests.at(-1)!.body as { messages: { role: string; content: string }[]; max_tokens?: number };
    expect(sent.max_tokens).toBe(256); // a rambling reranker stops at a ranking's length
    const user = sent.messages.find((m) => m.role === 'user')!.content;
    expect(user).toContain('Question: which is gamma?');
    expect(user).toContain('[3] gamma passage');
    expect(user).not.toContain('delta'); // beyond depth: not sent
  });

  it('reads a ranking wrapped in a code fence', async () => {
    reply = '```json\n{"ranking": [2]}\n```';
    const { items } = await llmRerank('q', hits, (h) => h.text, { model: model() });
    expect(ids(items)).toEqual(['c2', 'c1', 'c3', 'c4']);
  });

  it('keeps the retrieval order, with a warning, when the reply is no ranking', async () => {
    for (const bad of ['I think passage 2.', '{"ranking": "2,1"}', '{"ranking": [0, 7]}']) {
      reply = bad;
      const { items, warnings } = await llmRerank('q', hits, (h) => h.text, { model: model() });
      expect(ids(items)).toEqual(['c1', 'c2', 'c3', 'c4']);
      expect(warnings[0]).toMatch(/no ranking/);
    }
  });

  it('cuts each passage to maxPassageChars and throws when the provider fails', async () => {
    reply = '{"ranking": [1]}';
    const long = [{ id: 'x', text: 'y'.repeat(5000) }, ...hits];
    await llmRerank('q', long, (h) => h.text, { model: model(), maxPassageChars: 100 });
    const user = (server.requests.at(-1)!.body as { messages: { content: string }[] }).messages[1]!.content;
    expect(user).toContain(`[1] ${'y'.repeat(100)}\n`);

    server.faults.push({ kind: 'status', status: 400, message: 'bad request' });
    await expect(llmRerank('q', hits, (h) => h.text, { model: model() })).rejects.toThrow(/bad request|400/);
  }, 30_000);
});
