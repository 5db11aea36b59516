import { createCatalog, getCatalog, listCatalogs } from '@ragops/core';
import type { Command } from 'commander';
import { z } from 'zod';
import { printResult } from '../output.ts';
import { action } from '../program.ts';
import { addHomeOption, parseFlags, table, withRegistry } from './registry-cli.ts';

/** `ragops catalogs create|list|show`. */
export function registerCatalogsCommands(catalogs: Command): void {
  addHomeOption(catalogs.command('create <name>').description('create a catalog (admin)'))
    .option('--description <text>', 'what the catalog holds')
    .action(
      action(async (name: string, opts: unknown, command: Command) => {
        const flags = parseFlags(z.object({ description: z.string().optional() }), opts);
        const catalog = await withRegistry(command, (cli) =>
          createCatalog({ ...cli, catalog: { name, description: flags.description } }),
        );
        printResult(command.optsWithGlobals(), catalog, (c) => `created catalog ${c.name}`);
      }),
    );

  addHomeOption(catalogs.command('list').description('catalogs you may use')).action(
    action(async (_opts: unknown, command: Command) => {
      const page = await withRegistry(command, (cli) => listCatalogs({ ...cli, pageSize: 1000 }));
      printResult(command.optsWithGlobals(), page, (p) =>
        table(
          ['NAME', 'OWNER', 'DESCRIPTION'],
          p.items.map((c) => [c.name, c.owner, c.description]),
        ),
      );
    }),
  );

  addHomeOption(catalogs.command('show <name>').description('one catalog')).action(
    action(async (name: string, _opts: unknown, command: Command) => {
      const catalog = await withRegistry(command, (cli) => getCatalog({ ...cli, name }));
      printResult(
        command.optsWithGlobals(),
        catalog,
        (c) => `${c.name}  owner ${c.owner}  created ${c.createdAt}\n${c.description}`,
      );
    }),
  );
}
