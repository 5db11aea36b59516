import { z } from 'zod';
import { type LoadWarning, makeSourceDocument, type SourceDocument } from './source-document.ts';

/** One line of a `.jsonl` source (the format of shared/datasets/<name>/corpus.jsonl). */
export const jsonlDocumentSchema = z.object({
  id: z.string().min(1),
  text: z.string(),
  title: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

/**
 * Parses jsonl content into documents. A bad line becomes a warning naming `file:line`; the rest go on.
 * A repeated id keeps the first line and warns about the others.
 */
export function parseJsonlDocuments(
  content: string,
  file: string,
): { documents: SourceDocument[]; warnings: LoadWarning[] } {
  const documents: SourceDocument[] = [];
  const warnings: LoadWarning[] = [];
  const seen = new Set<string>();
  const lines = content.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === '') continue;
    const line = i + 1;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      warnings.push({ file, line, message: `${file}:${line}: not valid JSON (${(error as Error).message})` });
      continue;
    }
    const parsed = jsonlDocumentSchema.safeParse(json);
    if (!parsed.success) {
      const why = parsed.error.issues.map((s) => `${s.path.join('.') || '(line)'}: ${s.message}`).join('; ');
      warnings.push({ file, line, message: `${file}:${line}: ${why}` });
      continue;
    }
    if (seen.has(parsed.data.id)) {
      warnings.push({ file, line, message: `${file}:${line}: duplicate id "${parsed.data.id}", line skipped` });
      continue;
    }
    seen.add(parsed.data.id);
    documents.push(makeSourceDocument(parsed.data));
  }
  return { documents, warnings };
}
