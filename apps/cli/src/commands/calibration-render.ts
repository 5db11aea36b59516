import type { JudgeCalibration } from '@ragops/evals';
import { table } from './registry-cli.ts';

/** One line per judge × criterion: statistic, value [95% CI], n, calibrated or why not. */
export function renderCalibration({ calibrations }: { calibrations: JudgeCalibration[] }): string {
  if (calibrations.length === 0) return 'no eval rows are both labelled by reviewers and scored by a judge';
  return table(
    ['judge', 'version', 'model', 'criterion', 'statistic', 'value [95% CI]', 'n', 'calibrated', 'reason'],
    calibrations.map((c) => [
      c.judge,
      c.judgeVersion.slice(0, 12),
      c.judgeModel ?? '-',
      c.criterion,
      c.statistic,
      c.value === null
        ? '-'
        : `${c.value.toFixed(2)}${c.interval ? ` [${c.interval.low.toFixed(2)}, ${c.interval.high.toFixed(2)}]` : ''}`,
      c.n,
      c.calibrated ? 'yes' : 'no',
      c.reason,
    ]),
  );
}
