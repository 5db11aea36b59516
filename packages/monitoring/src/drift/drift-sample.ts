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

const PAGE_ROWS = 5_000;

/**
 * The live, answered requests of an endpoint in a window (shadow copies and failures are not the
 * traffic's distribution): all of them, or a seeded uniform sample of `maxRows` (reservoir
 * sampling over pages of 5000 by seq, so a busy window is read once in bounded memory and its
 * sample is not just its first minutes).
 */
export async function readDriftWindow(
  db: SqlExecutor,
  q: { endpoint: string; window: TimeWindow; maxRows: number; seed: number },
): Promise<DriftObservation[]> {
  const random = seededRandom(q.seed);
  const reservoir: DriftObservation[] = [];
  let seen = 0;
  let afterSeq = 0;
  for (;;) {
    const rows = await queryInferenceRows(db, {
      endpoint: q.endpoint,
      since: q.window.start,
      until: q.window.end,
      status: 'ok',
      trafficArm: 'live',
      afterSeq,
      limit: PAGE_ROWS,
    });
    for (const row of rows) {
      const o = observationOf(row);
      if (!o) continue;
      seen++;
      if (reservoir.length < q.maxRows) reservoir.push(o);
      else {
        const j = Math.floor(random() * seen);
        if (j < q.maxRows) reservoir[j] = o;
      }
    }
    if (rows.length < PAGE_ROWS) return reservoir;
    afterSeq = rows.at(-1)!.seq;
  }
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
