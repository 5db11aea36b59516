import { describe, expect, it } from 'vitest';
import { gatePolicySchema } from './gate-policy.ts';

const problems = (splitTest: unknown) => {
  const r = gatePolicySchema.safeParse({ datasets: ['qa'], splitTest });
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('gates: splitTest', () => {
  it('defaults the arms and the metric', () => {
    expect(gatePolicySchema.parse({ datasets: ['qa'], splitTest: { endpoint: 'docs-qa' } }).splitTest).toMatchObject({
      endpoint: 'docs-qa',
      control: 'champion',
      candidate: 'challenger',
      metric: 'judge:sentence_support',
      alpha: 0.05,
    });
  });

  it('takes endpoint and arm names as endpoints: spells them; refuses NUL, long runs and other text', () => {
    for (const bad of ['docs\u0000qa', 'x'.repeat(100_000), 'Docs QA', '../x', '']) {
      expect(problems({ endpoint: bad })[0], JSON.stringify(bad.slice(0, 20))).toMatch(/^splitTest\.endpoint: /);
      expect(problems({ endpoint: 'docs-qa', control: bad })[0]).toMatch(/^splitTest\.control: /);
      expect(problems({ endpoint: 'docs-qa', candidate: bad })[0]).toMatch(/^splitTest\.candidate: /);
    }
    expect(problems({ endpoint: 'docs-qa', metric: 'judge:a\u0000' })[0]).toMatch(/^splitTest\.metric: /);
    expect(problems({ endpoint: 'docs-qa', since: 'yesterday' })[0]).toMatch(/^splitTest\.since: /);
  });
});
