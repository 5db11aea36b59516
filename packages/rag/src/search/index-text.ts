/** The parts of a chunk that may go into the text that is embedded and full-text indexed. */
export type IndexTextInput = {
  text: string;
  title?: string;
  headingPath?: readonly string[];
  /** The document's id: a file path or URL contributes its words (see sourcePathWords). */
  documentId?: string;
};

/**
 * The text embedded and full-text indexed for a chunk. Context (title, headings, and the words of a
 * path-like document id) is prepended so that a chunk deep in a section still matches questions about
 * the section's subject. Measured on anthropic-docs (bench/retrieval.ts, hybrid recall@3 / MRR@3):
 * no context 0.756/0.867, title 0.757/0.868, title + source path 0.762/0.903 (vector alone:
 * 0.692/0.755 → 0.693/0.765 → 0.713/0.838).
 */
export function chunkIndexText(chunk: IndexTextInput): string {
  const context = [chunk.title, ...(chunk.headingPath ?? [])].filter((p): p is string => !!p && p.trim().length > 0);
  const unique = context.filter((p, i) => context.indexOf(p) === i);
  const lines = unique.length > 0 ? [unique.join(' > ')] : [];
  const path = chunk.documentId === undefined ? '' : sourcePathWords(chunk.documentId);
  if (path) lines.push(path);
  return lines.length > 0 ? `${lines.join('\n')}\n\n${chunk.text}` : chunk.text;
}

const FILE_EXTENSION = /\.(md|markdown|mdx|txt|html?|pdf|jsonl|json|rst|adoc)$/i;

/**
 * The words of a path-like document id: `docs/build-with-claude/tool-use.md` → "docs build with
 * claude tool use"; a URL loses its scheme, host and query (`https://x.com/en/api/messages#errors`
 * → "en api messages errors"). Ids without a `/` (opaque keys such as "a1b2c3") give "", since their
 * characters carry no meaning and would only add noise terms.
 */
export function sourcePathWords(documentId: string): string {
  if (!documentId.includes('/')) return '';
  let path = documentId;
  const url = /^[a-z][a-z0-9+.-]*:\/\/[^/]*(.*)$/i.exec(documentId);
  if (url) path = (url[1] ?? '').replace(/\?[^#]*/, '');
  try {
    path = decodeURIComponent(path);
  } catch {
    // not percent-encoded text: keep it as it is
  }
  const [base = '', anchor = ''] = path.split('#', 2);
  const words = `${base.replace(FILE_EXTENSION, '')} ${anchor}`;
  return words
    .split(/[\s/\\#_.\-:]+/)
    .filter((w) => w.length > 0)
    .join(' ');
}
