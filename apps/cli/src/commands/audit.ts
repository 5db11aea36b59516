import { type AuditEntry, listAudit } from '@ragops/core';
import type { Command } from 'commander';
import { z } from 'zod';
import { printResult } from '../output.ts';
import { action } from '../program.ts';
import { addHomeOption, parseFlags, parseSince, table, withRegistry } from './registry-cli.ts';

const summary = (value: unknown) => (value === null || value === undefined ? '' : JSON.stringify(value).slice(0, 80));

/** The audit table; REASON is the `--reason` of an alias move or delete (its `details.reason`). */
export function renderAuditTable(items: readonly AuditEntry[]): string {
  return table(
    ['AT', 'PRINCIPAL', 'ACTION', 'OBJECT', 'BEFORE', 'AFTER', 'REASON', 'REQUEST'],
    items.map((e) => [
      e.at,
      e.principal,
      e.action,
      e.objectName,
      summary(e.before),
      summary(e.after),
      typeof e.details?.reason === 'string' ? e.details.reason.slice(0, 80) : '',
      e.requestId,
    ]),
  );
}

/** `ragops audit --since 1h`: the audit log (admin). */
export function registerAuditCommands(audit: Command): void {
  addHomeOption(audit)
    .option('--since <when>', 'a duration back from now (30m, 1h, 7d) or an ISO time', '24h')
    .option('--until <when>', 'a duration back from now or an ISO time')
    .option('--principal <name>', 'only this principal')
    .option('--action <action>', 'only this action, e.g. alias.set')
    .option('--object <name>', 'only this object name, e.g. models:/dev.s.m@champion')
    .option('--limit <n>', 'at most this many rows', '1000')
    .action(
      action(async (opts: unknown, command: Command) => {
        const f = parseFlags(
          z.object({
            since: z.string(),
            until: z.string().optional(),
            principal: z.string().optional(),
            action: z.string().optional(),
            object: z.string().optional(),
            limit: z.coerce.number().int().min(1).max(1000),
          }),
          opts,
        );
        const query = {
          since: parseSince(f.since, '--since'),
          until: f.until === undefined ? undefined : parseSince(f.until, '--until'),
          principal: f.principal,
          action: f.action,
          objectName: f.object,
          pageSize: f.limit,
        };
        const page = await withRegistry(command, (cli) => listAudit({ store: cli.store, actor: cli.actor, query }));
        printResult(command.optsWithGlobals(), page, (p) => renderAuditTable(p.items));
      }),
    );
}
