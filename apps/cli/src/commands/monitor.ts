import { existsSync } from 'node:fs';
import { loadRagopsSpec, monitoringSpecSchema, requireAdmin } from '@ragops/core';
import type { AlertsReport, MetricPoint, Rate, RefreshReport } from '@ragops/monitoring';
import type { Command } from 'commander';
import { z } from 'zod';
import { cliContext } from '../cli-context.ts';
import { printResult } from '../output.ts';
import { action, type GlobalOptions } from '../program.ts';
import { registerMonitorOpsCommands } from './monitor-ops.ts';
import { addHomeOption, parseFlags, type RegistryCli, resolveSpec, table, withRegistry } from './registry-cli.ts';

// The monitoring package loads only in the actions (ragops --help never pays for it).
const monitoring = () => import('@ragops/monitoring');
const withMonitoring = async <T>(command: Command, fn: (cli: RegistryCli) => Promise<T>) =>
  withRegistry(command, fn, { migrationSets: await (await monitoring()).ragopsMigrationSets() });

const DURATION = /^(\d{1,6})([mhd])$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** `--since 24h` (before now) or an ISO time. */
const timeFlag = z
  .string()
  .refine((s) => DURATION.test(s) || !Number.isNaN(Date.parse(s)), 'an ISO time or a duration such as 90m, 24h, 7d')
  .transform((s) => {
    const d = DURATION.exec(s);
    return d ? new Date(Date.now() - Number(d[1]) * UNIT_MS[d[2] as keyof typeof UNIT_MS]) : new Date(s);
  })
  .transform((d) => d.toISOString());

const showFlags = z.object({
  home: z.string().optional(),
  version: z.coerce.number().int().min(0).optional(),
  window: z.enum(['5m', '1h', '1d']).default('1h'),
  slice: z.string().optional(),
  arm: z.string().optional(),
  since: timeFlag.optional(),
  until: timeFlag.optional(),
  limit: z.coerce.number().int().min(1).max(5_000).optional(),
});
const refreshFlags = z.object({
  home: z.string().optional(),
  spec: z.string().min(1).optional(),
  window: z.array(z.enum(['5m', '1h', '1d'])).optional(),
});

const fixed = (x: number | null, digits = 0) => (x === null ? '-' : x.toFixed(digits));
const pct = (r: Rate) =>
  r ? `${(r.mean * 100).toFixed(1)}% [${(r.low * 100).toFixed(1)}, ${(r.high * 100).toFixed(1)}]` : '-';

function renderTable(t: { endpoint: string; points: MetricPoint[]; truncated: boolean }): string {
  const rows = table(
    [
      'window',
      'ver',
      'arm',
      'slice',
      'n',
      'errors [95%]',
      'p50/p95/p99 ms',
      'ttft p95',
      'tok in/out',
      'cost $',
      'empty',
      'user ok',
      'reviewer ok',
    ],
    t.points.map((p) => [
      p.windowStart.replace(':00.000Z', 'Z'),
      p.modelVersion || '-',
      `${p.servedEntity || '-'}${p.trafficArm === 'shadow' ? ' (shadow)' : ''}`,
      p.slice === 'all' ? 'all' : `${p.slice}=${p.sliceValue}`,
      p.requestCount,
      pct(p.errorRate),
      `${fixed(p.latencyTotal.p50)}/${fixed(p.latencyTotal.p95)}/${fixed(p.latencyTotal.p99)}`,
      fixed(p.ttft.p95),
      `${p.tokensInSum}/${p.tokensOutSum}`,
      p.costUsdSum.toFixed(4),
      pct(p.emptyRetrievalRate),
      pct(p.endUserApproval),
      pct(p.reviewerApproval),
    ]),
  );
  return t.truncated ? `${rows}\n(older windows left out: narrow --since or raise --limit)` : rows;
}

