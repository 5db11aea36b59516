import { existsSync } from 'node:fs';
import { mkdir, realpath, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { ConflictError, InvalidInputError } from '@ragops/core';
import type { Feedback, FeedbackStats, MeanInterval } from '@ragops/evals';
import type { Command } from 'commander';
import { z } from 'zod';
import { cliContext } from '../cli-context.ts';
import { printResult } from '../output.ts';
import { action, type GlobalOptions } from '../program.ts';
import { addHomeOption, parseFlags, type RegistryCli, table, withRegistry } from './registry-cli.ts';

// The evals package loads only in the actions (ragops --help never pays for it).
const evals = () => import('@ragops/evals');
const withEvals = async <T>(command: Command, fn: (cli: RegistryCli) => Promise<T>) =>
  withRegistry(command, fn, { migrationSets: await (await evals()).allMigrationSets() });

const source = z.enum(['end_user', 'reviewer']);
const listFlags = z.object({
  home: z.string().optional(),
  model: z.string().min(1).max(500).optional(),
  source: source.optional(),
  author: z.string().min(1).max(200).optional(),
  pageSize: z.coerce.number().int().min(1).max(1000).optional(),
});
const statsFlags = z.object({
  home: z.string().optional(),
  model: z.string().min(1).max(500),
  source,
  version: z.coerce.number().int().positive().optional(),
  endpoint: z.string().min(1).max(100).optional(),
  arm: z.string().min(1).max(100).optional(),
});
const exportFlags = z.object({
  home: z.string().optional(),
  to: z.string().min(1).max(1000),
  format: z.enum(['eval', 'openai-chat']).default('eval'),
  model: z.string().min(1).max(500).optional(),
  force: z.boolean().optional(),
});

const pct = (i: MeanInterval | undefined) =>
  i ? `${(i.mean * 100).toFixed(1)}% [${(i.low * 100).toFixed(1)}, ${(i.high * 100).toFixed(1)}] n=${i.n}` : '-';

function renderList(page: { items: Feedback[] }): string {
  return table(
    ['updated', 'source', 'author', 'item', 'model', 'rating', 'labels', 'rev'],
    page.items.map((f) => [
      f.updatedAt,
      f.source,
      f.author,
      f.target.kind === 'inference' ? f.target.requestId : `${f.target.runId}/${f.target.rowId}`,
      `${f.modelName}/${f.modelVersion}`,
      f.rating ? `${f.rating.scale}:${f.rating.value}` : '-',
      Object.entries(f.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ') || '-',
      f.revision,
    ]),
  );
}

function renderStats(s: FeedbackStats): string {
  return [
    `${s.source} feedback on ${s.modelName}: ${s.count} items, approval ${pct(s.approval)} (Wilson 95%)`,
    '',
    table(
      ['version', 'endpoint', 'arm', 'count', 'approval [95% CI] n'],
      s.groups.map((g) => [g.modelVersion, g.endpoint ?? '-', g.arm ?? '-', g.count, pct(g.approval)]),
    ),
    ...Object.entries(s.perCriterion).map(
      ([c, i]) => `${c}: ${i.mean.toFixed(3)} [${i.low.toFixed(3)}, ${i.high.toFixed(3)}] n=${i.n}`,
    ),
  ].join('\n');
}

/**
 * `--to` resolved inside the project (the folder of ragops.yaml, else the working directory): an
 * absolute path or `..` leading out of it is refused, as is a symlinked folder that points out.
 */
async function exportPath(to: string): Promise<string> {
  const { root } = cliContext();
  const base = root.dir ?? root.cwd;
  const target = resolve(root.cwd, to);
  const rel = relative(base, target);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new InvalidInputError(
      `--to: ${to} is outside the project (${base}); give a path such as evals/reviewed.jsonl`,
    );
  }
  await mkdir(dirname(target), { recursive: true });
  const realDir = relative(await realpath(base), await realpath(dirname(target)));
  if (realDir.startsWith('..') || isAbsolute(realDir))
    throw new InvalidInputError(`--to: ${to} leads outside the project`);
  return target;
}

/** `ragops feedback list|stats|export`. */
export function registerFeedbackCommands(group: Command): void {
  addHomeOption(group.command('list').description('feedback, newest first (of models you may READ)'))
    .option('--model <catalog.schema.model>', 'only feedback on this model')
    .option('--source <end_user|reviewer>', 'only one source')
    .option('--author <principal>', 'only this author')
    .option('--page-size <n>', 'items to show (default 100)')
    .action(
      action(async (raw: unknown, command: Command) => {
        const f = parseFlags(listFlags, raw);
        const { listFeedback } = await evals();
        const page = await withEvals(command, (cli) =>
          listFeedback(
            cli,
            {
              ...(f.model && { modelName: f.model }),
              ...(f.source && { source: f.source }),
              ...(f.author && { author: f.author }),
            },
            { ...(f.pageSize && { pageSize: f.pageSize }) },
          ),
        );
        printResult(command.optsWithGlobals<GlobalOptions>(), page, renderList);
      }),
    );

  addHomeOption(
    group.command('stats').description('count and approval with a 95% interval per version × endpoint × arm'),
  )
    .requiredOption('--model <catalog.schema.model>', 'the model')
    .requiredOption('--source <end_user|reviewer>', 'one source: end-user and reviewer feedback are never mixed')
    .option('--version <n>', 'only this version')
    .option('--endpoint <name>', 'only this endpoint')
    .option('--arm <entity>', 'only this served entity')
    .action(
      action(async (raw: unknown, command: Command) => {
        const f = parseFlags(statsFlags, raw);
        const { feedbackStats } = await evals();
        const stats = await withEvals(command, (cli) =>
          feedbackStats(cli, {
            modelName: f.model,
            source: f.source,
            ...(f.version && { version: f.version }),
            ...(f.endpoint && { endpoint: f.endpoint }),
            ...(f.arm && { arm: f.arm }),
          }),
        );
        printResult(command.optsWithGlobals<GlobalOptions>(), stats, renderStats);
      }),
    );

  addHomeOption(group.command('export').description('reviewed items as eval dataset rows (or chat-format JSONL)'))
    .requiredOption('--to <file>', 'output inside the project, e.g. evals/reviewed.jsonl')
    .option('--format <eval|openai-chat>', 'eval dataset rows (default) or chat messages for fine-tuning', 'eval')
    .option('--model <catalog.schema.model>', 'only items of this model')
    .option('--force', 'overwrite the file when it exists')
    .action(
      action(async (raw: unknown, command: Command) => {
        const f = parseFlags(exportFlags, raw);
        const path = await exportPath(f.to);
        if (existsSync(path) && !f.force) throw new ConflictError(`${f.to} exists: pass --force to overwrite it`);
        const { exportFeedback, indexPassageLookup } = await evals();
        const out = await withEvals(command, (cli) =>
          exportFeedback(
            cli,
            { format: f.format, ...(f.model && { modelName: f.model }) },
            { passages: indexPassageLookup(cli) },
          ),
        );
        // Written whole after the export succeeded: a failure leaves no half-written file.
        await writeFile(path, out.lines.length ? `${out.lines.join('\n')}\n` : '');
        const result = {
          path: relative(cliContext().cwd, path) || join('.', f.to),
          rows: out.rows,
          skipped: out.skipped,
        };
        printResult(command.optsWithGlobals<GlobalOptions>(), result, (r) =>
          [`wrote ${r.rows} rows to ${r.path}`, ...r.skipped.map((s) => `skipped ${s.target}: ${s.reason}`)].join('\n'),
        );
      }),
    );
}
