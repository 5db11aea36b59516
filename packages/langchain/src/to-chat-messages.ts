import type { BaseMessage } from '@langchain/core/messages';
import { InvalidInputError } from '@ragops/core';
import type { ChatMessage } from '@ragops/rag';

const ROLE_BY_TYPE: Record<string, ChatMessage['role'] | undefined> = {
  human: 'user',
  ai: 'assistant',
  system: 'system',
  // A LangChain `developer` message is OpenAI's system role for reasoning models.
  developer: 'system',
};

// The serving routes' bounds (invocationRequestSchema in @ragops/core: 500 messages, a 100 000
// character question), applied per message here: an in-process caller has no body limit in front of it.
const MAX_MESSAGES = 500;
const MAX_CONTENT_CHARS = 100_000;

/**
 * LangChain messages as the chain runtime's chat (the question is the last user message). Text
 * content only: tool and function messages, images and other non-text blocks are refused with an
 * InvalidInputError naming the message, since a RAG chain answers text with text.
 */
export function toChatMessages(messages: readonly BaseMessage[]): ChatMessage[] {
  if (messages.length === 0) throw new InvalidInputError('RagopsChatModel input: no messages');
  if (messages.length > MAX_MESSAGES)
    throw new InvalidInputError(`RagopsChatModel input: ${messages.length} messages, at most ${MAX_MESSAGES}`);
  return messages.map((message, i) => {
    const type = message.getType();
    const role = ROLE_BY_TYPE[type];
    if (!role) {
      throw new InvalidInputError(
        `RagopsChatModel input: message ${i} is a "${type}" message; a ragops chain takes human, ai and system messages`,
      );
    }
    const blocks = typeof message.content === 'string' ? [] : message.content;
    const other = blocks.find((b) => b.type !== 'text');
    if (other) {
      throw new InvalidInputError(
        `RagopsChatModel input: message ${i} has a "${other.type}" content block; a ragops chain takes text only`,
      );
    }
    const content = message.text;
    if (content.length > MAX_CONTENT_CHARS) {
      throw new InvalidInputError(
        `RagopsChatModel input: message ${i} has ${content.length} characters, at most ${MAX_CONTENT_CHARS}`,
      );
    }
    return { role, content };
  });
}
