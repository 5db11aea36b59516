import { describe, expect, it } from 'vitest';
import { parseRagopsSpec } from './load-ragops-spec.ts';
import { monitoringSpecSchema } from './monitoring-spec.ts';

const problems = (monitoring: unknown) => {
  const r = monitoringSpecSchema.safeParse(monitoring);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('monitoring: spec', () => {
  it('defaults: a 60 s schedule, 60 s grace, no slices or custom metrics', () => {
    expect(monitoringSpecSchema.parse({})).toEqual({
      refresh: { intervalSeconds: 60, graceSeconds: 60, sizeIntervalSeconds: { '5m': 0, '1h': 300, '1d': 3_600 } },
      slices: {},
      metrics: {},
    });
  });

  it('names columns only from the allow-list: no SQL, no request content', () => {
    expect(problems({ metrics: { x: { aggregate: 'sum', column: 'cost_usd); DROP TABLE x; --' } } })).toHaveLength(1);
    expect(problems({ metrics: { x: { aggregate: 'count', where: { request_messages: 'hi' } } } })[0]).toMatch(
      /request_messages/,
    );
    expect(problems({ slices: { by_answer: { column: 'answer' } } })[0]).toMatch(/^slices\.by_answer\.column/);
    expect(problems({ metrics: { x: { aggregate: 'mean', column: 'llm_model' } } })[0]).toMatch(/column/);
  });

  it('checks ratios, quantiles, bins and names', () => {
    expect(problems({ metrics: { r: { aggregate: 'ratio', of: ['nope', 'request_count'] } } })).toEqual([
      'metrics.r.of.0: "nope" is not an aggregate metric (custom aggregates, request_count, error_count)',
    ]);
    expect(
      problems({
        metrics: {
          a: { aggregate: 'ratio', of: ['request_count', 'error_count'] },
          b: { aggregate: 'ratio', of: ['a', 'request_count'] },
        },
      }),
    ).toHaveLength(1);
    expect(problems({ metrics: { q: { aggregate: 'quantile', column: 'ttft_ms', q: 1 } } })[0]).toMatch(/q/);
    expect(problems({ slices: { s: { column: 'latency_total_ms', bins: [500, 100] } } })[0]).toMatch(/ascending/);
    expect(problems({ slices: { s: { column: 'llm_model', bins: [1] } } })[0]).toMatch(/numeric column/);
    expect(problems({ slices: { all: { column: 'llm_model' } } })[0]).toMatch(/"all"/);
    expect(problems({ slices: { 'Bad-Name': { column: 'llm_model' } } })).toHaveLength(1);
  });

  it('refuses a NUL or a 100k-character run in a filter value, and more slices or metrics than a refresh should carry', () => {
    expect(problems({ metrics: { x: { aggregate: 'count', where: { caller: 'a\u0000b' } } } })[0]).toMatch(
      /^metrics\.x\.where\.caller.*NUL/,
    );
    expect(
      problems({ metrics: { x: { aggregate: 'count', where: { caller: { in: ['x'.repeat(100_000)] } } } } }),
    ).not.toEqual([]);
    const many = (n: number, f: (i: number) => unknown) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`m${i}`, f(i)]));
    const count = () => ({ aggregate: 'count' });
    expect(problems({ metrics: many(64, count) })).toEqual([]);
    expect(problems({ metrics: many(65, count) })).toEqual(['metrics: at most 64 custom metrics']);
    const slice = () => ({ column: 'llm_model' });
    expect(problems({ slices: many(16, slice) })).toEqual([]);
    expect(problems({ slices: many(17, slice) })).toEqual(['slices: at most 16 slices']);
  });

  it('is the monitoring: section of ragops.yaml, errors with file and line', () => {
    const ok = parseRagopsSpec('monitoring:\n  slices:\n    by_llm: { column: llm_model }\n', 'ragops.yaml');
    expect(ok.spec.monitoring?.slices).toEqual({ by_llm: { column: 'llm_model' } });
    expect(() =>
      parseRagopsSpec('monitoring:\n  metrics:\n    x: { aggregate: sum, column: secret }\n', 'ragops.yaml'),
    ).toThrow(/ragops\.yaml:3: monitoring\.metrics\.x/);
  });
});
