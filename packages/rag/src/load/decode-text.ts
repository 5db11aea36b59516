/** The file could not be turned into text (binary, invalid UTF-8, BOM-less UTF-16, broken pdf). */
export class UndecodableFileError extends Error {}

// Share of C0 control characters (other than tab, newlines, form feed) above which decoded text is
// treated as binary. Text with colour escapes stays far below it (a coloured log line: ~2%).
const MAX_CONTROL_FRACTION = 0.1;

/**
 * Why `text` is not document text, or undefined when it is: a NUL character (no text format has one;
 * an all-NUL `.md` became 77 chunks) or too many other control characters. One pass.
 */
export function binaryReason(text: string): string | undefined {
  let controls = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 32 || c === 9 || c === 10 || c === 12 || c === 13) continue;
    if (c === 0) return 'binary content (NUL bytes)';
    controls++;
  }
  return controls > text.length * MAX_CONTROL_FRACTION ? 'binary content (control characters)' : undefined;
}

/**
 * Decodes a text file: UTF-8 (a BOM is dropped), or UTF-16 when it starts with a UTF-16 BOM. Throws
 * UndecodableFileError for invalid UTF-8, for UTF-16 without a BOM (every other byte NUL: guessing
 * the byte order is how Notepad once read "Bush hid the facts"), and for binary content.
 */
export function decodeText(bytes: Uint8Array): string {
  let encoding: 'utf-8' | 'utf-16le' | 'utf-16be' = 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) encoding = 'utf-16le';
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) encoding = 'utf-16be';
  let text: string;
  try {
    // ignoreBOM false (the default): the decoder drops a leading BOM of its encoding.
    text = new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch (error) {
    throw new UndecodableFileError(`not valid ${encoding === 'utf-8' ? 'UTF-8' : 'UTF-16'}`, { cause: error });
  }
  const binary = binaryReason(text);
  if (binary === undefined) return text;
  if (encoding === 'utf-8' && looksLikeUtf16(bytes)) {
    throw new UndecodableFileError('UTF-16 without a byte-order mark; save it as UTF-8');
  }
  throw new UndecodableFileError(binary);
}

/** Half the bytes NUL, all on even or all on odd offsets: ASCII-range text in UTF-16. */
function looksLikeUtf16(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n < 2) return false;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) even++;
    if (bytes[i + 1] === 0) odd++;
  }
  const pairs = n / 2;
  return (odd > 0.9 * pairs && even < 0.1 * pairs) || (even > 0.9 * pairs && odd < 0.1 * pairs);
}
