import { type PromptSections, renderPrompt, splitPromptSections } from '@ragops/core';
import type { ChatMessage } from '../llm/language-model.ts';
import type { ChainContext } from './chain-types.ts';
import { formatNeutralizedPassages, neutralizeDelimiters } from './format-passages.ts';

/** The variables the runtime fills in every prompt template. */
export const CHAIN_PROMPT_VARIABLES = ['question', 'context', 'contexts', 'history'] as const;

/**
 * Renders the version's prompt template with the registry's `renderPrompt` (mustache, no HTML
 * escaping; a declared variable left without a value is refused) with `question`, `context` (the
 * passages between `<passage>` delimiters a document cannot forge), `contexts` (the list, texts
 * neutralised the same way, for loops) and `history` (earlier turns as text).
 *
 * A template with a `system:` part sends it as the first message (the caller's system messages are
 * appended to it: one system message, which every chat template accepts), then the earlier turns,
 * then the `user:` part. A template without role lines is the user part alone, as before.
 */
export function buildChainMessages(input: {
  prompt: { template: string; variables?: readonly string[]; path?: string };
  question: string;
  contexts: readonly ChainContext[];
  messages: readonly ChatMessage[];
}): ChatMessage[] {
  const lastUser = input.messages.findLastIndex((m) => m.role === 'user');
  const earlier = lastUser >= 0 ? input.messages.slice(0, lastUser) : input.messages;
  const contexts = input.contexts.map((c) => ({ ...c, text: neutralizeDelimiters(c.text) }));
  const view = {
    question: input.question,
    context: formatNeutralizedPassages(contexts),
    contexts,
    history: earlier
      .filter((m) => m.role !== 'system')
      .map((m) => `${m.role}: ${m.content}`)
      .join('\n'),
  };
  const path = input.prompt.path ?? 'prompt';
  const sections = sectionsOf(input.prompt.template, path);
  const render = (template: string) =>
    renderPrompt({ template, variables: [...(input.prompt.variables ?? [])], path }, view);
  const callerSystem = earlier.filter((m) => m.role === 'system').map((m) => m.content);
  const system = [...(sections.system === undefined ? [] : [render(sections.system)]), ...callerSystem];
  const turns = earlier.filter((m) => m.role !== 'system');
  return [
    ...(system.length > 0 ? [{ role: 'system' as const, content: system.join('\n\n') }] : []),
    ...turns,
    { role: 'user', content: render(sections.user) },
  ];
}

// A served version's template never changes: split it once, not per request (the few templates in
// use stay; the oldest goes past 64). Keyed by the template alone (the path only names it in an
// error, and a template that fails to split is not cached); V8 keeps a string's hash on the string.
const sectionCache = new Map<string, PromptSections>();
function sectionsOf(template: string, path: string): PromptSections {
  let sections = sectionCache.get(template);
  if (!sections) {
    sections = splitPromptSections(template, path);
    sectionCache.set(template, sections);
    if (sectionCache.size > 64) sectionCache.delete(sectionCache.keys().next().value!);
  }
  return sections;
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
