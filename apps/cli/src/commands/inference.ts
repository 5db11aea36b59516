import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import {
  INFERENCE_SOURCES,
  type InferenceQuery,
  InvalidInputError,
  PermissionDeniedError,
  queryInferenceRows,
  type StoredInferenceRow,
} from '@ragops/core';
import type { Command } from 'commander';
import { z } from 'zod';
import { cliContext } from '../cli-context.ts';
import { printResult } from '../output.ts';
import { action } from '../program.ts';
import {
  addHomeOption,
  parseFlags,
  parseSince,
  type RegistryCli,
  resolvePath,
  table,
  withRegistry,
} from './registry-cli.ts';

const filterFlagsSchema = z.object({
  endpoint: z.string().optional(),
  since: z.string().optional(),
  until: z.string().optional(),
  status: z.enum(['ok', 'error']).optional(),
  arm: z.enum(['live', 'shadow']).optional(),
  source: z.enum(INFERENCE_SOURCES).optional(),
  version: z.coerce.number().int().positive().optional(),
  requestId: z.string().optional(),
});

function withFilters(command: Command): Command {
  return addHomeOption(command)
    .option('--endpoint <name>', 'only this endpoint')
    .option('--since <when>', 'a duration back from now (30m, 1h, 7d) or an ISO time')
    .option('--until <when>', 'a duration back from now or an ISO time')
    .option('--status <ok|error>', 'only successes or failures')
    .option('--arm <live|shadow>', 'only live or shadow rows')
    .option(
      `--source <${INFERENCE_SOURCES.join('|')}>`,
      'only rows that came in this way (in-process: @ragops/langchain)',
    )
    .option('--version <n>', 'only rows served by this model version')
    .option('--request-id <id>', 'one request');
}

function queryOf(f: z.infer<typeof filterFlagsSchema>): InferenceQuery {
  return {
    ...(f.endpoint !== undefined && { endpoint: f.endpoint }),
    ...(f.since !== undefined && { since: parseSince(f.since, '--since') }),
    ...(f.until !== undefined && { until: parseSince(f.until, '--until') }),
    ...(f.status !== undefined && { status: f.status }),
    ...(f.arm !== undefined && { trafficArm: f.arm }),
    ...(f.source !== undefined && { source: f.source }),
    ...(f.version !== undefined && { modelVersion: f.version }),
    ...(f.requestId !== undefined && { requestId: f.requestId }),
  };
}

// The table holds request and answer text: reading it is an admin's business.
function requireAdmin(cli: RegistryCli): void {
  if (!cli.actor.isAdmin) throw new PermissionDeniedError('only an admin may read the inference table');
}

const ms = (v: number | null) => (v === null ? '' : v.toFixed(1));
const human = (rows: StoredInferenceRow[]) =>
  table(
    [
      'SEQ',
      'TIME',
      'ENDPOINT',
      'ENTITY',
      'VERSION',
      'STATUS',
      'TOTAL_MS',
      'RETR_MS',
      'LLM',
      'TOK_IN',
      'TOK_OUT',
      'COST_USD',
      'CALLER',
      'REQUEST',
    ],
    rows.map((r) => [
      r.seq,
      r.ts,
      r.endpoint,
      `${r.servedEntity ?? ''}${r.trafficArm === 'shadow' ? ' (shadow)' : ''}`,
      r.modelVersion,
      r.status === 'ok' ? 'ok' : `${r.httpStatus} ${r.errorCode ?? ''}`,
      ms(r.latencyTotalMs),
      ms(r.latencyRetrievalMs),
      // The LLM that answered; `(fallback from p/m)` when the chain's own one failed.
      `${r.llmProvider ?? ''}${r.llmFallbackFrom ? ` (fallback from ${r.llmFallbackFrom})` : ''}`,
      r.tokensIn,
      r.tokensOut,
      r.costUsd === null ? '' : r.costUsd.toFixed(6),
      r.caller,
      r.requestId,
    ]),
  );