function renderAlerts(a: AlertsReport | null): string[] {
  if (!a) return [];
  const events = a.events.map(
    (e) =>
      `  ${e.state === 'firing' ? 'FIRED' : 'resolved'} ${e.rule} (${e.series}): ${e.message} [webhook: ${e.delivery}]`,
  );
  const incomplete = a.incomplete.length
    ? [`  judged on their newest windows only (a window held more rows than one read): ${a.incomplete.join(', ')}`]
    : [];
  return [`alerts: ${a.rules} rule(s) over ${a.series} series, ${a.firing} firing`, ...incomplete, ...events];
}

function renderRefresh(r: RefreshReport & { alerts: AlertsReport | null }): string {
  if (r.status === 'busy') return `another refresh holds the lease (${r.heldBy}, until ${r.until}): nothing done`;
  return [
    `read ${r.rowsRead} inference rows, wrote ${r.metricRows} metric rows in ${Math.round(r.durationMs)} ms`,
    table(
      ['window', 'from', 'complete before', 'windows written', 'stale (late feedback)'],
      r.sizes.map((s) => [s.size, s.from, s.completeBefore, s.windowsWritten, s.staleWindows]),
    ),
    ...renderAlerts(r.alerts),
  ].join('\n');
}

/** `ragops monitor refresh|show`, and drift|alerts|split-test (monitor-ops.ts). */
export function registerMonitorCommands(group: Command): void {
  addHomeOption(
    group
      .command('refresh')
      .description(
        'recompute the metric tables (new and incomplete windows, windows with late feedback), then evaluate monitoring.alerts as the server does (admin)',
      ),
  )
    .option('--spec <file>', 'the spec whose monitoring: slices and metrics apply (default: the project ragops.yaml)')
    .option('--window <size...>', 'only these window sizes (5m, 1h, 1d)')
    .action(
      action(async (raw: unknown, command: Command) => {
        const f = parseFlags(refreshFlags, raw);
        const file = resolveSpec(f.spec);
        const loaded = f.spec !== undefined || existsSync(file) ? await loadRagopsSpec(file) : undefined;
        const spec = loaded?.spec.monitoring ?? monitoringSpecSchema.parse({});
        const { alertsConfigFromSpec, evaluateAlerts, refreshMetrics } = await monitoring();
        // Parsed before anything is written: a bad rule or an unset webhook secret refuses the command.
        const alerts = alertsConfigFromSpec((spec as Record<string, unknown>).alerts, cliContext().env);
        const report = await withMonitoring(command, async (cli) => {
          requireAdmin(cli.actor, 'refresh the metric tables (they aggregate every endpoint)');
          const refreshed = await refreshMetrics({ store: cli.store, spec, ...(f.window && { sizes: f.window }) });
          // As the server: rules are evaluated after a refresh that ran (transitions stored, logged, POSTed).
          const evaluated =
            refreshed.status === 'refreshed' && alerts.rules.length > 0
              ? await evaluateAlerts({ store: cli.store, config: alerts })
              : null;
          return { ...refreshed, alerts: evaluated };
        });
        printResult(command.optsWithGlobals<GlobalOptions>(), report, renderRefresh);
      }),
    );

  addHomeOption(group.command('show').description("an endpoint's metric table (needs READ on the models it serves)"))
    .argument('<endpoint>', 'the serving endpoint')
    .option('--version <n>', 'only this model version')
    .option('--window <5m|1h|1d>', 'window size (default 1h)')
    .option('--slice <name>', 'a slice of monitoring.slices (default: all rows)')
    .option('--arm <entity>', 'only this served entity')
    .option('--since <time>', 'windows from this ISO time, or a duration back from now (24h, 7d)')
    .option('--until <time>', 'windows before this time')
    .option('--limit <n>', 'newest windows to show (default 500)')
    .action(
      action(async (endpoint: string, raw: unknown, command: Command) => {
        const f = parseFlags(showFlags, raw);
        const { queryMetrics, readableEndpoint } = await monitoring();
        const result = await withMonitoring(command, async (cli) => {
          await readableEndpoint(cli, endpoint);
          const { home: _home, ...filters } = f;
          return { endpoint, ...(await queryMetrics(cli.store, { endpoint, ...filters })) };
        });
        printResult(command.optsWithGlobals<GlobalOptions>(), result, renderTable);
      }),
    );
  registerMonitorOpsCommands(group);
}
