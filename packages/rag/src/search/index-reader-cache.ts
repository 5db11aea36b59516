import type { VectorIndex } from '../index/vector-index.ts';

const MAX_OPEN = 16;
const readers = new Map<string, Promise<VectorIndex>>();

/**
 * A read-only view of one table version, cached: a version never changes once committed, and opening
 * a LanceDB table costs milliseconds a per-request retriever should not pay. Least recently used
 * readers are closed past MAX_OPEN. `resident: false` (a one-shot query) searches through LanceDB
 * only, never loading the version into memory.
 */
export async function openIndexReader(
  uri: string,
  version: number,
  options: { resident?: boolean } = {},
): Promise<VectorIndex> {
  const resident = options.resident ?? true;
  const key = `${uri}@${version}${resident ? '' : ':one-shot'}`;
  let reader = readers.get(key);
  if (reader) {
    readers.delete(key);
    readers.set(key, reader); // most recently used last
    return reader;
  }
  reader = (async () => {
    const { openVectorIndex } = await import('../index/lancedb/lancedb-vector-index.ts');
    const index = await openVectorIndex({ uri, resident });
    await index.checkout(version);
    return index;
  })();
  readers.set(key, reader);
  reader.catch(() => readers.delete(key));
  while (readers.size > MAX_OPEN) {
    const [oldest, evicted] = readers.entries().next().value!;
    readers.delete(oldest);
    evicted.then(
      (r) => r.close(),
      () => {},
    );
  }
  return reader;
}

/** Closes every cached reader (server shutdown, tests). */
export async function closeIndexReaders(): Promise<void> {
  const all = [...readers.values()];
  readers.clear();
  for (const r of await Promise.allSettled(all)) if (r.status === 'fulfilled') r.value.close();
}
