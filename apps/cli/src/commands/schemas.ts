import { createSchema, getSchema, InvalidInputError, listSchemas } from '@ragops/core';
import type { Command } from 'commander';
import { z } from 'zod';
import { printResult } from '../output.ts';
import { action } from '../program.ts';
import { addHomeOption, parseFlags, table, withRegistry } from './registry-cli.ts';

function splitSchemaName(value: string): { catalog: string; name: string } {
  const parts = value.split('.');
  if (parts.length !== 2) throw new InvalidInputError(`"${value}" is not a schema name: use catalog.schema`);
  return { catalog: parts[0] ?? '', name: parts[1] ?? '' };
}

/** `ragops schemas create|list|show`. */
export function registerSchemasCommands(schemas: Command): void {
  addHomeOption(schemas.command('create <catalog.schema>').description('create a schema (needs MANAGE on the catalog)'))
    .option('--description <text>', 'what the schema is for')
    .action(
      action(async (fullName: string, opts: unknown, command: Command) => {
        const flags = parseFlags(z.object({ description: z.string().optional() }), opts);
        const { catalog, name } = splitSchemaName(fullName);
        const schema = await withRegistry(command, (cli) =>
          createSchema({ ...cli, catalog, schema: { name, description: flags.description } }),
        );
        printResult(command.optsWithGlobals(), schema, (s) => `created schema ${s.fullName}`);
      }),
    );

  addHomeOption(schemas.command('list <catalog>').description('schemas of a catalog you may use')).action(
    action(async (catalog: string, _opts: unknown, command: Command) => {
      const page = await withRegistry(command, (cli) => listSchemas({ ...cli, catalog, pageSize: 1000 }));
      printResult(command.optsWithGlobals(), page, (p) =>
        table(
          ['NAME', 'OWNER', 'DESCRIPTION'],
          p.items.map((s) => [s.fullName, s.owner, s.description]),
        ),
      );
    }),
  );

  addHomeOption(schemas.command('show <catalog.schema>').description('one schema')).action(
    action(async (fullName: string, _opts: unknown, command: Command) => {
      const { catalog, name } = splitSchemaName(fullName);
      const schema = await withRegistry(command, (cli) => getSchema({ ...cli, catalog, name }));
      printResult(
        command.optsWithGlobals(),
        schema,
        (s) => `${s.fullName}  owner ${s.owner}  created ${s.createdAt}\n${s.description}`,
      );
    }),
  );
}
