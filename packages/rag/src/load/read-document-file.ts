import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';

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
  const text = decodeUtf8(bytes);
  if (ext === '.html' || ext === '.htm') return readHtml(text);
  if (ext === '.md' || ext === '.markdown') {
    const h1 = /^#\s+(.+?)\s*#*\s*$/m.exec(text);
    return h1?.[1] ? { text, title: h1[1] } : { text };
  }
  return { text };
}

/** The file could not be turned into text (invalid UTF-8, broken pdf). */
export class UndecodableFileError extends Error {}

export function decodeUtf8(bytes: Uint8Array): string {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch (error) {
    throw new UndecodableFileError('not valid UTF-8', { cause: error });
  }
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
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(html)?.[1]?.trim();
  return title ? { text, title } : { text };
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
