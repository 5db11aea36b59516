import type { JudgeCalibration } from '@ragops/evals';
import { table } from './registry-cli.ts';

const withInterval = (value: number | null, interval: { low: number; high: number } | null) =>
  value === null
    ? '-'
    : `${value.toFixed(2)}${interval ? ` [${interval.low.toFixed(2)}, ${interval.high.toFixed(2)}]` : ''}`;

/** One line per judge × criterion: statistic, value [95% CI], Spearman's ρ (ordinal), n, calibrated or why not. */
export function renderCalibration({ calibrations }: { calibrations: JudgeCalibration[] }): string {
  if (calibrations.length === 0) return 'no eval rows are both labelled by reviewers and scored by a judge';
  return table(
    [
      'judge',
      'version',
      'model',
      'criterion',
      'statistic',
      'value [95% CI]',
      'rho [95% CI]',
      'n',
      'calibrated',
      'reason',
    ],
    calibrations.map((c) => [
      c.judge,
      c.judgeVersion.slice(0, 12),
      c.judgeModel ?? '-',
      c.criterion,
      c.statistic,
      withInterval(c.value, c.interval),
      c.spearman ? withInterval(c.spearman.value, c.spearman.interval) : '-',
      c.n,
      c.calibrated ? 'yes' : 'no',
      c.reason,
    ]),
  );
}
