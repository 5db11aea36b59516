import type { ReusedDocument } from '../load/source-cache.ts';
import type { SourceDocument } from '../load/source-document.ts';

export type ManifestDiff = {
  added: SourceDocument[];
  changed: SourceDocument[];
  unchanged: string[];
  removed: string[];
};

/**
 * Compares loaded documents with the last build's manifest (document id → content hash). `reused`
 * documents (found unchanged through the source cache, which takes their hashes from this same
 * manifest) are unchanged without a lookup. The removed ids are searched for only when the counts
 * say there are some: every other id of the manifest was seen (ids of one load are unique).
 */
export function diffManifest(
  previous: Readonly<Record<string, string>>,
  documents: readonly SourceDocument[],
  reused: readonly ReusedDocument[] = [],
): ManifestDiff {
  const diff: ManifestDiff = { added: [], changed: [], unchanged: reused.map((d) => d.id), removed: [] };
  for (const doc of documents) {
    // Object.hasOwn: the manifest is parsed JSON, where "constructor" would find Object's.
    const hash = Object.hasOwn(previous, doc.id) ? previous[doc.id] : undefined;
    if (hash === undefined) diff.added.push(doc);
    else if (hash !== doc.contentHash) diff.changed.push(doc);
    else diff.unchanged.push(doc.id);
  }
  let previousCount = 0;
  for (const _ in previous) previousCount++;
  if (previousCount > diff.changed.length + diff.unchanged.length) {
    const seen = new Set(diff.unchanged);
    for (const d of diff.changed) seen.add(d.id);
    for (const id of Object.keys(previous)) if (!seen.has(id)) diff.removed.push(id);
  }
  return diff;
}
