/**
 * A reply body as text, at most `maxBytes`: past it, reading stops (leaving the loop returns the
 * iterator, which cancels the body and releases the connection) and `tooLarge()` is thrown. For
 * replies of servers we do not control: `response.text()` buffers whatever a broken or hostile
 * server sends. The chat transport and the embeddings call read through it.
 * @example const text = await readCappedBody(res.body, 16 * 1024 * 1024, () => new Error('too large'));
 */
export async function readCappedBody(
  chunks: AsyncIterable<Uint8Array>,
  maxBytes: number,
  tooLarge: () => Error,
): Promise<string> {
  const parts: Uint8Array[] = [];
  let bytes = 0;
  for await (const chunk of chunks) {
    bytes += chunk.byteLength;
    if (bytes > maxBytes) throw tooLarge();
    parts.push(chunk);
  }
  return Buffer.concat(parts).toString('utf8');
}

/**
 * The first `maxBytes` of a body as text and nothing more read (an error body: enough for its
 * message, however long the server makes it). A character cut at the end decodes as U+FFFD.
 */
export async function readBodyStart(chunks: AsyncIterable<Uint8Array>, maxBytes: number): Promise<string> {
  const parts: Uint8Array[] = [];
  let bytes = 0;
  for await (const chunk of chunks) {
    parts.push(chunk);
    bytes += chunk.byteLength;
    if (bytes >= maxBytes) break;
  }
  return Buffer.concat(parts).subarray(0, maxBytes).toString('utf8');
}

/** A fetch Response's body as the helpers above read it (none: an empty body). */
export function fetchBodyChunks(response: Response): AsyncIterable<Uint8Array> {
  // Node's web ReadableStream is async-iterable; the DOM lib types do not say so.
  return (response.body ?? new ReadableStream<Uint8Array>()) as unknown as AsyncIterable<Uint8Array>;
}
