import type { SqlExecutor } from '@ragops/core';
import { z } from 'zod';
import type { JudgeVerdict, VerdictCache } from '../judges/judge.ts';

const cachedVerdictSchema = z.strictObject({
  ok: z.literal(true),
  score: z.number().min(0).max(1),
  rationale: z.string().optional(),
  raw: z.unknown().optional(),
  usage: z.strictObject({ inputTokens: z.number(), outputTokens: z.number() }).optional(),
});

/**
 * Judge verdicts kept in the metadata store (`eval_verdict_cache`), so a re-run, a resume or a second
 * version giving the same answer costs no judge call. Only `ok` verdicts are kept (an error is never
 * cached); a stored verdict that no longer parses is treated as absent and overwritten.
 */
export class StoreVerdictCache implements VerdictCache {
  readonly #db: SqlExecutor;

  constructor(db: SqlExecutor) {
    this.#db = db;
  }

  async get(key: string): Promise<JudgeVerdict | undefined> {
    const row = await this.#db.get<{ verdict: string }>('SELECT verdict FROM eval_verdict_cache WHERE cache_key = ?', [
      key,
    ]);
    if (!row) return undefined;
    const parsed = cachedVerdictSchema.safeParse(JSON.parse(row.verdict));
    return parsed.success ? { ...parsed.data, cached: true } : undefined;
  }

  async set(key: string, verdict: JudgeVerdict): Promise<void> {
    if (!verdict.ok) return;
    const { cached: _cached, ...stored } = verdict;
    await this.#db.run(
      `INSERT INTO eval_verdict_cache (cache_key, verdict, created_at) VALUES (?, ?, ?)
       ON CONFLICT (cache_key) DO UPDATE SET verdict = excluded.verdict, created_at = excluded.created_at`,
      [key, JSON.stringify(stored), new Date().toISOString()],
    );
  }
}
