import { contentHash } from '@ragops/core';
import type { JudgeVerdict, VerdictCache } from '../judge.ts';

/**
 * The cache key of one LLM verdict: (judge prompt hash, judge model, item content hash, repeat).
 * `itemContentHash` is the hash of exactly what the judge sends (its JSON input), so a second model
 * version that gives the same answer on the same passages reuses the verdict, and any change to
 * question, answer or passages misses. `repeat` keeps `--repeats N` from reading its own first verdict.
 */
export function verdictCacheKey(parts: {
  promptHash: string;
  model: string;
  itemContentHash: string;
  repeat?: number;
}): string {
  return contentHash({ v: 1, ...parts, repeat: parts.repeat ?? 0 });
}

/** A VerdictCache in a Map (tests, one-off runs); the runs/ store one persists across runs. */
export class InMemoryVerdictCache implements VerdictCache {
  readonly #entries = new Map<string, JudgeVerdict>();

  async get(key: string): Promise<JudgeVerdict | undefined> {
    return this.#entries.get(key);
  }

  async set(key: string, verdict: JudgeVerdict): Promise<void> {
    this.#entries.set(key, verdict);
  }

  get size(): number {
    return this.#entries.size;
  }
}
