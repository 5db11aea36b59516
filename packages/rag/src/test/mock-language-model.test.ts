import { describe, expect, it } from 'vitest';
import { generate } from '../llm/generate.ts';
import { stream } from '../llm/stream.ts';
import { MockLanguageModel } from './mock-language-model.ts';

describe('MockLanguageModel', () => {
  it('replies through generate() and stream(), recording each call', async () => {
    const model = new MockLanguageModel({
      reply: (req) => ({ text: `got ${req.messages.length} message(s)`, usage: { inputTokens: 3, outputTokens: 4 } }),
    });
    const out = await generate({ model, messages: [{ role: 'user', content: 'hi' }] });
    expect(out).toMatchObject({
      text: 'got 1 message(s)',
      provider: 'mock',
      usage: { inputTokens: 3, outputTokens: 4, source: 'provider' },
    });
    let text = '';
    for await (const e of stream({
      model,
      messages: [
        { role: 'user', content: 'a' },
        { role: 'user', content: 'b' },
      ],
    })) {
      if (e.type === 'text-delta') text += e.delta;
    }
    expect(text).toBe('got 2 message(s)');
    expect(model.doGenerateCalls).toHaveLength(1);
    expect(model.doStreamCalls[0]!.messages).toHaveLength(2);
  });
});
