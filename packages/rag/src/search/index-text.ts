/** The parts of a chunk that may go into the text that is embedded and full-text indexed. */
export type IndexTextInput = { text: string; title?: string; headingPath?: readonly string[] };

/**
 * The text embedded and full-text indexed for a chunk. Context (title, headings) is prepended so that
 * a chunk deep in a section still matches questions about the section's subject.
 */
export function chunkIndexText(chunk: IndexTextInput): string {
  const context = [chunk.title, ...(chunk.headingPath ?? [])].filter((p): p is string => !!p && p.length > 0);
  const unique = context.filter((p, i) => context.indexOf(p) === i);
  return unique.length > 0 ? `${unique.join(' > ')}\n\n${chunk.text}` : chunk.text;
}
