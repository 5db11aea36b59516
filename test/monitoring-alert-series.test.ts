// Alert rules whose span holds more rows than one read returns (500 metric points, 1,000 drift
// results): the whole span is judged, on both stores; a window no page can hold is reported.
import type { Logger } from '@ragops/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertsConfigInput } from '../packages/monitoring/src/alerts/alert-config.ts';
import { evaluateAlerts } from '../packages/monitoring/src/alerts/evaluate-alerts.ts';
import type { DriftResult } from '../packages/monitoring/src/drift/drift-config.ts';
import { upsertDriftResults } from '../packages/monitoring/src/drift/drift-store.ts';
import { insertMetricRows } from '../packages/monitoring/src/metrics/metric-store.ts';
import { metricRow } from './metric-rows.ts';
import { MODEL, type MonitoringOpsFixture, startMonitoringOpsFixture } from './monitoring-ops-fixture.ts';

const WINDOW = 5 * 60_000;
const T0 = Date.UTC(2026, 10, 1, 0, 0);
const start = (k: number) => new Date(T0 + k * WINDOW).toISOString();
/** A clock just past window k: windows 0 … k are complete. */
const pastWindow = (k: number) => new Date(T0 + (k + 1) * WINDOW + 60_000);

/** A stored drift result of version in window k against the previous (or the baseline) window. */
function driftResult(endpoint: string, k: number, version: number, comparison: DriftResult['comparison']) {
  return {
    endpoint,
    modelName: MODEL,
    modelVersion: version,
    metric: 'query_mmd',
    comparison,
    current: { start: start(k), end: start(k + 1) },
    reference: { start: start(k - 1), end: start(k) },
    n: { current: 50, reference: 50 },
    statistic: 0.4,
    threshold: 0.01,
    pValue: 0.001,
    verdict: 'drift',
    detail: {},
    computedAt: new Date(T0).toISOString(),
  } satisfies DriftResult;
}

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);
const backends = ['sqlite', ...(process.env.RAGOPS_TEST_POSTGRES_URL ? ['postgres' as const] : [])] as const;

describe.each(backends)('alert rules over spans larger than one read on %s', (backend) => {
  let f: MonitoringOpsFixture;
  beforeAll(async () => {
    f = await startMonitoringOpsFixture(backend);
    await f.store.transaction(async (tx) => {
      // 50 series × 110 windows = 5,500 points: eleven times one read (500).
      await insertMetricRows(
        tx,
        range(110).flatMap((k) =>
          range(50, 1).map((v) =>
            metricRow({ endpoint: 'busy', windowStart: start(k), modelVersion: v, requestCount: 10 }),
          ),
        ),
      );
      // One window with 501 series: no read holds it whole.
      await insertMetricRows(
        tx,
        range(501, 1).map((v) =>
          metricRow({ endpoint: 'crowded', windowStart: start(109), modelVersion: v, requestCount: 10 }),
        ),
      );
      // 10 versions × 2 comparisons × 70 windows = 1,400 drift results: more than one read (1,000).
      await upsertDriftResults(
        tx,
        range(70, 40).flatMap((k) =>
          range(10, 1).flatMap((v) => [
            driftResult('drifty', k, v, 'previous'),
            driftResult('drifty', k, v, 'baseline'),
          ]),
        ),
      );
    });
  }, 300_000);
  afterAll(async () => f?.close());

  const rule = (over: Partial<NonNullable<AlertsConfigInput['rules']>[number]>) => ({
    name: 'r',
    endpoint: 'busy',
    metric: 'request_count',
    window: '5m' as const,
    condition: { above: 5 },
    forWindows: 100,
    ...over,
  });

  it('fires on every series once the last forWindows windows of the span breach, read page by page', async () => {
    const report = await evaluateAlerts({ store: f.store, config: { rules: [rule({})] }, now: pastWindow(109) });
    expect(report).toMatchObject({ series: 50, firing: 50, incomplete: [] });
    expect(report.events.map((e) => e.series).sort()).toEqual(
      range(50, 1)
        .map((v) => `v${v}/a`)
        .sort(),
    );
  });

  it('reads drift results past one page too', async () => {
    const report = await evaluateAlerts({
      store: f.store,
      config: {
        rules: [rule({ endpoint: 'drifty', metric: 'drift:query_mmd', condition: { below: 0.01 }, forWindows: 60 })],
      },
      now: pastWindow(109),
    });
    expect(report).toMatchObject({ series: 10, firing: 10, incomplete: [] });
  });

  it('says so when one window holds more series than a read, and judges none of it', async () => {
    const warnings: { message: string; fields: Record<string, unknown> | undefined }[] = [];
    const logger: Logger = {
      debug() {},
      info() {},
      warn: (message, fields) => warnings.push({ message, fields }),
      error() {},
    };
    const report = await evaluateAlerts({
      store: f.store,
      config: { rules: [rule({ name: 'crowded', endpoint: 'crowded', forWindows: 1 })] },
      now: pastWindow(109),
      logger,
    });
    expect(report).toMatchObject({ series: 0, firing: 0, incomplete: ['crowded'] });
    expect(warnings).toEqual([
      {
        message: 'alert rule judged on its newest windows only',
        fields: { rule: 'crowded', endpoint: 'crowded' },
      },
    ]);
  });
});
