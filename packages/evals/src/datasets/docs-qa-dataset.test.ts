import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { listEvalDatasets, loadEvalDataset } from './load-eval-dataset.ts';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));

describe('the shipped dataset evals/docs-qa.jsonl', () => {
  it('loads, has ~100 rows with reference answers, and names only documents of docs/ (ids as the loader assigns them)', async () => {
    const ds = await loadEvalDataset(`${repo}evals/docs-qa.jsonl`);
    // ~100 rows: at 34 answerable rows the gate's power to block a 5-point recall@5 drop was ≈ 11–23%.
    expect(ds.rows.length).toBeGreaterThanOrEqual(95);
    expect(ds.rows.length).toBeLessThanOrEqual(130);
    // Questions that need several documents: with one gold document per row, usually ranked first, a
    // k: 1 retriever barely lost recall@5 and the gate could not tell it from the champion.
    expect(ds.rows.filter((r) => (r.reference_doc_ids ?? []).length >= 2).length).toBeGreaterThanOrEqual(35);
    for (const row of ds.rows) {
      expect(row.reference_answer, row.id).toBeTruthy();
      expect(row.tags?.length, row.id).toBeGreaterThan(0);
      // A folder source's document id is the path relative to the folder: `registry.md`, not `docs/registry.md`.
      for (const id of row.reference_doc_ids ?? [])
        expect(existsSync(`${repo}docs/${id}`), `${row.id}: ${id}`).toBe(true);
    }
  });

  it('has declining rows (tag unanswerable, no reference documents) and answerable rows for each area', async () => {
    const { rows } = await loadEvalDataset(`${repo}evals/docs-qa.jsonl`);
    const unanswerable = rows.filter((r) => r.tags?.includes('unanswerable'));
    expect(unanswerable.length).toBeGreaterThanOrEqual(3);
    expect(unanswerable.every((r) => r.reference_doc_ids === undefined)).toBe(true);
    const answerable = rows.filter((r) => !r.tags?.includes('unanswerable'));
    expect(answerable.every((r) => (r.reference_doc_ids ?? []).length > 0)).toBe(true);
    for (const tag of [
      'concepts',
      'indexes',
      'registry',
      'serving',
      'governance',
      'evaluation',
      'promotion',
      'feedback',
      'monitoring',
      'console',
      'langchain',
    ]) {
      expect(answerable.filter((r) => r.tags?.includes(tag)).length, tag).toBeGreaterThanOrEqual(3);
    }
    const listed = await listEvalDatasets(`${repo}evals`);
    expect(listed.find((d) => d.name === 'docs-qa')).toMatchObject({ ok: true, rows: rows.length });
  });
});
