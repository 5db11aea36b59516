import type { SqlExecutor, SqlValue } from '@ragops/core';
import type { JudgeScore } from './metric-accumulator.ts';

/** One online judge score of one served request (written by online judging, read by the refresher). */
export type OnlineJudgeScore = {
  requestId: string;
  judge: string;
  /** On the judges' 0–1 scale. */
  score: number;
  /** The inference row's `ts`: the score lands in that request's windows. */
  requestTs: string;
  endpoint: string;
  judgedAt: string;
};

/** Stores scores; a second score of one request by one judge replaces the first. */
export async function upsertJudgeScores(tx: SqlExecutor, scores: readonly OnlineJudgeScore[]): Promise<void> {
  for (const s of scores) {
    await tx.run(
      `INSERT INTO monitor_judge_scores (request_id, judge, score, request_ts, endpoint, judged_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (request_id, judge) DO UPDATE SET score = excluded.score, judged_at = excluded.judged_at`,
      [s.requestId, s.judge, s.score, s.requestTs, s.endpoint, s.judgedAt],
    );
  }
}

/** Scores of requests made at or after `requestSince`, by request id. */
export async function judgeScoresByRequest(db: SqlExecutor, requestSince: string): Promise<Map<string, JudgeScore[]>> {
  const rows = await db.all('SELECT request_id, judge, score FROM monitor_judge_scores WHERE request_ts >= ?', [
    requestSince,
  ]);
  const byRequest = new Map<string, JudgeScore[]>();
  for (const r of rows) {
    const id = String(r.request_id);
    const list = byRequest.get(id) ?? [];
    list.push({ judge: String(r.judge), score: Number(r.score) });
    byRequest.set(id, list);
  }
  return byRequest;
}

/** Request times of scores judged at or after `since` (late scores make their windows stale). */
export async function judgedRequestTimes(db: SqlExecutor, since: string): Promise<string[]> {
  const params: SqlValue[] = [since];
  const rows = await db.all('SELECT DISTINCT request_ts FROM monitor_judge_scores WHERE judged_at >= ?', params);
  return rows.map((r) => String(r.request_ts));
}
