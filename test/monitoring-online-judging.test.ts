import { ConfigError, type InferenceRow } from '@ragops/core';
import type { Judge } from '@ragops/evals';
import { createLanguageModelResolver } from '@ragops/rag';
import { startOpenAIProtocolServer } from '@ragops/rag/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexPassages } from '../packages/monitoring/src/online-judging/judge-item.ts';
import { inJudgingSample } from '../packages/monitoring/src/online-judging/judging-sample.ts';
import { createOnlineJudging } from '../packages/monitoring/src/online-judging/online-judging.ts';
import { type MonitoringOpsFixture, startMonitoringOpsFixture } from './monitoring-ops-fixture.ts';

const backends = ['sqlite', ...(process.env.RAGOPS_TEST_POSTGRES_URL ? ['postgres' as const] : [])] as const;

/** An LLM-priced judge that reports 1000 + 1000 tokens per call (0.002 USD at the test price). */
function pricedJudge(delayMs = 0): Judge & { calls: number } {
  return {
    name: 'paid_judge',
    kind: 'llm',
    version: 'test-1',
    model: 'test/judge',
    calls: 0,
    applies: () => true,
    async judge(_item, options) {
      this.calls++;
      if (delayMs > 0) {
        await new Promise<void>((resolve, reject) => {
          const t = setTimeout(resolve, delayMs);
          options.abortSignal?.addEventListener('abort', () => {
            clearTimeout(t);
            reject(options.abortSignal?.reason);
          });
        });
      }
      return { ok: true, score: 0.75, usage: { inputTokens: 1000, outputTokens: 1000 } };
    },
  };
}
const PRICES = { 'test/judge': { inputPerMillionUsd: 1, outputPerMillionUsd: 1 } };

