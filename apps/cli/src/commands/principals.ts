import { createPrincipal, listPrincipals, PRINCIPAL_KINDS } from '@ragops/core';
import type { Command } from 'commander';
import { z } from 'zod';
import { printResult } from '../output.ts';
import { action } from '../program.ts';
import { addHomeOption, parseFlags, table, withRegistry } from './registry-cli.ts';

/** `ragops principals create|list` (admin). */
export function registerPrincipalsCommands(principals: Command): void {
  addHomeOption(principals.command('create <name>').description('create a user or service principal (admin)'))
    .option('--kind <kind>', `one of ${PRINCIPAL_KINDS.join(', ')}`, 'user')
    .option('--display-name <text>', 'a readable name')
    .option('--admin', 'make it an admin (all privileges everywhere)')
    .action(
      action(async (name: string, opts: unknown, command: Command) => {
        const f = parseFlags(
          z.object({
            kind: z.enum(PRINCIPAL_KINDS),
            displayName: z.string().optional(),
            admin: z.boolean().optional(),
          }),
          opts,
        );
        const principal = await withRegistry(command, (cli) =>
          createPrincipal({
            ...cli,
            principal: { name, kind: f.kind, displayName: f.displayName, isAdmin: f.admin ?? false },
          }),
        );
        printResult(
          command.optsWithGlobals(),
          principal,
          (p) => `created ${p.kind} principal ${p.name}${p.isAdmin ? ' (admin)' : ''}`,
        );
      }),
    );

  addHomeOption(principals.command('list').description('all principals (admin)')).action(
    action(async (_opts: unknown, command: Command) => {
      const page = await withRegistry(command, (cli) => listPrincipals({ ...cli, pageSize: 1000 }));
      printResult(command.optsWithGlobals(), page, (p) =>
        table(
          ['NAME', 'KIND', 'ADMIN', 'CREATED', 'BY'],
          p.items.map((x) => [x.name, x.kind, x.isAdmin ? 'yes' : '', x.createdAt, x.createdBy]),
        ),
      );
    }),
  );
}
