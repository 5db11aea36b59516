import type { EvalDataset, EvalDatasetSummary, EvalRun, EvalRunComparison, EvalRunRow, Interval } from '@ragops/evals';
import { table } from './registry-cli.ts';

const f3 = (n: number) => n.toFixed(3);

/** `0.712 [0.655, 0.768] n=30` */
export function formatInterval(i: Interval | null | undefined): string {
  return i ? `${f3(i.mean)} [${f3(i.low)}, ${f3(i.high)}] n=${i.n}` : '-';
}

const signed = (i: Interval) => `${i.mean >= 0 ? '+' : ''}${f3(i.mean)} [${f3(i.low)}, ${f3(i.high)}] n=${i.n}`;

/** A run's header, its metrics with 95% intervals (per tag), and optionally its rows. */
export function renderRun(run: EvalRun, rows?: readonly EvalRunRow[]): string {
  const lines = [
    `eval run ${run.id}  ${run.status}  ${run.rowsDone}/${run.rowsTotal} rows`,
    `model    ${run.versionUri}${run.modelUri !== run.versionUri ? ` (from ${run.modelUri})` : ''}`,
    `dataset  ${run.dataset.name} sha256:${run.dataset.contentHash.slice(0, 16)}`,
    `judges   ${run.judges.map((j) => `${j.name} (${j.kind}${j.model ? ` ${j.model}` : ''}, ${j.version.slice(0, 12)})`).join(', ')}`,
    ...(run.repeats > 1 ? [`repeats  ${run.repeats}`] : []),
    `by       ${run.createdBy} at ${run.createdAt}${run.finishedAt ? `, finished ${run.finishedAt}` : ''}`,
    ...(run.error ? [`error    ${run.error}`] : []),
  ];
  const a = run.aggregates;
  if (a) {
    lines.push(
      '',
      table(
        ['metric', 'kind', 'mean [95% CI] n', 'errors', 'n/a'],
        a.metrics.map((m) => [m.judge, m.kind, formatInterval(m.overall), m.errors, m.skipped]),
      ),
    );
    const tagged = a.metrics.flatMap((m) =>
      Object.entries(m.byTag).map(([tag, i]) => [m.judge, tag, formatInterval(i)]),
    );
    if (tagged.length > 0) lines.push('', table(['metric', 'tag', 'mean [95% CI] n'], tagged));
    lines.push(
      '',
      `rows ${a.rows.ok} ok, ${a.rows.failed} failed; latency p50 ${a.latencyMs.p50?.toFixed(0) ?? '-'} ms, p95 ${a.latencyMs.p95?.toFixed(0) ?? '-'} ms; tokens ${a.tokens.chainIn}/${a.tokens.chainOut} (judges ${a.tokens.judgeIn}/${a.tokens.judgeOut}); cost ${a.costUsd === null ? 'unpriced' : `$${a.costUsd.toFixed(4)}`}`,
    );
  } else if (run.status !== 'completed') {
    lines.push('', `not completed: ragops eval resume ${run.id}`);
  }
  if (rows) {
    const names = run.judges.map((j) => j.name);
    lines.push(
      '',
      table(
        ['row', 'status', ...names, 'answer'],
        rows.map((r) => [
          r.rowId,
          r.status === 'ok' ? 'ok' : `${r.error?.code}`,
          ...names.map((n) => {
            const s = r.scores[n];
            if (!s || s.skipped) return 'n/a';
            return s.score === null ? 'error' : f3(s.score);
          }),
          (r.answer ?? r.error?.message ?? '').replace(/\s+/g, ' ').slice(0, 60),
        ]),
      ),
    );
  }
  return lines.join('\n');
}

export function renderRunList(page: { items: EvalRun[] }): string {
  return table(
    ['run', 'status', 'model', 'dataset', 'rows', 'created'],
    page.items.map((r) => [r.id, r.status, r.versionUri, r.dataset.name, `${r.rowsDone}/${r.rowsTotal}`, r.createdAt]),
  );
}

export function renderComparison(c: EvalRunComparison): string {
  const lines = [
    `A ${c.a.id} ${c.a.versionUri}   B ${c.b.id} ${c.b.versionUri}`,
    `${c.pairedRows} paired rows${c.sameDataset ? '' : ' (the runs used different dataset versions: only shared row ids are paired)'}`,
    '',
    table(
      ['metric', 'B − A [95% CI] n'],
      c.metrics.map((m) => [m.judge, m.diff ? signed(m.diff) : '-']),
    ),
  ];
  for (const m of c.metrics) {
    if (m.mostChanged.length === 0) continue;
    lines.push(
      '',
      `${m.judge}: rows that changed most`,
      table(
        ['row', 'A', 'B', 'B − A', 'question'],
        m.mostChanged.map((r) => [r.rowId, f3(r.a), f3(r.b), f3(r.diff), r.question.slice(0, 60)]),
      ),
    );
  }
  return lines.join('\n');
}

export function renderDatasets(result: { datasets: EvalDatasetSummary[] }): string {
  return table(
    ['dataset', 'rows', 'tags', 'content hash'],
    result.datasets.map((d) =>
      d.ok ? [d.name, d.rows, d.tags.join(','), d.contentHash.slice(0, 16)] : [d.name, '-', '-', `error: ${d.error}`],
    ),
  );
}

export function renderDataset(ds: EvalDataset): string {
  return [
    `dataset ${ds.name}  ${ds.rows.length} rows  sha256:${ds.contentHash}`,
    `file    ${ds.path}`,
    '',
    table(
      ['id', 'question', 'reference', 'docs', 'tags'],
      ds.rows.map((r) => [
        r.id,
        (r.question ?? r.messages?.at(-1)?.content ?? '').slice(0, 60),
        r.reference_answer ? 'yes' : '',
        r.reference_doc_ids?.length ?? '',
        (r.tags ?? []).join(','),
      ]),
    ),
  ].join('\n');
}
