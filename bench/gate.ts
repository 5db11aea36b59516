// bench:gate — the promotion gate's no-regression test by simulation, on the package's own code
// (regressionVerdict: paired bootstrap, 2 000 resamples, 95%): over many seeds with known effect
// sizes on a 100-row dataset, the false-block rate of an unchanged version, the power to block a
// 5-point drop, and the coverage of the intervals, for the chosen rule and for the rejected one
// ("block when the lower bound is below −margin"). Also checks the formula the decision table uses
// (regressionErrorRates) against the simulated power. Prints a table, writes bench/results/gate.json.
//
//   npm run bench:gate -- [--seeds 1000] [--rows 100]
//
// Model of a metric: row i has a latent quality q_i ~ U(0.2, 0.8) shared by both versions (that is
// what makes the test paired); each evaluation adds judge noise N(0, σ) and the candidate loses δ.
// `binary` is a pass/fail judge: each version passes row i with probability q_i (− δ), independently.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { regressionErrorRates, regressionVerdict, sampleSd, seededRandom } from '@ragops/evals';
import { z } from 'zod';

const args = z
  .object({
    seeds: z.coerce.number().int().min(10).max(100_000).default(1000),
    rows: z.coerce.number().int().min(5).max(10_000).default(100),
  })
  .parse(parseArgs({ options: { seeds: { type: 'string' }, rows: { type: 'string' } } }).values);

const MARGIN = 0.01;
const CONFIDENCE = 0.95;

const rng = seededRandom;
const gauss = (r: () => number) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());

type Scenario = { name: string; sigma: number | 'binary'; drop: number };
const scenarios: Scenario[] = [];
for (const sigma of [0.05, 0.1, 0.15, 'binary'] as const) {
  for (const drop of [0, 0.05])
    scenarios.push({ name: `${sigma === 'binary' ? 'binary' : `σ=${sigma}`} δ=${drop}`, sigma, drop });
}

function sample(s: Scenario, seed: number) {
  const r = rng(seed);
  const holder: number[] = [];
  const candidate: number[] = [];
  for (let i = 0; i < args.rows; i++) {
    const q = 0.2 + 0.6 * r();
    if (s.sigma === 'binary') {
      holder.push(r() < q ? 1 : 0);
      candidate.push(r() < q - s.drop ? 1 : 0);
    } else {
      holder.push(q + s.sigma * gauss(r));
      candidate.push(q - s.drop + s.sigma * gauss(r));
    }
  }
  return { holder, candidate };
}

const results = scenarios.map((s) => {
  let chosen = 0;
  let lowerRule = 0;
  let covered = 0;
  let sdSum = 0;
  for (let seed = 1; seed <= args.seeds; seed++) {
    const { holder, candidate } = sample(s, seed * 7919 + 13);
    const v = regressionVerdict(holder, candidate, { margin: MARGIN, confidence: CONFIDENCE, seed });
    if (v.blocked) chosen++;
    if (v.diff.low < -MARGIN) lowerRule++;
    if (v.diff.low <= -s.drop && -s.drop <= v.diff.high) covered++;
    sdSum += sampleSd(candidate.map((c, i) => c - holder[i]!));
  }
  const sd = sdSum / args.seeds;
  const formula = regressionErrorRates({ n: args.rows, sd, drop: 0.05, confidence: CONFIDENCE });
  return {
    scenario: s.name,
    drop: s.drop,
    sdOfDiffs: Number(sd.toFixed(3)),
    blockRate: chosen / args.seeds,
    lowerBoundRuleBlockRate: lowerRule / args.seeds,
    coverage: covered / args.seeds,
    formulaPowerAt5pt: Number(formula.power.toFixed(3)),
  };
});

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
console.log(`bench:gate — ${args.seeds} seeds × ${args.rows} rows, 95% paired bootstrap, margin ${MARGIN}`);
console.log('scenario            sd(diff)  blocks (chosen)  blocks (lower<−m)  coverage  formula power@5pt');
for (const r of results) {
  console.log(
    `${r.scenario.padEnd(20)}${String(r.sdOfDiffs).padEnd(10)}${pct(r.blockRate).padEnd(17)}${pct(r.lowerBoundRuleBlockRate).padEnd(19)}${pct(r.coverage).padEnd(10)}${pct(r.formulaPowerAt5pt)}`,
  );
}
console.log('δ=0 rows: the block rate is the false-block rate (goal ≤ 5%); δ=0.05 rows: the power (goal ≥ 90%).');
const out = join(import.meta.dirname, 'results', 'gate.json');
mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify({ seeds: args.seeds, rows: args.rows, margin: MARGIN, confidence: CONFIDENCE, results }, null, 2)}\n`,
);
console.log(`wrote ${out}`);
