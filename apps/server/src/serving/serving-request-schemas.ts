import { type ChatMessageInput, chatMessageInputSchema as messageSchema } from '@ragops/core';
import { z } from 'zod';

// The native invocation body is core's `invocationRequestSchema`: the model signature is derived from it.
export { type InvocationRequest, invocationRequestSchema } from '@ragops/core';

/**
 * POST /v1/chat/completions. Loose on purpose: clients (LangChain, promptfoo) send parameters a RAG
 * endpoint does not use (frequency_penalty, logprobs, …); they are accepted and ignored. What we
 * read is typed and bounded.
 */
export const chatCompletionRequestSchema = z.looseObject({
  /** The endpoint name. */
  model: z.string().min(1).max(200),
  messages: z.array(messageSchema).min(1).max(500),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  n: z.literal(1).nullish(),
  // Read only to say it is not applied (a `ragops.warnings` line): answers are text with citations.
  response_format: z.looseObject({ type: z.string().max(100) }).nullish(),
  user: z.string().max(256).nullish(),
});
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;

type Message = ChatMessageInput;

/** OpenAI messages → the chain's plain-text messages (developer → system; tool output dropped). */
export function toChainMessages(messages: readonly Message[]) {
  return messages
    .filter((m) => m.role === 'system' || m.role === 'developer' || m.role === 'user' || m.role === 'assistant')
    .map((m) => ({
      role: m.role === 'developer' ? ('system' as const) : (m.role as 'system' | 'user' | 'assistant'),
      content: textOf(m.content),
    }));
}

function textOf(content: Message['content']): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (p.type === 'text' ? (p.text ?? '') : '')).join('');
  return '';
}
