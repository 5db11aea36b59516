import { existsSync } from 'node:fs';
import { loadRagopsSpec, type Page, parseInput } from '@ragops/core';
import type { AlertsView, DriftResult, SplitTestRecommendation } from '@ragops/monitoring';
import type { Command } from 'commander';
import { z } from 'zod';
import { printResult } from '../output.ts';
import { action, type GlobalOptions } from '../program.ts';
import { addHomeOption, parseFlags, resolveSpec, table, withRegistry } from './registry-cli.ts';

// Loaded in the actions only (ragops --help never pays for it).
const monitoring = () => import('@ragops/monitoring');
const withMonitoring = async <T>(command: Command, fn: Parameters<typeof withRegistry<T>>[1]) =>
  withRegistry(command, fn, { migrationSets: await (await monitoring()).ragopsMigrationSets() });

const driftFlags = z.object({
  home: z.string().optional(),
  spec: z.string().min(1).optional(),
  metric: z.string().optional(),
  pageSize: z.coerce.number().int().min(1).max(1000).optional(),
  pageToken: z.string().max(2000).optional(),
  compute: z.boolean().optional(),
  window: z.enum(['5m', '1h', '1d']).default('1h'),
  at: z.iso.datetime({ offset: true }).optional(),
});
const alertFlags = z.object({
  home: z.string().optional(),
  endpoint: z.string().optional(),
  state: z.enum(['ok', 'firing']).optional(),
  events: z.coerce.number().int().min(0).max(1000).optional(),
});
const splitFlags = z.object({
  home: z.string().optional(),
  control: z.string().min(1),
  candidate: z.string().min(1),
  primary: z.string().optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  latencyToleranceMs: z.coerce.number().nonnegative().optional(),
  costToleranceUsd: z.coerce.number().nonnegative().optional(),
});

const num = (x: number | null, digits = 3) => (x === null ? '-' : Number.isFinite(x) ? x.toFixed(digits) : String(x));

function renderDrift(page: Page<DriftResult>): string {
  const rows = table(
    ['current window', 'ver', 'vs', 'metric', 'n cur/ref', 'statistic', 'p', 'verdict'],
    page.items.map((r) => [
      `${r.current.start} … ${r.current.end}`,
      r.modelVersion,
      r.comparison,
      r.metric,
      `${r.n.current}/${r.n.reference}`,
      num(r.statistic),
      r.pValue === null ? '-' : `${num(r.pValue)} (α ${r.threshold})`,
      r.verdict,
    ]),
  );
  return page.nextPageToken ? `${rows}\nolder results: pass --page-token ${page.nextPageToken}` : rows;
}

function renderAlerts(v: AlertsView): string {
  return [
    table(
      ['rule', 'endpoint', 'series', 'state', 'value', 'breach since', 'changed'],
      v.alerts.map((a) => [a.rule, a.endpoint, a.series, a.state, num(a.value), a.breachSince, a.changedAt]),
    ),
    '',
    table(
      ['at', 'rule', 'series', 'event', 'value', 'delivery', 'attempts', 'error'],
      v.events.map((e) => [e.createdAt, e.rule, e.series, e.state, num(e.value), e.delivery, e.attempts, e.lastError]),
    ),
  ].join('\n');
}

function renderSplit(r: SplitTestRecommendation): string {
  const arm = (a: SplitTestRecommendation['control']) => [
    a.arm,
    a.quality ? `${num(a.quality.mean)} [${num(a.quality.low)}, ${num(a.quality.high)}] n ${a.quality.n}` : '-',
    `${num(a.latencyMs.mean, 0)} [${num(a.latencyMs.low, 0)}, ${num(a.latencyMs.high, 0)}] p95 ${num(a.latencyMs.p95, 0)}`,
    a.costUsd ? num(a.costUsd.mean, 5) : '-',
  ];
  return [
    `${r.decision.toUpperCase()}: ${r.reasons.join('; ')}`,
    table(['arm', `${r.primary.metric} [95%]`, 'latency ms [95%]', 'cost $/req'], [arm(r.control), arm(r.candidate)]),
  ].join('\n');
}

