import { AIMessage, HumanMessage, SystemMessage, ToolMessage } from '@langchain/core/messages';
import { describe, expect, it } from 'vitest';
import { toChatMessages } from './to-chat-messages.ts';

describe('toChatMessages', () => {
  it('maps human, ai and system messages, text blocks joined', () => {
    expect(
      toChatMessages([
        new SystemMessage('Be brief.'),
        new HumanMessage('What is an alias?'),
        new AIMessage('A name for a version [1].'),
        new HumanMessage({ content: [{ type: 'text', text: 'And champion?' }] }),
      ]),
    ).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'What is an alias?' },
      { role: 'assistant', content: 'A name for a version [1].' },
      { role: 'user', content: 'And champion?' },
    ]);
  });

  it('refuses tool messages, non-text blocks, no messages and oversized input, naming the message', () => {
    expect(() => toChatMessages([new ToolMessage({ content: 'x', tool_call_id: 't1' })])).toThrow(
      expect.objectContaining({
        code: 'invalid_input',
        message: expect.stringContaining('message 0 is a "tool" message'),
      }),
    );
    const image = new HumanMessage({
      content: [
        { type: 'text', text: 'look' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
      ],
    });
    expect(() => toChatMessages([new HumanMessage('hi'), image])).toThrow(/message 1 has a "image_url" content block/);
    expect(() => toChatMessages([])).toThrow(/no messages/);
    expect(() => toChatMessages([new HumanMessage('x'.repeat(100_001))])).toThrow(/100001 characters, at most 100000/);
    expect(() => toChatMessages(Array.from({ length: 501 }, () => new HumanMessage('q')))).toThrow(/501 messages/);
  });
});
