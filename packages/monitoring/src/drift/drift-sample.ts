import { queryInferenceRows, type SqlExecutor, type StoredInferenceRow } from '@ragops/core';
import { seededRandom } from '@ragops/evals';
import type { TimeWindow } from './drift-config.ts';

/** What drift reads of one answered request. */
export type DriftObservation = {
  modelName: string;
  modelVersion: number;
  index: { name: string; version: number } | null;
  /** The last user message, or null when messages were not logged (sampled out or redacted). */
  question: string | null;
  /** Top retrieval score, or null when nothing was retrieved. */
  topScore: number | null;
};

function observationOf(row: StoredInferenceRow): DriftObservation | undefined {
  if (row.modelName === null || row.modelVersion === null) return undefined;
  const scores = (row.retrieved ?? []).map((r) => r.score);
  return {
    modelName: row.modelName,
    modelVersion: row.modelVersion,
    index:
      row.indexName !== null && row.indexVersion !== null ? { name: row.indexName, version: row.indexVersion } : null,
    question: row.requestMessages?.filter((m) => m.role === 'user').at(-1)?.content ?? null,
    topScore: scores.length > 0 ? Math.max(...scores) : null,
  };
}

/**
 * The live, answered requests of an endpoint in a window (shadow copies and failures are not the
 * traffic's distribution), at most `maxRows`, oldest first.
 */
export async function readDriftWindow(
  db: SqlExecutor,
  q: { endpoint: string; window: TimeWindow; maxRows: number },
): Promise<DriftObservation[]> {
  const rows = await queryInferenceRows(db, {
    endpoint: q.endpoint,
    since: q.window.start,
    until: q.window.end,
    status: 'ok',
    trafficArm: 'live',
    limit: q.maxRows,
  });
  return rows.map(observationOf).filter((o) => o !== undefined);
}

/** A seeded sample of at most `size` items (all of them, in order, when there are fewer). */
export function sampleOf<T>(items: readonly T[], size: number, seed: number): T[] {
  if (items.length <= size) return [...items];
  const random = seededRandom(seed);
  const copy = [...items];
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(random() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, size);
}
