import { z } from 'zod';

// Content may be a string or OpenAI's array of parts; only text parts carry meaning for a RAG chain.
const contentSchema = z.union([
  z.string(),
  z.array(z.looseObject({ type: z.string(), text: z.string().optional() })),
  z.null(),
]);

/** One chat message as OpenAI clients send it (loose: clients add fields such as `name`). */
export const chatMessageInputSchema = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: contentSchema.optional(),
});
export type ChatMessageInput = z.infer<typeof chatMessageInputSchema>;

/**
 * The inputs of a RAG chain, each with the description the model signature shows. The native
 * invocation route accepts exactly these keys, and `RAG_CHAIN_SIGNATURE.inputs` is derived from them,
 * so what a version advertises and what its endpoint accepts cannot drift apart.
 */
const invocationFields = {
  messages: z.array(chatMessageInputSchema).min(1).max(500).optional().describe('chat messages (OpenAI shape)'),
  question: z.string().min(1).max(100_000).optional().describe('string, when messages are absent'),
  temperature: z.number().min(0).max(2).optional().describe('number 0..2, optional: overrides the version'),
  max_tokens: z.number().int().positive().optional().describe('integer, optional: most answer tokens'),
  user: z.string().max(256).optional().describe('string, optional: end-user id (sticky traffic, provider)'),
};

/** POST /serving-endpoints/{name}/invocations: chat messages or one plain question. */
export const invocationRequestSchema = z
  .strictObject(invocationFields)
  .refine((b) => (b.messages === undefined) !== (b.question === undefined), {
    message: 'send either messages or question',
  });
export type InvocationRequest = z.infer<typeof invocationRequestSchema>;

/** Input name → description, as a model version's signature records it. */
export const RAG_CHAIN_INPUTS: Readonly<Record<keyof typeof invocationFields, string>> = Object.fromEntries(
  Object.entries(invocationFields).map(([name, schema]) => [name, schema.description ?? '']),
) as Record<keyof typeof invocationFields, string>;
