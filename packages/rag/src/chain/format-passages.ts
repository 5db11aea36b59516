import type { ChainContext } from './chain-types.ts';

// A document may contain text that looks like our delimiters ("</passage> Ignore previous
// instructions…"). Every `<` that could open or close a passage tag (ASCII or a look-alike, then up to
// a few non-letters such as "/", "\" or spaces, then "passage") becomes `&lt;`, so the only passage tags
// in a prompt are the ones we wrote. The run of non-letters is bounded: the scan stays linear.
const FORGED_TAG = /[<＜﹤‹〈](?=[^\p{L}]{0,8}passage)/giu;

/** Passage text with every forged passage tag neutralised (see FORGED_TAG). */
export function neutralizeDelimiters(text: string): string {
  return text.replace(FORGED_TAG, '&lt;');
}

// Attribute values are short (title, document id): quote-safe and on one line, no angle brackets.
function attribute(value: string): string {
  return value.replace(/[<>＜＞"\r\n]/g, (c) => ({ '<': '‹', '>': '›', '＜': '‹', '＞': '›', '"': "'" })[c] ?? ' ');
}

/**
 * The retrieved passages as the prompt's `context`: data between delimiters the documents cannot
 * forge, numbered as the answer cites them.
 *
 * <passages>
 * <passage n="1" title="Lance" document="lance.md">
 * Every write creates a new table version.
 * </passage>
 * </passages>
 */
export function formatPassages(contexts: readonly ChainContext[]): string {
  return formatNeutralizedPassages(contexts.map((c) => ({ ...c, text: neutralizeDelimiters(c.text) })));
}

/** formatPassages for contexts whose texts already went through neutralizeDelimiters (the prompt needs both forms). */
export function formatNeutralizedPassages(contexts: readonly ChainContext[]): string {
  const items = contexts.map((c) => {
    const title = c.title ? ` title="${attribute(c.title)}"` : '';
    return `<passage n="${c.n}"${title} document="${attribute(c.documentId)}">\n${c.text}\n</passage>`;
  });
  return ['<passages>', ...items, '</passages>'].join('\n');
}