/** `ragops inference tail|query|export`: the inference table (one row per served request). */
export function registerInferenceCommands(group: Command): void {
  withFilters(group.command('query').description('rows matching filters, oldest first'))
    .option('--limit <n>', 'at most this many rows', '100')
    .action(
      action(async (opts: unknown, command: Command) => {
        const f = parseFlags(filterFlagsSchema.extend({ limit: z.coerce.number().int().min(1).max(100_000) }), opts);
        const rows = await withRegistry(command, async (cli) => {
          requireAdmin(cli);
          return queryInferenceRows(cli.store, { ...queryOf(f), limit: f.limit });
        });
        printResult(command.optsWithGlobals(), { items: rows }, (r) => human(r.items));
      }),
    );

  withFilters(group.command('tail').description('the newest rows; with --follow, keep printing new ones'))
    .option('-n, --lines <n>', 'how many of the newest rows first', '20')
    .option('-f, --follow', 'poll for new rows until interrupted')
    .option('--interval-ms <ms>', 'poll interval with --follow', '1000')
    .action(
      action(async (opts: unknown, command: Command) => {
        const f = parseFlags(
          filterFlagsSchema.extend({
            lines: z.coerce.number().int().min(1).max(10_000),
            follow: z.boolean().optional(),
            intervalMs: z.coerce.number().int().min(50),
          }),
          opts,
        );
        const json = command.optsWithGlobals<{ json?: boolean }>().json === true;
        const { stdout, stderr, signals } = cliContext();
        const print = (rows: StoredInferenceRow[]) => {
          if (rows.length === 0) return;
          if (json) for (const r of rows) stdout.write(`${JSON.stringify(r)}\n`);
          else stdout.write(`${human(rows)}\n`);
        };
        await withRegistry(command, async (cli) => {
          requireAdmin(cli);
          const newest = await queryInferenceRows(cli.store, { ...queryOf(f), order: 'desc', limit: f.lines });
          const first = newest.reverse();
          print(first);
          if (!f.follow) return;
          let after = first.at(-1)?.seq ?? 0;
          const stop = new AbortController();
          const onSigint = () => stop.abort();
          signals.once('SIGINT', onSigint);
          stderr.write(`following new rows every ${f.intervalMs} ms (Ctrl-C stops)\n`);
          try {
            while (!stop.signal.aborted) {
              await new Promise((r) => setTimeout(r, f.intervalMs));
              const rows = await queryInferenceRows(cli.store, { ...queryOf(f), afterSeq: after, limit: 10_000 });
              print(rows);
              after = rows.at(-1)?.seq ?? after;
            }
          } finally {
            signals.off('SIGINT', onSigint);
          }
        });
      }),
    );

  withFilters(
    group.command('export').description('every matching row as JSON Lines (file or stdout) or Parquet (file)'),
  )
    .option('--format <format>', 'jsonl or parquet', 'jsonl')
    .option('--out <file>', 'write here (required for parquet; jsonl defaults to stdout)')
    .action(
      action(async (opts: unknown, command: Command) => {
        const f = parseFlags(
          filterFlagsSchema.extend({ format: z.enum(['jsonl', 'parquet']), out: z.string().min(1).optional() }),
          opts,
        );
        if (f.format === 'parquet' && f.out === undefined) {
          throw new InvalidInputError('--format parquet needs --out <file.parquet>');
        }
        const outPath = f.out === undefined ? undefined : resolvePath(f.out);
        const out = f.format === 'jsonl' ? (outPath ? createWriteStream(outPath) : cliContext().stdout) : undefined;
        const kept: StoredInferenceRow[] = [];
        let count = 0;
        await withRegistry(command, async (cli) => {
          requireAdmin(cli);
          let after = 0;
          for (;;) {
            const rows = await queryInferenceRows(cli.store, { ...queryOf(f), afterSeq: after, limit: 5_000 });
            if (out) {
              for (const r of rows) {
                // A stream asks for a pause with `false`; wait for it to drain (an in-process writer never does).
                if (out.write(`${JSON.stringify(r)}\n`) === false) await once(out as NodeJS.EventEmitter, 'drain');
              }
            } else kept.push(...rows);
            count += rows.length;
            if (rows.length < 5_000) break;
            after = rows.at(-1)!.seq;
          }
        });
        if (f.format === 'parquet') (await import('./inference-parquet.ts')).writeInferenceParquet(kept, outPath!);
        if (f.out) {
          if (out) {
            const file = out as ReturnType<typeof createWriteStream>;
            file.end();
            await once(file, 'finish');
          }
          printResult(
            command.optsWithGlobals(),
            { rows: count, out: f.out, format: f.format },
            (r) => `exported ${r.rows} rows to ${r.out} (${r.format})`,
          );
        }
      }),
    );
}
