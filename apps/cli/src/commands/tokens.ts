import { createToken, InvalidInputError, listTokens, revokeToken } from '@ragops/core';
import type { Command } from 'commander';
import { z } from 'zod';
import { cliContext } from '../cli-context.ts';
import { printResult } from '../output.ts';
import { action } from '../program.ts';
import { addHomeOption, parseDurationMs, parseFlags, table, withRegistry } from './registry-cli.ts';

/** `ragops tokens create|revoke|list`. */
export function registerTokensCommands(tokens: Command): void {
  addHomeOption(tokens.command('create').description('create a token for yourself, or (admin) for --principal'))
    .option('--principal <name>', 'whose token (admin only for others)')
    .option('--description <text>', 'what it is for')
    .option('--expires <when>', 'a duration (30d, 12h) or an ISO time; default: never')
    .option('--quiet', 'print only the secret, for `export TOKEN=$(ragops tokens create --quiet)`')
    .action(
      action(async (opts: unknown, command: Command) => {
        const f = parseFlags(
          z.object({
            principal: z.string().optional(),
            description: z.string().optional(),
            expires: z.string().optional(),
            quiet: z.boolean().optional(),
          }),
          opts,
        );
        let expiry: { expiresInSeconds?: number; expiresAt?: string } = {};
        if (f.expires !== undefined) {
          const ms = parseDurationMs(f.expires);
          if (ms !== undefined) expiry = { expiresInSeconds: Math.max(1, Math.round(ms / 1000)) };
          else if (!Number.isNaN(Date.parse(f.expires))) expiry = { expiresAt: new Date(f.expires).toISOString() };
          else throw new InvalidInputError(`--expires "${f.expires}": use a duration (30d, 12h) or an ISO time`);
        }
        const created = await withRegistry(command, (cli) =>
          createToken({ ...cli, token: { principal: f.principal, description: f.description, ...expiry } }),
        );
        const globals = command.optsWithGlobals<{ json?: boolean }>();
        if (f.quiet && !globals.json) {
          cliContext().stdout.write(`${created.token}\n`);
          return;
        }
        printResult(globals, created, (c) =>
          [
            `token ${c.info.id} for ${c.info.principal}${c.info.expiresAt ? `, expires ${c.info.expiresAt}` : ''}`,
            '',
            `  ${c.token}`,
            '',
            'Store it now: it is shown only once (only its hash is kept).',
          ].join('\n'),
        );
      }),
    );

  addHomeOption(tokens.command('revoke <id>').description('revoke a token (yours, or any for an admin)')).action(
    action(async (id: string, _opts: unknown, command: Command) => {
      const info = await withRegistry(command, (cli) => revokeToken({ ...cli, id }));
      printResult(command.optsWithGlobals(), info, (t) => `revoked token ${t.id} (${t.principal}) at ${t.revokedAt}`);
    }),
  );

  addHomeOption(tokens.command('list').description('your tokens, --principal <name> or --all (admin)'))
    .option('--principal <name>', 'tokens of this principal')
    .option('--all', 'every token')
    .action(
      action(async (opts: unknown, command: Command) => {
        const f = parseFlags(z.object({ principal: z.string().optional(), all: z.boolean().optional() }), opts);
        const page = await withRegistry(command, (cli) =>
          listTokens({ ...cli, principal: f.principal, all: f.all, pageSize: 1000 }),
        );
        printResult(command.optsWithGlobals(), page, (p) =>
          table(
            ['ID', 'PRINCIPAL', 'PREFIX', 'CREATED', 'EXPIRES', 'REVOKED', 'LAST USED'],
            p.items.map((t) => [
              t.id,
              t.principal,
              `${t.prefix}…`,
              t.createdAt,
              t.expiresAt ?? 'never',
              t.revokedAt ?? '',
              t.lastUsedAt ?? '',
            ]),
          ),
        );
      }),
    );
}
