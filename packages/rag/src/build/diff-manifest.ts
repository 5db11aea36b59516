import type { SourceDocument } from '../load/source-document.ts';

export type ManifestDiff = {
  added: SourceDocument[];
  changed: SourceDocument[];
  unchanged: string[];
  removed: string[];
};

/** Compares loaded documents with the last build's manifest (document id → content hash). */
export function diffManifest(
  previous: Readonly<Record<string, string>>,
  documents: readonly SourceDocument[],
): ManifestDiff {
  const diff: ManifestDiff = { added: [], changed: [], unchanged: [], removed: [] };
  const seen = new Set<string>();
  for (const doc of documents) {
    seen.add(doc.id);
    const hash = previous[doc.id];
    if (hash === undefined) diff.added.push(doc);
    else if (hash !== doc.contentHash) diff.changed.push(doc);
    else diff.unchanged.push(doc.id);
  }
  for (const id of Object.keys(previous)) if (!seen.has(id)) diff.removed.push(id);
  return diff;
}
