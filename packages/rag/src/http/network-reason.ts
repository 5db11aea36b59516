type ErrorLike = { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };

// Causes followed at most: Node's own chains are two or three deep (fetch's TypeError, undici's
// error, an AggregateError over addresses); the bound also ends a chain that loops.
const MAX_CAUSES = 8;

const messageOf = (e: ErrorLike): string => (typeof e.message === 'string' ? e.message : '');

/** The error's message, else (an AggregateError's is often empty) those of the errors it holds. */
function detailOf(e: ErrorLike): string {
  const message = messageOf(e);
  if (message !== '' || !Array.isArray(e.errors)) return message;
  return e.errors
    .map((inner: unknown) => messageOf((inner ?? {}) as ErrorLike))
    .filter((m) => m !== '')
    .join('; ');
}

/**
 * What a failed HTTP request or body read says about the network, as `CODE (detail)`:
 * `ECONNREFUSED (connect ECONNREFUSED 10.0.0.7:8000)`, `UND_ERR_SOCKET (other side closed)`. The
 * global fetch says only "fetch failed" or "terminated" and puts the reason in `cause`; undici's
 * request() throws the coded error itself; a refused host with several addresses is an
 * AggregateError with an empty message. So the deepest error in the cause chain with a code is
 * named, with its message; a chain without a code gives its messages, outermost first.
 * @example networkReason(await fetch(url).catch((e) => e)) // 'ENOTFOUND (getaddrinfo ENOTFOUND gpu-box)'
 */
export function networkReason(error: unknown): string {
  const chain: ErrorLike[] = [];
  for (let e: unknown = error; typeof e === 'object' && e !== null; e = (e as ErrorLike).cause) {
    if (chain.length === MAX_CAUSES || chain.includes(e as ErrorLike)) break;
    chain.push(e as ErrorLike);
  }
  const coded = chain.findLast((e) => typeof e.code === 'string' && e.code !== '');
  if (coded) {
    const code = coded.code as string;
    const detail = detailOf(coded);
    return detail !== '' && detail !== code ? `${code} (${detail})` : code;
  }
  const messages = chain.map(detailOf).filter((m) => m !== '');
  return messages.length > 0 ? messages.join(': ') : String(error);
}