/** `ragops monitor drift|alerts|split-test`: the package's read functions (and drift computation) from the CLI. */
export function registerMonitorOpsCommands(group: Command): void {
  addHomeOption(group.command('drift').description("an endpoint's stored drift results; --compute runs them first"))
    .argument('<endpoint>', 'the serving endpoint')
    .option('--metric <name>', 'only this drift metric')
    .option('--page-size <n>', 'results to show (default 200, at most 1000)')
    .option('--page-token <token>', 'the next page: the token printed under the previous one')
    .option('--compute', 'compute drift of the last complete window first (needs READ; writes monitoring_drift)')
    .option('--window <5m|1h|1d>', 'window size computed (default 1h)')
    .option('--at <time>', 'compute the window ending before this ISO time instead of now')
    .option('--spec <file>', 'the spec whose monitoring.drift applies (default: the project ragops.yaml)')
    .action(
      action(async (endpoint: string, raw: unknown, command: Command) => {
        const f = parseFlags(driftFlags, raw);
        const { computeDrift, driftConfigSchema, driftReport, lastCompleteWindow } = await monitoring();
        const file = resolveSpec(f.spec);
        const loaded = f.spec !== undefined || existsSync(file) ? await loadRagopsSpec(file) : undefined;
        const monitoringSpec: Record<string, unknown> = loaded?.spec.monitoring ?? {};
        const drift = parseInput(driftConfigSchema, monitoringSpec.drift ?? {}, 'monitoring.drift');
        const page = await withMonitoring(command, async (cli) => {
          // Reading first checks READ on the endpoint, so nobody computes what they may not see.
          await driftReport(cli, { endpoint, pageSize: 1 });
          if (f.compute) {
            const current = lastCompleteWindow(f.window, f.at === undefined ? new Date() : new Date(f.at));
            await computeDrift({ store: cli.store, home: cli.home, endpoint, current, config: drift });
          }
          return driftReport(cli, {
            endpoint,
            ...(f.metric !== undefined && { metric: f.metric }),
            ...(f.pageSize !== undefined && { pageSize: f.pageSize }),
            ...(f.pageToken !== undefined && { pageToken: f.pageToken }),
          });
        });
        printResult(command.optsWithGlobals<GlobalOptions>(), page, renderDrift);
      }),
    );

  addHomeOption(
    group.command('alerts').description('alert state per rule × series and recent events (endpoints you may READ)'),
  )
    .option('--endpoint <name>', 'only this endpoint')
    .option('--state <ok|firing>', 'only alerts in this state')
    .option('--events <n>', 'recent events to show (default 50)')
    .action(
      action(async (raw: unknown, command: Command) => {
        const { home: _home, ...q } = parseFlags(alertFlags, raw);
        const { listAlerts } = await monitoring();
        const view = await withMonitoring(command, (cli) => listAlerts(cli, q));
        printResult(command.optsWithGlobals<GlobalOptions>(), view, renderAlerts);
      }),
    );

  addHomeOption(
    group.command('split-test').description('promote, roll back or keep collecting: two arms of an endpoint'),
  )
    .argument('<endpoint>', 'the serving endpoint')
    .requiredOption('--control <arm>', 'the arm of the current holder')
    .requiredOption('--candidate <arm>', 'the arm of the version under test')
    .option(
      '--primary <metric>',
      'judge:<name> (default judge:sentence_support), end_user_approval or reviewer_approval',
    )
    .option('--since <time>', "the test's start (ISO): keep it fixed between looks, or the decision is not valid")
    .option('--latency-tolerance-ms <ms>', 'guardrail: roll back when the candidate is slower than this')
    .option('--cost-tolerance-usd <usd>', 'guardrail: roll back when the candidate costs more than this per request')
    .action(
      action(async (endpoint: string, raw: unknown, command: Command) => {
        const { home: _home, ...q } = parseFlags(splitFlags, raw);
        const { splitTestReport } = await monitoring();
        const rec = await withMonitoring(command, (cli) => splitTestReport(cli, { endpoint, ...q }));
        printResult(command.optsWithGlobals<GlobalOptions>(), rec, renderSplit);
      }),
    );
}
