import { renderPrompt } from '@ragops/core';
import type { ChatMessage } from '../llm/language-model.ts';
import type { ChainContext } from './chain-types.ts';

/** The variables the runtime fills in every prompt template. */
export const CHAIN_PROMPT_VARIABLES = ['question', 'context', 'contexts', 'history'] as const;

/**
 * Renders the version's prompt template with the registry's `renderPrompt` (mustache, no HTML
 * escaping; a declared variable left without a value is refused) with
 * `question`, `context` (numbered passages as one text), `contexts` (the list, for loops) and
 * `history` (earlier turns as text), and places it as the last user message after the caller's
 * system messages and earlier turns.
 */
export function buildChainMessages(input: {
  prompt: { template: string; variables?: readonly string[]; path?: string };
  question: string;
  contexts: readonly ChainContext[];
  messages: readonly ChatMessage[];
}): ChatMessage[] {
  const lastUser = input.messages.findLastIndex((m) => m.role === 'user');
  const earlier = lastUser >= 0 ? input.messages.slice(0, lastUser) : input.messages;
  const view = {
    question: input.question,
    context: input.contexts
      .map((c) => `[${c.n}]${c.title ? ` ${c.title}` : ''} (${c.documentId})\n${c.text}`)
      .join('\n\n'),
    contexts: input.contexts,
    history: earlier
      .filter((m) => m.role !== 'system')
      .map((m) => `${m.role}: ${m.content}`)
      .join('\n'),
  };
  const rendered = renderPrompt(
    {
      template: input.prompt.template,
      variables: [...(input.prompt.variables ?? [])],
      path: input.prompt.path ?? 'prompt',
    },
    view,
  );
  const system = earlier.filter((m) => m.role === 'system');
  const turns = earlier.filter((m) => m.role !== 'system');
  return [...system, ...turns, { role: 'user', content: rendered }];
}

/** The question a request asks: `question`, else the last user message. */
export function questionOf(request: { question?: string; messages?: readonly ChatMessage[] }): string | undefined {
  if (request.question !== undefined) return request.question;
  return request.messages?.findLast((m) => m.role === 'user')?.content;
}

/** Contexts the answer cites with [n], in order of first citation; unknown numbers are ignored. */
export function citedContexts<T extends { n: number }>(answer: string, contexts: readonly T[]): T[] {
  const seen = new Set<number>();
  const cited: T[] = [];
  for (const match of answer.matchAll(/\[(\d{1,3})\]/g)) {
    const n = Number(match[1]);
    const context = contexts.find((c) => c.n === n);
    if (context && !seen.has(n)) {
      seen.add(n);
      cited.push(context);
    }
  }
  return cited;
}
