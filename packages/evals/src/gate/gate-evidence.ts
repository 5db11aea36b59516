import type { MetadataStore } from '@ragops/core';
import type { EvalDataset } from '../datasets/load-eval-dataset.ts';
import { allRunRows } from '../runs/eval-run-service.ts';
import { selectRuns } from '../store/eval-run-store.ts';
import type { RunEvidence } from './evaluate-gate.ts';

/**
 * The newest completed run of `version` on each dataset, at the dataset's current content hash
 * (a run on older content is not evidence). Datasets without one are left out of the map.
 */
export async function collectEvidence(
  store: MetadataStore,
  q: { model: string; version: number; datasets: readonly EvalDataset[] },
): Promise<Map<string, RunEvidence>> {
  const runs = await selectRuns(store, { modelName: q.model, modelVersion: q.version, limit: 10_000, offset: 0 });
  const out = new Map<string, RunEvidence>();
  for (const ds of q.datasets) {
    const run = runs.find(
      (r) => r.status === 'completed' && r.dataset.name === ds.name && r.dataset.contentHash === ds.contentHash,
    );
    if (run) out.set(ds.name, { run, rows: await allRunRows(store, run.id) });
  }
  return out;
}
