import { initWorkspace } from '@ragops/core';
import type { Command } from 'commander';
import { printResult } from '../output.ts';
import { action } from '../program.ts';
import { addHomeOption, withRegistry } from './registry-cli.ts';

/** `ragops init`: creates the metadata store (migrated) and the dev, staging and prod catalogs. */
export function registerInitCommands(init: Command): void {
  addHomeOption(init).action(
    action(async (_opts: unknown, command: Command) => {
      const result = await withRegistry(command, async (cli) => ({
        home: cli.home,
        store: cli.store.url,
        ...(await initWorkspace(cli)),
      }));
      printResult(command.optsWithGlobals(), result, (r) =>
        [
          `metadata store: ${r.store}`,
          `catalogs: ${r.catalogs.join(', ')}${r.created.length ? ` (created: ${r.created.join(', ')})` : ' (all existed)'}`,
        ].join('\n'),
      );
    }),
  );
}
