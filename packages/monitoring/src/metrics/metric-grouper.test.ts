import type { InferenceMetricRow } from '@ragops/core';
import { monitoringSpecSchema } from '@ragops/core';
import { describe, expect, it } from 'vitest';
import { MetricGrouper } from './metric-grouper.ts';
import { MAX_SLICE_VALUES, OTHER_SLICE_VALUE } from './slice-values.ts';

const row = (i: number, ts: string, caller: string): InferenceMetricRow => ({
  seq: i,
  requestId: `r${i}`,
  ts,
  endpoint: 'qa',
  source: 'http',
  servedEntity: 'champion',
  trafficArm: 'live',
  assignment: 'random',
  modelName: 'dev.s.qa',
  modelVersion: 1,
  indexName: null,
  indexVersion: null,
  llmProvider: null,
  llmModel: null,
  llmFallbackFrom: null,
  status: 'ok',
  httpStatus: 200,
  errorCode: null,
  finishReason: null,
  stream: false,
  tokensSource: null,
  caller,
  latencyTotalMs: i,
  latencyRetrievalMs: null,
  latencyGenerationMs: null,
  ttftMs: null,
  tokensIn: null,
  tokensOut: null,
  costUsd: null,
  answerChars: null,
  retrievalScores: null,
});

const grouper = () =>
  new MetricGrouper({
    spec: monitoringSpecSchema.parse({ slices: { by_caller: { column: 'caller' } } }),
    selections: [{ size: '5m', fromMs: 0 }],
    feedback: new Map(),
    judged: new Map(),
    computedAt: '2026-11-30T12:00:00.000Z',
  });

describe('MetricGrouper', () => {
  it('caps a slice at MAX_SLICE_VALUES values per window; the rest count under (other), and a new window starts afresh', () => {
    const g = grouper();
    const callers = MAX_SLICE_VALUES + 10;
    g.add(Array.from({ length: callers }, (_, i) => row(i, '2026-11-30T10:00:01.000Z', `user${i}`)));
    g.add([row(999, '2026-11-30T10:05:00.000Z', 'user_late')]);
    const rows = g.finish();
    const first = rows.filter((r) => r.slice === 'by_caller' && r.windowStart === '2026-11-30T10:00:00.000Z');
    expect(first).toHaveLength(MAX_SLICE_VALUES + 1);
    expect(first.find((r) => r.sliceValue === OTHER_SLICE_VALUE)?.requestCount).toBe(10);
    expect(first.reduce((n, r) => n + r.requestCount, 0)).toBe(callers);
    const second = rows.filter((r) => r.slice === 'by_caller' && r.windowStart === '2026-11-30T10:05:00.000Z');
    expect(second.map((r) => r.sliceValue)).toEqual(['user_late']);
  });

  it('refuses rows out of ts order (a finished window cannot take more rows)', () => {
    const g = grouper();
    g.add([row(1, '2026-11-30T10:06:00.000Z', 'a')]);
    expect(() => g.add([row(2, '2026-11-30T10:01:00.000Z', 'a')])).toThrow(/ts order/);
  });
});