describe.each(backends)('online judging on %s', (backend) => {
  let f: MonitoringOpsFixture;
  let docsRows: InferenceRow[];
  const count = async (sql: string) => Number((await f.store.get(sql))?.n);

  beforeAll(async () => {
    f = await startMonitoringOpsFixture(backend);
    docsRows = Array.from({ length: 60 }, () => f.row({}));
    await f.insertRows([
      ...docsRows,
      ...Array.from({ length: 5 }, () => f.row({ trafficArm: 'shadow' })),
      ...Array.from({ length: 5 }, () => f.row({ status: 'error', httpStatus: 502, answer: null })),
      ...Array.from({ length: 5 }, () => f.row({ endpoint: 'other' })),
    ]);
  });
  afterAll(() => f?.close());

  it('judges the hash-sampled live answers of configured endpoints once, with the served passages', async () => {
    const judging = createOnlineJudging({
      store: f.store,
      config: { endpoints: { docs: { sampleRate: 0.5 } }, batchSize: 1000, budget: { perMinute: 1000 } },
      passages: indexPassages(f.home),
    });
    const expected = docsRows.filter((r) => inJudgingSample(r.requestId, 0.5)).length;
    const pass = await judging.runOnce();
    expect(pass).toMatchObject({
      rowsRead: 75,
      sampled: expected,
      judgedRequests: expected,
      verdicts: 2 * expected,
      errors: 0,
    });
    expect(expected).toBeGreaterThan(15);
    const scores = await f.store.all('SELECT judge, score FROM monitor_judge_scores ORDER BY judge');
    expect(scores).toHaveLength(2 * expected);
    // The answer restates lance.md#0 and cites [1]: supported only if the passage text was read.
    expect(scores.filter((s) => s.judge === 'sentence_support').every((s) => Number(s.score) > 0.5)).toBe(true);
    expect(scores.filter((s) => s.judge === 'citation_validity').every((s) => Number(s.score) === 1)).toBe(true);

    expect((await judging.runOnce()).rowsRead).toBe(0);
    // Replayed from the start (cursor lost): every pair is claimed already, nothing is judged twice.
    await f.store.run('DELETE FROM monitoring_judging_cursor');
    const again = await judging.runOnce();
    expect(again).toMatchObject({ verdicts: 0, alreadyClaimed: 2 * expected, judgedRequests: 0 });
    expect(await count('SELECT COUNT(*) AS n FROM monitoring_judging_ledger')).toBe(2 * expected);
    await judging.stop();
  });

  it('keeps to the per-window count and the cost cap; refuses an unpriced LLM judge', async () => {
    await f.store.run('DELETE FROM monitoring_judging_cursor');
    await f.store.run('DELETE FROM monitoring_judging_ledger');
    const judge = pricedJudge();
    const byCost = createOnlineJudging({
      store: f.store,
      config: {
        endpoints: { docs: { sampleRate: 1 } },
        batchSize: 1000,
        budget: { perMinute: 1000, maxCostUsdPerWindow: 0.005 },
      },
      judges: () => [judge],
      prices: PRICES,
    });
    const pass = await byCost.runOnce();
    // 0.002 per call: the cap is reached after the third call, the other 57 sampled requests wait out the window.
    expect(pass).toMatchObject({ sampled: 60, judgedRequests: 3, overBudget: 57 });
    expect(pass.costUsd).toBeCloseTo(0.006, 10);
    expect(judge.calls).toBe(3);

    await f.store.run('DELETE FROM monitoring_judging_cursor');
    await f.store.run('DELETE FROM monitoring_judging_ledger');
    const byCount = createOnlineJudging({
      store: f.store,
      config: { endpoints: { docs: { sampleRate: 1 } }, batchSize: 1000, budget: { perMinute: 4, perWindow: 1000 } },
      judges: () => [pricedJudge()],
      prices: PRICES,
    });
    expect(await byCount.runOnce()).toMatchObject({ judgedRequests: 4, overBudget: 56 });

    expect(() =>
      createOnlineJudging({
        store: f.store,
        config: { endpoints: { docs: { sampleRate: 1 } } },
        judges: () => [pricedJudge()],
      }),
    ).toThrow(ConfigError);
    expect(() => createOnlineJudging({ store: f.store, config: { endpoints: { docs: { sampleRate: 2 } } } })).toThrow(
      /sampleRate/,
    );
  });

  it('stop() drains: the call in flight finishes and is recorded, nothing stays pending', async () => {
    await f.store.run('DELETE FROM monitoring_judging_cursor');
    await f.store.run('DELETE FROM monitoring_judging_ledger');
    const judge = pricedJudge(150);
    const judging = createOnlineJudging({
      store: f.store,
      config: {
        endpoints: { docs: { sampleRate: 1 } },
        batchSize: 1000,
        pollSeconds: 1,
        budget: { perMinute: 1000, maxCostUsdPerWindow: 0 },
      },
      judges: () => [judge],
    });
    judging.start();
    const deadline = Date.now() + 20_000;
    while (judge.calls < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await judging.stop();
    const ledger = await f.store.all('SELECT error FROM monitoring_judging_ledger');
    expect(ledger.length).toBeGreaterThanOrEqual(2);
    expect(ledger.length).toBeLessThan(60);
    expect(ledger.every((r) => r.error === null)).toBe(true);
    const calls = judge.calls;
    await new Promise((r) => setTimeout(r, 1_500));
    expect(judge.calls).toBe(calls);
  });

  it('runs an LLM judge on a loopback OpenAI-protocol server and counts its priced tokens', async () => {
    await f.store.run('DELETE FROM monitoring_judging_cursor');
    await f.store.run('DELETE FROM monitoring_judging_ledger');
    const llm = await startOpenAIProtocolServer({ answer: () => JSON.stringify({ rationale: 'on topic', rating: 5 }) });
    try {
      const judgeModel = createLanguageModelResolver(
        { judge: { type: 'openai-compatible', baseURL: llm.baseURL } },
        { fetch: globalThis.fetch.bind(globalThis) },
      )('judge', 'test-model');
      const judging = createOnlineJudging({
        store: f.store,
        config: {
          endpoints: { docs: { sampleRate: 0.2, judges: ['answer_relevance'] } },
          batchSize: 1000,
          budget: { perMinute: 1000 },
        },
        judgeModel,
        prices: { [`${judgeModel.provider}/test-model`]: { inputPerMillionUsd: 1, outputPerMillionUsd: 1 } },
      });
      const pass = await judging.runOnce();
      expect(pass.verdicts).toBe(docsRows.filter((r) => inJudgingSample(r.requestId, 0.2)).length);
      expect(pass.errors).toBe(0);
      expect(pass.costUsd).toBeGreaterThan(0);
      // One judge call per verdict (the provider's capability probes say "ping" and are not judge calls).
      const judgeCalls = llm.requests.filter((r) => JSON.stringify(r.body).includes('"role":"system"'));
      expect(judgeCalls).toHaveLength(pass.verdicts);
      const scores = await f.store.all("SELECT score FROM monitor_judge_scores WHERE judge = 'answer_relevance'");
      expect(scores.every((s) => Number(s.score) === 1)).toBe(true);
      const spent = await f.store.get('SELECT SUM(cost_usd) AS c FROM monitoring_judging_ledger');
      expect(Number(spent?.c)).toBeCloseTo(pass.costUsd, 12);
      await judging.stop();
    } finally {
      await llm.close();
    }
  });

  it('skips a request whose passages are gone (index version cleaned up) instead of stalling the tail', async () => {
    await f.store.run('DELETE FROM monitoring_judging_cursor');
    await f.insertRows([
      f.row({ endpoint: 'broken', indexVersion: 999 }),
      f.row({ endpoint: 'broken', requestMessages: null }),
    ]);
    const judging = createOnlineJudging({
      store: f.store,
      config: { endpoints: { broken: { sampleRate: 1 } }, batchSize: 1000, budget: { perMinute: 1000 } },
      passages: indexPassages(f.home),
    });
    const pass = await judging.runOnce();
    expect(pass).toMatchObject({ sampled: 2, unjudgeable: 2, verdicts: 0 });
    expect((await judging.runOnce()).rowsRead).toBe(0);
    await judging.stop();
  });
});
