import { InvalidInputError } from '../errors/ragops-error.ts';

/** Default and maximum page sizes of list calls. */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

/** Encodes a list position as an opaque token (callers must not construct or interpret one). */
export function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset }), 'utf8').toString('base64url');
}

/** Decodes a token from encodePageToken; InvalidInputError for anything else. */
export function decodePageToken(token: string | undefined): number {
  if (token === undefined || token === '') return 0;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && 'o' in parsed) {
      const offset = (parsed as { o: unknown }).o;
      if (typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0) return offset;
    }
  } catch (error) {
    throw new InvalidInputError('invalid pageToken: pass the nextPageToken of a previous page', { cause: error });
  }
  throw new InvalidInputError('invalid pageToken: pass the nextPageToken of a previous page');
}

/**
 * Runs a list query one row past the page size to learn whether another page exists.
 * `query(limit, offset)` must return rows in a stable order.
 */
export async function paginate<T>(
  page: { pageSize?: number; pageToken?: string },
  query: (limit: number, offset: number) => Promise<T[]>,
): Promise<{ items: T[]; nextPageToken?: string }> {
  const size = Math.min(Math.max(page.pageSize ?? DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE);
  const offset = decodePageToken(page.pageToken);
  const rows = await query(size + 1, offset);
  if (rows.length > size) return { items: rows.slice(0, size), nextPageToken: encodePageToken(offset + size) };
  return { items: rows };
}
