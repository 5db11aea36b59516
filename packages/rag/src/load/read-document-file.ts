import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseMarkdownHeadings } from '../chunk/markdown-headings.ts';
import { decodeText, UndecodableFileError } from './decode-text.ts';

/** Extensions a folder source reads; anything else is ignored silently (images, binaries, …). */
export const FOLDER_EXTENSIONS = ['.md', '.markdown', '.txt', '.html', '.htm', '.pdf', '.jsonl'] as const;

export function isLoadableFile(path: string): boolean {
  return (FOLDER_EXTENSIONS as readonly string[]).includes(extname(path).toLowerCase());
}

/** Text of one non-jsonl file, plus a title when the format has one. Throws UndecodableFileError. */
export async function readDocumentFile(path: string): Promise<{ text: string; title?: string }> {
  const ext = extname(path).toLowerCase();
  const bytes = await readFile(path);
  if (ext === '.pdf') return readPdf(bytes);
  const text = decodeText(bytes);
  if (ext === '.html' || ext === '.htm') return readHtml(text);
  if (ext === '.md' || ext === '.markdown') {
    // The first level-1 heading outside code, parsed in one pass (a title regex backtracked
    // quadratically on `# a` + 3,000 spaces + `b`: 31 s holding the index lock).
    const title = parseMarkdownHeadings(text).find((h) => h.level === 1)?.text;
    return title ? { text, title } : { text };
  }
  return { text };
}

async function readHtml(html: string): Promise<{ text: string; title?: string }> {
  // Loaded lazily: only folders with html files pay for it.
  const { convert } = await import('html-to-text');
  const text = convert(html, {
    wordwrap: false,
    selectors: [
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'img', format: 'skip' },
    ],
  });
  const title = htmlTitle(html);
  return title ? { text, title } : { text };
}

/**
 * The text of the first `<title …>text</title>`, in one pass. `/<title[^>]*>([^<]*)<\/title>/i`
 * rescans to the end of the input from every `<title` when no `>` follows: quadratic.
 */
export function htmlTitle(html: string): string | undefined {
  const open = /<title/gi;
  for (let m = open.exec(html); m !== null; m = open.exec(html)) {
    const tagEnd = html.indexOf('>', m.index);
    if (tagEnd < 0) return undefined; // no `>` after this one, nor after any later one
    const textEnd = html.indexOf('<', tagEnd + 1);
    if (textEnd < 0) return undefined;
    if (html.slice(textEnd, textEnd + 8).toLowerCase() === '</title>') return html.slice(tagEnd + 1, textEnd).trim();
    // Every `<title` before tagEnd meets the same `>` and the same `<`: go on after them.
    open.lastIndex = textEnd;
  }
  return undefined;
}

async function readPdf(bytes: Uint8Array): Promise<{ text: string }> {
  const { extractText, getDocumentProxy } = await import('unpdf');
  try {
    // verbosity 0: pdf.js would print recovery warnings to the console; loaders never log.
    const pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
    const { text } = await extractText(pdf, { mergePages: true });
    return { text };
  } catch (error) {
    throw new UndecodableFileError(`not a readable pdf (${(error as Error).message})`, { cause: error });
  }
}
