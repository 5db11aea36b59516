import { createHash } from 'node:crypto';

/**
 * Deterministic payloads for the loopback OpenAI-protocol server: the same input always gives the
 * same vector, answer and token counts, so tests can assert exact values.
 */

/** A unit vector of `dimensions` floats derived from sha256 of the text (counter-mode expansion). */
export function deterministicEmbedding(text: string, dimensions: number): number[] {
  const values: number[] = [];
  let counter = 0;
  while (values.length < dimensions) {
    const digest = createHash('sha256').update(`${counter}:${text}`).digest();
    for (let i = 0; i + 4 <= digest.length && values.length < dimensions; i += 4) {
      values.push(digest.readUInt32LE(i) / 0xffffffff - 0.5);
    }
    counter += 1;
  }
  const norm = Math.sqrt(values.reduce((sum, v) => sum + v * v, 0)) || 1;
  return values.map((v) => v / norm);
}

/** Float32 little-endian bytes, base64 — what the official SDK asks for when no encoding is given. */
export function toBase64Embedding(vector: readonly number[]): string {
  const floats = Float32Array.from(vector);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64');
}

/** Whitespace word count: the fake server's "tokenizer" (deterministic, cheap, documented). */
export function countWords(text: string): number {
  const trimmed = text.trim();
  return trimmed === '' ? 0 : trimmed.split(/\s+/).length;
}

export type ChatMessageLike = { role: string; content?: unknown };

/** Text of a message's content, whether a string or an array of `{type:'text', text}` parts. */
export function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) =>
        typeof part === 'object' && part !== null && 'text' in part && typeof part.text === 'string' ? part.text : '',
      )
      .join('');
  }
  return '';
}

/** Default answer: echoes (the start of) the last user message. */
export function defaultAnswer(messages: readonly ChatMessageLike[]): string {
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const words = messageText(lastUser?.content).trim().split(/\s+/).filter(Boolean).slice(0, 40);
  return `Echo: ${words.join(' ')}`.trim();
}

/** Splits an answer into stream deltas of one word each (keeping the separating spaces). */
export function streamDeltas(answer: string): string[] {
  return answer.match(/\S+\s*/g) ?? [answer];
}

/** Truncates to `maxTokens` words; `truncated` tells whether finish_reason must be "length". */
export function truncateToTokens(answer: string, maxTokens: number | undefined): { text: string; truncated: boolean } {
  if (maxTokens === undefined) return { text: answer, truncated: false };
  const deltas = streamDeltas(answer);
  if (deltas.length <= maxTokens) return { text: answer, truncated: false };
  return { text: deltas.slice(0, maxTokens).join('').trimEnd(), truncated: true };
}
