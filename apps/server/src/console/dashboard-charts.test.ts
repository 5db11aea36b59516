import type { MetricPoint } from '@ragops/monitoring';
import { describe, expect, it } from 'vitest';
import { chartView, metricCharts } from './dashboard-charts.ts';

const rate = (mean: number, n: number) => ({ mean, low: mean / 2, high: Math.min(1, mean * 2), n });

function point(over: Partial<MetricPoint> & { windowStart: string }): MetricPoint {
  const p50 = { p50: 10, p95: 20, p99: 30 };
  const none = { p50: null, p95: null, p99: null };
  return {
    windowSize: '1h',
    windowEnd: '',
    endpoint: 'e',
    modelVersion: 1,
    servedEntity: 'champion',
    trafficArm: 'live',
    slice: 'all',
    sliceValue: '',
    modelName: 'dev.s.m',
    requestCount: 4,
    errorCount: 1,
    errorCodes: {},
    latencyTotal: p50,
    latencyRetrieval: none,
    latencyGeneration: none,
    ttft: none,
    tokensInSum: 0,
    tokensOutSum: 0,
    costUsdSum: 0,
    retrievalCount: 0,
    emptyRetrievalCount: 0,
    retrievalScoreMean: null,
    retrievalTopScoreMean: null,
    retrievalScoreHist: [],
    answerCount: 0,
    answerCharsMean: null,
    answerCharsP95: null,
    fallbackCount: 0,
    endUserFeedback: { count: 0, rated: 0, approved: 0 },
    reviewerFeedback: { count: 0, rated: 0, approved: 0 },
    judgeScores: {},
    custom: {},
    computedAt: '',
    errorRate: rate(0.25, 4),
    emptyRetrievalRate: null,
    fallbackRate: null,
    endUserApproval: null,
    reviewerApproval: null,
    costPerRequestUsd: null,
    ...over,
  };
}

const chart = (id: string, points: MetricPoint[]) => metricCharts(points, '1h').find((c) => c.id === id)!;

describe('metricCharts', () => {
  const points = [
    point({ windowStart: '2026-12-01T10:00:00.000Z' }),
    point({ windowStart: '2026-12-01T11:00:00.000Z', requestCount: 6 }),
    point({ windowStart: '2026-12-01T11:00:00.000Z', modelVersion: 2, servedEntity: 'challenger', requestCount: 2 }),
  ];

  it('aligns every series on the windows that occur; a window a series lacks is a gap', () => {
    const c = chart('requests', points);
    expect(c.x).toEqual([Date.parse('2026-12-01T10:00:00Z') / 1000, Date.parse('2026-12-01T11:00:00Z') / 1000]);
    expect(c.windowSeconds).toBe(3600);
    expect(c.lines).toEqual([
      { label: 'v1 champion · requests', group: 0, values: [4, 6] },
      { label: 'v2 challenger · requests', group: 1, values: [null, 2] },
    ]);
  });

  it('draws a rate as its mean with the interval bounds dashed, in the series colour', () => {
    const c = chart('error-rate', points);
    expect(c.lines.filter((l) => l.group === 0).map((l) => [l.label, l.dash ?? false, l.values])).toEqual([
      ['v1 champion · errors', false, [0.25, 0.25]],
      ['v1 champion · errors low', true, [0.125, 0.125]],
      ['v1 champion · errors high', true, [0.5, 0.5]],
    ]);
  });

  it('drops lines without any value; a chart with none is empty', () => {
    expect(chart('approval', points).lines).toEqual([]);
    expect(chart('judges', points).lines).toEqual([]);
    const judged = chart('judges', [
      point({ windowStart: '2026-12-01T10:00:00.000Z', judgeScores: { support: { n: 3, mean: 0.7 } } }),
    ]);
    expect(judged.lines).toEqual([{ label: 'v1 champion · support', group: 0, values: [0.7] }]);
  });

  it('names shadow traffic and slice values in the series', () => {
    const c = chart('requests', [
      point({ windowStart: '2026-12-01T10:00:00.000Z', trafficArm: 'shadow', slice: 'lang', sliceValue: 'de' }),
    ]);
    expect(c.lines[0]?.label).toBe('v1 champion shadow lang=de · requests');
  });

  it('carries the spec in an escaped attribute: a hostile slice value stays text', async () => {
    const hostile = '"><img src=x onerror=alert(1)>';
    const spec = chart('requests', [
      point({ windowStart: '2026-12-01T10:00:00.000Z', slice: 's', sliceValue: hostile }),
    ]);
    const out = String(await chartView(spec));
    expect(out).not.toContain('<img');
    expect(out).toContain('&lt;img src=x onerror=alert(1)&gt;');
    const attribute = /data-chart="([^"]*)"/.exec(out)?.[1] ?? '';
    const unescaped = attribute
      .replaceAll('&quot;', '"')
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>')
      .replaceAll('&#39;', "'")
      .replaceAll('&amp;', '&');
    expect(JSON.parse(unescaped).lines[0].label).toContain(hostile);
  });
});
